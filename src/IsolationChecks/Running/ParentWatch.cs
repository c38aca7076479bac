using System.Globalization;

namespace IsolationChecks.Running;

/// <summary>One process as /proc shows it: its id, its parent, when it started (to tell a reused id apart) and its command line.</summary>
public sealed record ProcessEntry(int Id, int ParentId, ulong StartTicks, string CommandLine)
{
    /// <summary>Null when the process no longer exists, or is a zombie (ended, not yet reaped).</summary>
    public static ProcessEntry? Read(int id)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{id}/stat");
            // The command name (field 2) is in parentheses and may hold spaces or ')': fields resume after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] is "Z" or "X")
                return null;
            var commandLine = File.ReadAllText($"/proc/{id}/cmdline").Replace('\0', ' ').Trim();
            return new ProcessEntry(id, int.Parse(fields[1], CultureInfo.InvariantCulture), ulong.Parse(fields[19], CultureInfo.InvariantCulture), commandLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public bool IsStillRunning() => Read(Id) is { } now && now.StartTicks == StartTicks;
}

/// <summary>
/// Notices when the processes that started this one end. <c>dotnet test</c> runs vstest.console, which runs the test
/// host; a SIGTERM sent to <c>dotnet test</c> alone ends it at once and leaves the other two running, so the test host
/// watches vstest.console and the process that started it, and interrupts the run when either is gone. Linux only
/// (/proc); elsewhere it watches nothing.
/// </summary>
public sealed class ParentWatch : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    private ParentWatch(IReadOnlyList<ProcessEntry> watched, Action<string> ended)
    {
        Watched = watched;
        _watching = watched.Count == 0 ? Task.CompletedTask : WatchAsync(watched, ended, _stop.Token);
    }

    public IReadOnlyList<ProcessEntry> Watched { get; }

    /// <summary>
    /// Watches this process's parent; when the parent is vstest.console, also the process that started it (dotnet test,
    /// or an IDE). <paramref name="ended"/> is called once, with which process ended.
    /// </summary>
    public static ParentWatch OfThisProcess(Action<string> ended) => new(Lineage(Environment.ProcessId), ended);

    /// <summary>Watches the given processes (tests).</summary>
    public static ParentWatch Of(IEnumerable<int> processIds, Action<string> ended) =>
        new(processIds.Select(ProcessEntry.Read).OfType<ProcessEntry>().ToList(), ended);

    /// <summary>The parent, plus the grandparent when the parent is the test platform's vstest.console.</summary>
    public static IReadOnlyList<ProcessEntry> Lineage(int processId)
    {
        if (!OperatingSystem.IsLinux() || ProcessEntry.Read(processId) is not { } self || ProcessEntry.Read(self.ParentId) is not { } parent || parent.Id <= 1)
            return [];
        if (!parent.CommandLine.Contains("vstest.console", StringComparison.Ordinal))
            return [parent];
        return ProcessEntry.Read(parent.ParentId) is { Id: > 1 } starter ? [parent, starter] : [parent];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watching.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task WatchAsync(IReadOnlyList<ProcessEntry> watched, Action<string> ended, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (watched.FirstOrDefault(p => !p.IsStillRunning()) is { } gone)
                {
                    ended($"the process that started this run ended (pid {gone.Id}: {Shorten(gone.CommandLine)})");
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private static string Shorten(string commandLine) => commandLine.Length <= 80 ? commandLine : commandLine[..77] + "...";
}
