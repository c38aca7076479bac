using IsolationChecks.Cli.Progress;
using IsolationChecks.Collection;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `snapshot collect --plan PLAN --shard K/N --out PART --key PEM`: collects shard K's share of the plan's
/// targets (deterministic: the same plan always deals shard K the same targets, so a failed shard is rerun alone) into a
/// signed part for snapshot merge. Without --shard, the whole plan (1/1). Progress as `audit` shows it (--progress): a live
/// table of the shard's targets on a terminal, plain lines starting with "shard K/N:" elsewhere.
/// </summary>
public sealed class SnapshotCollectCommand(ToolContext context) : ICommand
{
    public string Name => "collect";

    public string Usage => "snapshot collect --plan <plan folder> [--shard K/N] --out <part folder> [--key <private key .pem>] "
                           + "[--progress auto|live|plain|quiet] [--max-concurrency 8] [--calls-per-second N] [--min-calls-per-second 0.5] [--throttle-retries 4] "
                           + "[--endpoint-url URL] [--profile P] [--timeout 30m]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CollectionArguments(args, new HashSet<string>(CollectionArguments.Collecting) { "--plan", "--shard", "--progress" });
        if (options.Positional.Count > 0) throw new UsageException($"unexpected '{options.Positional[0]}'");
        var planFolder = options.Required("--plan", "PLAN_FOLDER");
        if (!Directory.Exists(planFolder)) throw new UsageException($"no plan folder '{planFolder}'");
        var shard = options.Optional("--shard") is { } text ? ShardSpec.Parse(text, "command line") : ShardSpec.Whole;
        var folder = options.Required("--out", "PART_FOLDER");
        var mode = options.Optional("--progress") ?? ProgressDisplay.Auto;
        if (!ProgressDisplay.Modes.Contains(mode)) throw new UsageException($"--progress takes {string.Join(", ", ProgressDisplay.Modes)}, not '{mode}'");
        var live = options.Live($"shard {shard}");
        var deadline = options.Deadline();
        var plan = await SnapshotFolder.ReadAsync(planFolder, cancellationToken);
        var display = ProgressDisplay.Create(mode, context, $"shard {shard}");
        var part = await display.RunAsync(() => ShardedCollection.CollectShardAsync(live, plan, shard, deadline, display, cancellationToken));
        await SignedOutput.WriteAsync(new SnapshotFilesAndKey(part, folder, options.Optional("--key")), output, cancellationToken);
        return ExitCodes.Affirmative;
    }
}
