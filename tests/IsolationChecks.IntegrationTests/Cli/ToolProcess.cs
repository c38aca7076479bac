using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace IsolationChecks.IntegrationTests.Cli;

/// <summary>What a run of the built console tool printed on each stream, and how it exited.</summary>
public sealed record ToolOutcome(int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0}s\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// The built `isolationchecks` (IsolationChecks.Cli.dll) as a process, both streams redirected as a CI runner's are: what
/// a pipeline sees, and a process a test can signal.
/// </summary>
public sealed class ToolProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();

    private ToolProcess(Process process) => _process = process;

    /// <summary>
    /// The tool from its own build output, as it ships: the copy beside these tests resolves its dependencies with this
    /// project's (ASP.NET Core's shared framework supplies System.Threading.RateLimiting here, so the copy lacks it).
    /// </summary>
    public static string ToolAssembly => EndToEnd.SuiteProcess.ConsoleTool;

    public int Id => _process.Id;

    public string ErrorSoFar
    {
        get
        {
            lock (_gate)
                return _error.ToString();
        }
    }

    public static ToolProcess Start(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add(ToolAssembly);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ISOLATION_", StringComparison.Ordinal) || k.StartsWith("AWS_ENDPOINT_URL", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        var tool = new ToolProcess(new Process { StartInfo = info });
        tool._process.OutputDataReceived += (_, e) => tool.Append(tool._output, e.Data);
        tool._process.ErrorDataReceived += (_, e) => tool.Append(tool._error, e.Data);
        tool._process.Start();
        tool._process.BeginOutputReadLine();
        tool._process.BeginErrorReadLine();
        return tool;
    }

    public static async Task<ToolOutcome> RunAsync(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        await using var tool = Start(args, workingDirectory, environment);
        return await tool.WaitAsync(timeout ?? TimeSpan.FromMinutes(3));
    }

    private void Append(StringBuilder stream, string? line)
    {
        if (line is null)
            return;
        lock (_gate)
            stream.Append(line).Append('\n');
    }

    public async Task WaitForErrorLineAsync(string text, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!ErrorSoFar.Contains(text, StringComparison.Ordinal))
        {
            if (waited.Elapsed > timeout || _process.HasExited)
                Assert.Fail($"the tool did not print \"{text}\" within {timeout}:\n{ErrorSoFar}");
            await Task.Delay(50);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public void Signal(int signal) => Assert.That(Kill(_process.Id, signal), Is.Zero, $"kill {signal}");

    public async Task<ToolOutcome> WaitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"the tool did not exit within {timeout}:\n{ErrorSoFar}");
        }

        await _process.WaitForExitAsync();
        lock (_gate)
            return new ToolOutcome(_process.ExitCode, _output.ToString(), _error.ToString(), _clock.Elapsed);
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
