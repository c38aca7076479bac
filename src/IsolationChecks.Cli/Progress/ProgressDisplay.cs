using IsolationChecks.Collection;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace IsolationChecks.Cli.Progress;

/// <summary>
/// How a command shows a run's progress on standard error: a live table (per account, region and service: calls done,
/// failed, retries, throttles, elapsed) where that is a terminal, plain lines where it is not (a CI log, a redirect),
/// nothing when asked to be quiet. It receives the engine's own events: the run's lines and the collector's calls.
/// A shard's display (<see cref="Create"/> with a label) has a row per target (account and region) and starts every line
/// with its label, so parallel build logs are told apart.
/// </summary>
internal abstract class ProgressDisplay(string? label = null) : IProgress<string>, IProgress<CollectionProgress>
{
    public const string Auto = "auto";
    public const string Live = "live";
    public const string Plain = "plain";
    public const string Quiet = "quiet";

    public static IReadOnlyList<string> Modes { get; } = [Auto, Live, Plain, Quiet];

    protected CollectionTally Tally { get; } = new(byService: label is null);

    /// <summary>"shard 2/4", or null for a whole run.</summary>
    protected string? Label => label;

    /// <param name="label">A shard's label ("shard 2/4"): rows per target, every line starting with it.</param>
    public static ProgressDisplay Create(string mode, ToolContext context, string? label = null) => mode switch
    {
        Quiet => new QuietProgress(),
        Live => new LiveProgress(LiveConsole(context), label),
        Auto when context.ErrorIsTerminal => new LiveProgress(LiveConsole(context), label),
        _ => new PlainProgress(context.Error, label),
    };

    private static IAnsiConsole LiveConsole(ToolContext context) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(context.Error),
        Interactive = InteractionSupport.Yes,
        Ansi = AnsiSupport.Detect,
    });

    public abstract void Report(string value);

    public virtual void Report(CollectionProgress value) => Tally.Add(value);

    /// <summary>Runs <paramref name="run"/> while the display is up; it ends with the per-service summary.</summary>
    public abstract Task<T> RunAsync<T>(Func<Task<T>> run);

    private sealed class QuietProgress : ProgressDisplay
    {
        public override void Report(string value)
        {
        }

        public override Task<T> RunAsync<T>(Func<Task<T>> run) => run();
    }
}

/// <summary>Plain lines, each as it happens: what a CI log keeps. The collection's per-service (per-target) summary follows the run.</summary>
internal sealed class PlainProgress(TextWriter error, string? label = null) : ProgressDisplay(label)
{
    public const string Prefix = "IsolationChecks: ";

    private readonly Lock _gate = new();

    private readonly string _prefix = label is null ? Prefix : $"{label}: ";

    public override void Report(string value)
    {
        lock (_gate)
        {
            // A shard's own lines already carry its label.
            foreach (var line in value.Split('\n'))
                error.WriteLine(line.StartsWith(_prefix, StringComparison.Ordinal) ? line : _prefix + line);
            error.Flush();
        }
    }

    public override void Report(CollectionProgress value)
    {
        base.Report(value);
        Report(value.ToString());
    }

    public override async Task<T> RunAsync<T>(Func<Task<T>> run)
    {
        var result = await run().ConfigureAwait(false);
        foreach (var row in Tally.Rows)
            Report($"collected {CollectionTally.Line(row)}");
        return result;
    }
}

/// <summary>A live table redrawn in place (Spectre.Console), with the run's latest lines under it.</summary>
internal sealed class LiveProgress(IAnsiConsole console, string? label = null) : ProgressDisplay(label)
{
    private const int RecentLines = 6;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public override void Report(string value)
    {
        lock (_gate)
        {
            _lines.AddRange(value.Split('\n'));
            if (_lines.Count > RecentLines)
                _lines.RemoveRange(0, _lines.Count - RecentLines);
        }
    }

    public override async Task<T> RunAsync<T>(Func<Task<T>> run)
    {
        T result = default!;
        await console.Live(Render()).AutoClear(false).StartAsync(async live =>
        {
            var task = run();
            while (!task.IsCompleted)
            {
                live.UpdateTarget(Render());
                await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(200))).ConfigureAwait(false);
            }

            live.UpdateTarget(Render());
            result = await task.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    /// <summary>The table and the latest lines, as drawn now.</summary>
    public IRenderable Render()
    {
        var title = Label is null ? "IsolationChecks: collection" : $"IsolationChecks: collection, {Label}";
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/]");
        var byService = Tally.ByService;
        foreach (var column in new[] { "account", "region", "service", "running", "done", "failed", "retries", "throttled", "elapsed" }.Where(c => byService || c != "service"))
            table.AddColumn(column);
        foreach (var row in Tally.Rows)
            table.AddRow(new[]
            {
                Markup.Escape($"{row.Scope} {row.Account}"), Markup.Escape(row.Region), byService ? Markup.Escape(row.Service) : null,
                row.Running.ToString(System.Globalization.CultureInfo.InvariantCulture),
                row.Done.ToString(System.Globalization.CultureInfo.InvariantCulture),
                row.Failed > 0 ? $"[red]{row.Failed}[/]" : "0",
                row.Retries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                row.Throttled > 0 ? $"[yellow]{row.Throttled}[/]" : "0",
                $"{row.Elapsed.TotalSeconds:0.0}s",
            }.OfType<string>().ToArray());
        string[] lines;
        lock (_gate)
            lines = [.. _lines];
        return new Rows([table, .. lines.Select(l => (IRenderable)new Text(l))]);
    }
}
