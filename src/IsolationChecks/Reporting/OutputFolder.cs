using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// A run's Output folder, held for the length of the run. Claiming it takes an exclusive lock (a second run on the same
/// folder is refused, naming the run that holds it; the operating system releases the lock of a run that died), then
/// replaces the previous run's files, so what the folder holds afterwards is this run's alone: its reports, or
/// error.json and error.txt saying why there are none. Until the reports are all written, error.json says the run has
/// not finished, so a run killed outright leaves that, never an empty folder or half-written reports alone: wherever
/// error.json is present, the folder holds no verdict. Other files in the folder are never touched.
/// </summary>
public sealed class OutputFolder : IDisposable
{
    public const string LockFile = ".isolationchecks.lock";
    public const string HolderFile = ".isolationchecks.run";
    public const string ErrorJsonFile = "error.json";
    public const string ErrorTextFile = "error.txt";

    /// <summary>Every file a run leaves in Output (each registered report, the error files); a new run removes them first.</summary>
    public static IReadOnlyList<string> RunFiles { get; } =
        [.. ReportFormats.All.Select(f => f.FileName), ErrorJsonFile, ErrorTextFile];

    private readonly FileStream _lock;
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private bool _finished;
    private RunOutcome? _error;

    private OutputFolder(string path, FileStream @lock, TimeProvider clock, DateTimeOffset startedAt, string? previousHolder)
    {
        Path = path;
        _lock = @lock;
        _clock = clock;
        StartedAt = startedAt;
        PreviousHolder = previousHolder;
    }

    public string Path { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>The outcome error.json was written for (not the "unfinished" mark); null while there is none.</summary>
    public RunOutcome? Error
    {
        get
        {
            lock (_gate)
                return _error;
        }
    }

    /// <summary>A run that held this folder and died without releasing it ("pid 123 on host, started ..."), or null.</summary>
    public string? PreviousHolder { get; }

    /// <summary>
    /// Takes the folder for this run, creating it if needed. Bad input (not writable, used by another run) is an
    /// <see cref="InputException"/> on the Output setting.
    /// </summary>
    /// <param name="target">What this run judges, recorded for a second run's message.</param>
    public static OutputFolder Claim(string path, string target, TimeProvider clock)
    {
        var folder = System.IO.Path.GetFullPath(path);
        FileStream handle;
        try
        {
            Directory.CreateDirectory(folder);
            handle = new FileStream(System.IO.Path.Combine(folder, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(System.IO.Path.Combine(folder, LockFile)) && Directory.Exists(folder))
        {
            throw new InputException("Output setting", "Output",
                "a results folder no other run is using (wait for that run to finish, or give this run another Output)",
                $"{folder} in use by {Describe(ReadHolder(folder)) ?? "another run"}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw NotWritable(folder, e);
        }

        var startedAt = clock.GetUtcNow();
        var previous = Describe(ReadHolder(folder));
        try
        {
            File.WriteAllText(System.IO.Path.Combine(folder, HolderFile), JsonSerializer.Serialize(new RunHolder(
                Environment.ProcessId, Environment.MachineName, startedAt, target)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            handle.Dispose();
            throw NotWritable(folder, e);
        }

        return new OutputFolder(folder, handle, clock, startedAt, previous);
    }

    /// <summary>
    /// Makes the folder this run's. First error.json and error.txt say the run has not finished ("interrupted", replacing a
    /// previous run's error files): a process ended without warning (SIGKILL, out of memory, a lost machine, a parent that
    /// kills its children before they can react) leaves them behind. Then the previous run's reports go (only those). At no
    /// moment does the folder hold a verdict that is not this run's; the run's reports or its own error files replace the mark.
    /// </summary>
    public void ReplacePreviousRun()
    {
        lock (_gate)
        {
            try
            {
                WriteErrorFiles(new RunOutcome.Interrupted(UnfinishedReason), finishedAt: null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw NotWritable(Path, e);
            }
        }

        foreach (var name in RunFiles.Except([ErrorJsonFile, ErrorTextFile]))
        {
            var file = System.IO.Path.Combine(Path, name);
            if (!File.Exists(file))
                continue;
            try
            {
                File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException("Output setting", "Output", "a folder whose previous results can be replaced", $"{file} ({e.Message})", e);
            }
        }
    }

    /// <summary>What error.json says while the run is under way, and afterwards if its process was killed.</summary>
    public const string UnfinishedReason =
        "the run's process ended before it finished (killed, out of memory, or its machine stopped): this file was written as the run started, to be replaced by its reports or by the reason it stopped";

    /// <summary>
    /// The reports of a finished run, then the "unfinished" error files go; from then on nothing else is written here. An
    /// interruption that wrote its error files while the reports were being written keeps them: error.json wins.
    /// </summary>
    public async Task<IReadOnlyList<string>> WriteReportsAsync(RunResult run, CancellationToken cancellationToken)
    {
        var files = await ReportWriter.WriteAsync(run, Path, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_finished)
            {
                // error.json last: it is the marker readers look for.
                File.Delete(System.IO.Path.Combine(Path, ErrorTextFile));
                File.Delete(System.IO.Path.Combine(Path, ErrorJsonFile));
                _finished = true;
            }
        }

        return files.All;
    }

    /// <summary>
    /// error.json and error.txt for a run that has no reports (configuration error, interruption, defect). Synchronous and
    /// idempotent: a signal handler calls it the moment the run is interrupted, the run again when it has unwound.
    /// </summary>
    public IReadOnlyList<string> WriteError(RunOutcome outcome)
    {
        lock (_gate)
        {
            if (_finished)
                return [];
            _finished = true;
            _error = outcome;
            return WriteErrorFiles(outcome, _clock.GetUtcNow());
        }
    }

    private string[] WriteErrorFiles(RunOutcome outcome, DateTimeOffset? finishedAt)
    {
        var json = System.IO.Path.Combine(Path, ErrorJsonFile);
        var text = System.IO.Path.Combine(Path, ErrorTextFile);
        WriteWhole(json, ErrorJson(outcome, finishedAt));
        WriteWhole(text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(
            $"IsolationChecks {outcome.Message}\nexit code {outcome.ExitCode} ({Meaning(outcome.ExitCode)})\n"));
        return [json, text];
    }

    /// <summary>
    /// Replaces <paramref name="file"/> by renaming a finished copy over it: a process killed mid-write (vstest.console ends
    /// the test host on Ctrl-C while its handler writes) leaves the old file or the new one, never an empty or torn one.
    /// </summary>
    private static void WriteWhole(string file, byte[] content)
    {
        var partial = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file)!, $".{System.IO.Path.GetFileName(file)}.partial");
        File.WriteAllBytes(partial, content);
        File.Move(partial, file, overwrite: true);
    }

    public void Dispose()
    {
        lock (_gate)
            _finished = true;
        // The lock file stays (deleting it could race with the next run taking it); the holder file says no run is active.
        TryDelete(System.IO.Path.Combine(Path, HolderFile));
        _lock.Dispose();
    }

    /// <summary>The configuration error for an Output folder that cannot be created or written.</summary>
    public static InputException NotWritable(string folder, Exception cause) =>
        new("Output setting", "Output", "a folder the results can be written to", $"{folder} ({cause.Message})", cause);

    public static string Meaning(int exitCode) =>
        ExitCodes.Documented.FirstOrDefault(c => c.Code == exitCode).Meaning ?? "unknown";

    private byte[] ErrorJson(RunOutcome outcome, DateTimeOffset? finishedAt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("tool", ToolInfo.Name);
            json.WriteString("version", ToolInfo.Version);
            json.WriteString("kind", outcome.Kind);
            json.WriteNumber("exitCode", outcome.ExitCode);
            json.WriteString("exitMeaning", Meaning(outcome.ExitCode));
            json.WriteString("message", outcome.Message);
            json.WriteString("startedAt", FindingsJson.Iso(StartedAt));
            if (finishedAt is { } at)
                json.WriteString("finishedAt", FindingsJson.Iso(at));
            else
                json.WriteNull("finishedAt");
            json.WriteString("output", Path);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private sealed record RunHolder(int Pid, string Host, DateTimeOffset StartedAt, string Target);

    private static RunHolder? ReadHolder(string folder)
    {
        try
        {
            return JsonSerializer.Deserialize<RunHolder>(File.ReadAllText(System.IO.Path.Combine(folder, HolderFile)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static string? Describe(RunHolder? holder) =>
        holder is null ? null : $"the run with pid {holder.Pid} on {holder.Host}, started {FindingsJson.Iso(holder.StartedAt)} (target {holder.Target})";

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the lock, not this file, keeps other runs out.
        }
    }
}
