using System.Collections;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;

namespace IsolationTests;

/// <summary>What one process's run produced: how it ended, the files it left in Output, and its test cases.</summary>
public sealed class SuiteOutcome(FinishedRun finished, IReadOnlyList<SuiteCase> cases)
{
    private int _failureReported;

    public FinishedRun Finished { get; } = finished;

    public IReadOnlyList<SuiteCase> Cases { get; } = cases;

    /// <summary>True once the test case carrying a run's failure (configuration error, interruption) has printed it.</summary>
    public bool FailureReported => Volatile.Read(ref _failureReported) == 1;

    public void MarkFailureReported() => Interlocked.Exchange(ref _failureReported, 1);
}

/// <summary>
/// The run, computed once per test process when it is first asked for.
/// <para>
/// This is the suite's only process-wide state, and it has to be: NUnit builds test cases at discovery,
/// before any [SetUpFixture] runs, and each finding is a test case, so the first [TestCaseSource] that is
/// enumerated must trigger the run (settings → snapshot → findings → reports). Collecting the environment is
/// expensive and must happen exactly once however many sources, fixtures or threads ask, hence a
/// thread-safe <see cref="Lazy{T}"/> whose value is never mutated afterwards.
/// </para>
/// </summary>
public static class SuiteRun
{
    /// <summary>Every line the run prints starts with this; the isolationchecks logger shows those lines live.</summary>
    public const string LinePrefix = "IsolationChecks: ";

    private static readonly Lazy<SuiteOutcome> Holder = new(Compute, LazyThreadSafetyMode.ExecutionAndPublication);

    public static SuiteOutcome Outcome => Holder.Value;

    private static SuiteOutcome Compute()
    {
        var progress = new ConsoleProgress();
        IReadOnlyList<IControl> controls;
        try
        {
            controls = ControlCatalog.Discover().Controls;
        }
        catch (Exception e)
        {
            var broken = new FinishedRun(new RunOutcome.Broken(AuditRun.Describe(e)), "", []);
            return new SuiteOutcome(broken, SuiteCases.ForFailure(broken.Outcome, []));
        }

        var request = new RunRequest(
            TestParameters(),
            EnvironmentVariables(),
            // dotnet test runs the test host in bin/; PWD is the directory the user typed the command in.
            WorkingDirectory: Environment.GetEnvironmentVariable("PWD") ?? Environment.CurrentDirectory,
            SuiteDirectory: AppContext.BaseDirectory);
        var finished = RunInterruptibly(request, controls, progress);
        var catalog = controls.Select(c => c.Metadata).ToList();
        return new SuiteOutcome(finished, finished.Result is { } result ? SuiteCases.From(result) : SuiteCases.ForFailure(finished.Outcome, catalog));
    }

    /// <summary>
    /// Runs with the interruptions a test host can see: SIGINT, SIGTERM and SIGHUP; the end of vstest.console or of the
    /// <c>dotnet test</c> that started it (a SIGTERM to <c>dotnet test</c> alone ends it at once and orphans this
    /// process); and the test host being shut down. Each cancels every AWS call of the run and leaves Output/error.json
    /// saying "interrupted"; a run that does not unwind within the grace period ends the process with exit code 4.
    /// Once the run is over, signals take their default action again.
    /// </summary>
    private static FinishedRun RunInterruptibly(RunRequest request, IReadOnlyList<IControl> controls, IProgress<string> progress)
    {
        using var interruption = Interruption.OnSignals(() => Environment.Exit(ExitCodes.Interrupted));
        var parent = ParentWatch.OfThisProcess(interruption.Interrupt);
        EventHandler shuttingDown = (_, _) => interruption.Interrupt("the test host is being shut down (its test run was cancelled)");
        AppDomain.CurrentDomain.ProcessExit += shuttingDown;
        try
        {
            // Discovery is synchronous; run the async pipeline off any synchronization context and wait once.
            return Task.Run(() => new AuditRun(controls, TimeProvider.System).RunAsync(request, progress, interruption)).GetAwaiter().GetResult();
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= shuttingDown;
            parent.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static Dictionary<string, string> TestParameters() =>
        TestContext.Parameters.Names.ToDictionary(name => name, name => TestContext.Parameters[name] ?? "", StringComparer.Ordinal);

    private static Dictionary<string, string> EnvironmentVariables() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Where(e => e.Value is string)
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);

    /// <summary>
    /// Writes each line to the test host's standard output as it happens. vstest.console forwards that output as it
    /// arrives; the isolationchecks logger (IsolationChecks.TestLogger, enabled in every runsettings file) prints the
    /// lines that start with <see cref="LinePrefix"/> at any console verbosity.
    /// </summary>
    private sealed class ConsoleProgress : IProgress<string>
    {
        private readonly Lock _gate = new();

        public void Report(string value)
        {
            lock (_gate)
            {
                foreach (var line in value.Split('\n'))
                    Console.Out.WriteLine(LinePrefix + line);
                Console.Out.Flush();
            }
        }
    }
}
