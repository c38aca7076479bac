using IsolationChecks.Collection;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `snapshot collect --plan PLAN --shard K/N --out PART --key PEM`: collects shard K's share of the plan's
/// targets (deterministic: the same plan always deals shard K the same targets, so a failed shard is rerun alone) into a
/// signed part for snapshot merge. Without --shard, the whole plan (1/1).
/// </summary>
public sealed class SnapshotCollectCommand : ICommand
{
    public string Name => "collect";

    public string Usage => "snapshot collect --plan <plan folder> [--shard K/N] --out <part folder> [--key <private key .pem>] "
                           + "[--max-concurrency 8] [--calls-per-second N] [--endpoint-url URL] [--profile P] [--timeout 30m]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CollectionArguments(args, new HashSet<string>(CollectionArguments.Collecting) { "--plan", "--shard" });
        if (options.Positional.Count > 0) throw new UsageException($"unexpected '{options.Positional[0]}'");
        var planFolder = options.Required("--plan", "PLAN_FOLDER");
        if (!Directory.Exists(planFolder)) throw new UsageException($"no plan folder '{planFolder}'");
        var shard = options.Optional("--shard") is { } text ? ShardSpec.Parse(text, "command line") : ShardSpec.Whole;
        var folder = options.Required("--out", "PART_FOLDER");
        var plan = await SnapshotFolder.ReadAsync(planFolder, cancellationToken);
        var part = await ShardedCollection.CollectShardAsync(options.Live($"shard {shard}"), plan, shard, options.Deadline(), new Lines(error), cancellationToken);
        await SignedOutput.WriteAsync(new SnapshotFilesAndKey(part, folder, options.Optional("--key")), output, cancellationToken);
        return ExitCodes.Affirmative;
    }
}
