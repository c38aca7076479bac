using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>The outcome of one `dotnet test` run of the compliance suite, as a user's CI sees it.</summary>
public sealed record SuiteOutcome(int ExitCode, string Output, JsonDocument? Findings, string OutputFolder)
{
    public IEnumerable<JsonElement> FindingsOf(string control) =>
        Findings is null ? [] : Findings.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("control").GetString() == control);

    public string StatusOf(string control, string resourceName) =>
        FindingsOf(control).Single(f => f.GetProperty("resourceName").GetString() == resourceName).GetProperty("status").GetString()!;

    /// <summary>How many times <paramref name="text"/> appears in what the run printed.</summary>
    public int Occurrences(string text)
    {
        var count = 0;
        for (var at = Output.IndexOf(text, StringComparison.Ordinal); at >= 0; at = Output.IndexOf(text, at + text.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>error.json of the run, or null when the run left reports instead.</summary>
    public JsonElement? Error => File.Exists(Path.Combine(OutputFolder, "error.json"))
        ? JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OutputFolder, "error.json"))).RootElement.Clone()
        : null;
}

/// <summary>How a run is started: settings as ISOLATION_* variables (they win), runsettings parameters after --, and more.</summary>
/// <param name="Settings">Setting name → value, passed as ISOLATION_&lt;NAME&gt; environment variables.</param>
/// <param name="Parameters">runsettings TestRunParameters given on the command line.</param>
/// <param name="SettingsFile">A runsettings file (-s), relative to the repository; by default the one `dotnet test IsolationTests` applies.</param>
/// <param name="OutputFolder">The Output folder; a fresh temporary one when null.</param>
public sealed record SuiteStart(
    IReadOnlyDictionary<string, string>? Settings = null,
    string? Filter = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    IReadOnlyDictionary<string, string>? Parameters = null,
    string SettingsFile = "runsettings/default.runsettings",
    string? OutputFolder = null);

/// <summary>
/// Runs the built IsolationTests assembly with `dotnet test` in a process group of its own (so a test can signal the
/// group, as a terminal or a CI runner does), with its output read as it arrives.
/// </summary>
public sealed class SuiteProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    private SuiteProcess(Process process, string outputFolder)
    {
        _process = process;
        OutputFolder = outputFolder;
    }

    private static string Metadata(string key) =>
        typeof(SuiteProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string RepoRoot => Metadata("RepoRoot");

    public static string SuiteAssembly =>
        Path.Combine(RepoRoot, "IsolationTests", "bin", Metadata("Configuration"), "net10.0", "IsolationTests.dll");

    public static string SuiteProject => Path.Combine(RepoRoot, "IsolationTests", "IsolationTests.csproj");

    /// <summary>
    /// The console tool as built in its own folder, with its own dependencies (this test project's folder resolves some of them
    /// from ASP.NET Core's shared framework, which the tool does not run on).
    /// </summary>
    public static string Configuration => Metadata("Configuration");

    public static string ConsoleTool => Path.Combine(RepoRoot, "src", "IsolationChecks.Cli", "bin", Metadata("Configuration"), "net10.0", "IsolationChecks.Cli.dll");

    /// <summary>The `dotnet test` process; it leads its own process group.</summary>
    public int Id => _process.Id;

    public string OutputFolder { get; }

    public string Printed => string.Join('\n', _lines);

    public static async Task<SuiteOutcome> RunAsync(
        IReadOnlyDictionary<string, string> settings, string? filter, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null) =>
        await RunAsync(new SuiteStart(settings, filter, environment), cancellationToken);

    public static async Task<SuiteOutcome> RunAsync(SuiteStart start, CancellationToken cancellationToken)
    {
        await using var suite = Start(start);
        return await suite.WaitAsync(cancellationToken);
    }

    public static SuiteProcess Start(SuiteStart start)
    {
        Assert.That(File.Exists(SuiteAssembly), Is.True, $"the suite is built at {SuiteAssembly}");
        var output = start.OutputFolder ?? Path.Combine(Path.GetTempPath(), "isolation-e2e-" + Guid.NewGuid().ToString("N"));
        // setsid: the run leads a process group of its own, which a test can signal as a whole. The project, not the
        // assembly: `dotnet test IsolationTests` goes through MSBuild, whose handling of signals is what users get.
        var info = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot };
        foreach (var argument in new[]
                 {
                     "dotnet", "test", SuiteProject, "--no-build", "--configuration", Metadata("Configuration"), "--results-directory", output + "-test-results",
                 })
            info.ArgumentList.Add(argument);
        info.ArgumentList.Add("-s");
        info.ArgumentList.Add(Path.Combine(RepoRoot, start.SettingsFile));

        if (start.Filter is not null)
        {
            info.ArgumentList.Add("--filter");
            info.ArgumentList.Add(start.Filter);
        }

        if (start.Parameters is { Count: > 0 } parameters)
        {
            info.ArgumentList.Add("--");
            foreach (var (name, value) in parameters)
                info.ArgumentList.Add($"TestRunParameters.Parameter(name=\"{name}\", value=\"{value}\")");
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ISOLATION_", StringComparison.Ordinal) || k.StartsWith("AWS_ENDPOINT_URL", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        info.Environment["ISOLATION_OUTPUT"] = output;
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["PWD"] = RepoRoot;
        foreach (var (name, value) in start.Environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        foreach (var (name, value) in start.Settings ?? new Dictionary<string, string>())
            info.Environment["ISOLATION_" + name.ToUpperInvariant()] = value;

        var suite = new SuiteProcess(new Process { StartInfo = info, EnableRaisingEvents = true }, output);
        suite._process.OutputDataReceived += (_, e) => suite.Received(e.Data);
        suite._process.ErrorDataReceived += (_, e) => suite.Received(e.Data);
        suite._process.Start();
        suite._process.BeginOutputReadLine();
        suite._process.BeginErrorReadLine();
        return suite;
    }

    /// <summary>Waits until the run has printed a line containing <paramref name="text"/>.</summary>
    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (deadline.Elapsed > timeout || _process.HasExited)
                Assert.Fail($"the run did not print \"{text}\" within {timeout}:\n{Printed}");
            await Task.Delay(50);
        }
    }

    /// <summary>Sends a signal to the `dotnet test` process alone, or to its whole process group.</summary>
    public void Signal(PosixSignalNumber signal, bool wholeGroup)
    {
        if (Kill(wholeGroup ? -_process.Id : _process.Id, (int)signal) != 0)
            Assert.Fail($"kill({signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public async Task<SuiteOutcome> WaitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        // A process the run left behind may still hold the output open: what it prints later is not this outcome's.
        await Task.WhenAny(_closed.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
        var findingsFile = Path.Combine(OutputFolder, "findings.json");
        var findings = File.Exists(findingsFile) ? JsonDocument.Parse(await File.ReadAllBytesAsync(findingsFile, cancellationToken)) : null;
        return new SuiteOutcome(_process.ExitCode, Printed, findings, OutputFolder);
    }

    /// <summary>
    /// The processes still running for this run: any process whose environment names this run's Output folder (the
    /// test host and vstest.console inherit it from `dotnet test`).
    /// </summary>
    public IReadOnlyList<string> Survivors()
    {
        var marker = $"ISOLATION_OUTPUT={OutputFolder}\0";
        var found = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(folder, "environ")).Contains(marker, StringComparison.Ordinal)
                    && !File.ReadAllText(Path.Combine(folder, "stat")).Contains(") Z ", StringComparison.Ordinal))
                    found.Add($"{pid}: {File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ')}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while looking, or not ours.
            }
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill(-_process.Id, (int)PosixSignalNumber.Kill);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
                _closed.TrySetResult();
            return;
        }

        _lines.Enqueue(line);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>Linux signal numbers, for <see cref="SuiteProcess.Signal"/>.</summary>
public enum PosixSignalNumber
{
    Interrupt = 2,
    Kill = 9,
    Terminate = 15,
}
