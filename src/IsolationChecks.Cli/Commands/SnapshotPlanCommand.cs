using IsolationChecks.Running;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `snapshot plan POSTURE --out PLAN --key PEM`: fixes an audit's targets once: the organisation's accounts
/// under the posture's targets (read with the organisation reader's credentials) and the accounts it names, written with the
/// posture as a signed plan folder that every shard and the merge read.
/// </summary>
public sealed class SnapshotPlanCommand : ICommand
{
    public string Name => "plan";

    public string Usage => "snapshot plan <posture.json> --out <plan folder> [--key <private key .pem>] "
                           + "[--max-concurrency 8] [--calls-per-second N] [--min-calls-per-second 0.5] [--throttle-retries 4] [--endpoint-url URL] [--profile P] [--timeout 30m]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CollectionArguments(args, CollectionArguments.Collecting);
        if (options.Positional is not [var posture]) throw new UsageException("snapshot plan takes one posture file");
        if (!File.Exists(posture)) throw new UsageException($"no posture file '{posture}'");
        var folder = options.Required("--out", "PLAN_FOLDER");
        var plan = await ShardedCollection.PlanAsync(options.Live(null), await File.ReadAllBytesAsync(posture, cancellationToken), posture,
            options.Deadline(), new Lines(error), cancellationToken);
        await output.WriteLineAsync($"plan: {plan.Manifest!.Targets!.Count} targets");
        await SignedOutput.WriteAsync(new SnapshotFilesAndKey(plan, folder, options.Optional("--key")), output, cancellationToken);
        return ExitCodes.Affirmative;
    }
}

/// <summary>Progress lines to standard error as they happen.</summary>
internal sealed class Lines(TextWriter writer) : IProgress<string>
{
    public void Report(string value) => writer.WriteLine(value);
}
