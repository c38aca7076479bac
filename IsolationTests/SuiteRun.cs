using System.Collections;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using IsolationChecks.Settings;

namespace IsolationTests;

/// <summary>What one process's run produced: the result and its test cases, or why there is none.</summary>
/// <param name="ProgressLines">Lines reported while the run was computed (collection progress, counts).</param>
public sealed record SuiteOutcome(RunResult? Result, Exception? Failure, IReadOnlyList<SuiteCase> Cases, IReadOnlyList<string> ProgressLines);

/// <summary>
/// The run, computed once per test process when it is first asked for.
/// <para>
/// This is the suite's only process-wide state, and it has to be: NUnit builds test cases at discovery,
/// before any [SetUpFixture] runs, and each finding is a test case, so the first [TestCaseSource] that is
/// enumerated must trigger the run (settings → snapshot → findings). Collecting the environment is
/// expensive and must happen exactly once however many sources, fixtures or threads ask, hence a
/// thread-safe <see cref="Lazy{T}"/> whose value is never mutated afterwards.
/// </para>
/// </summary>
public static class SuiteRun
{
    private static readonly Lazy<SuiteOutcome> Holder = new(Compute, LazyThreadSafetyMode.ExecutionAndPublication);

    public static SuiteOutcome Outcome => Holder.Value;

    private static SuiteOutcome Compute()
    {
        var progress = new ProgressLog();
        IReadOnlyList<ControlMetadata> catalog = [];
        try
        {
            var controls = ControlCatalog.Discover();
            catalog = controls.Controls.Select(c => c.Metadata).ToList();
            var settings = SettingsResolver.Resolve(
                TestParameters(),
                EnvironmentVariables(),
                // dotnet test runs the test host in bin/; PWD is the directory the user typed the command in.
                workingDirectory: Environment.GetEnvironmentVariable("PWD") ?? Environment.CurrentDirectory,
                suiteDirectory: AppContext.BaseDirectory);
            // Discovery is synchronous; run the async pipeline off any synchronization context and wait once.
            var result = Task.Run(() => new SuiteRunner(controls, TimeProvider.System)
                    .RunAsync(settings, progress, CancellationToken.None))
                .GetAwaiter().GetResult();
            return new SuiteOutcome(result, null, SuiteCases.From(result), progress.Lines);
        }
        catch (Exception failure)
        {
            progress.Report($"Suite configuration failed: {SuiteCases.DescribeFailure(failure)}");
            return new SuiteOutcome(null, failure, SuiteCases.ForFailure(failure, catalog), progress.Lines);
        }
    }

    private static Dictionary<string, string> TestParameters() =>
        TestContext.Parameters.Names.ToDictionary(name => name, name => TestContext.Parameters[name] ?? "", StringComparer.Ordinal);

    private static Dictionary<string, string> EnvironmentVariables() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Where(e => e.Value is string)
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);

    /// <summary>Writes each line to the console as it happens, and keeps it for the results.</summary>
    private sealed class ProgressLog : IProgress<string>
    {
        private readonly List<string> _lines = [];
        private readonly Lock _gate = new();

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_gate)
                    return _lines.ToList();
            }
        }

        public void Report(string value)
        {
            lock (_gate)
                _lines.Add(value);
            TestContext.Progress.WriteLine(value);
        }
    }
}
