using IsolationChecks.Posture;
using IsolationChecks.Probes;
using IsolationChecks.Running;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks probe-vpc POSTURE [OUT]`: runs the in-VPC probes (NET-1..NET-3) declared in the posture from this machine
/// and writes their record (to OUT, else standard output), to be placed in a snapshot at probes/in-vpc.json. For a build
/// step inside the isolated network when the suite itself runs elsewhere; `Target=live` runs the same probes itself.
/// </summary>
public sealed class ProbeVpcCommand(TimeProvider clock) : ICommand
{
    public string Name => "probe-vpc";

    public string Usage => "isolationchecks probe-vpc <posture.json> [<record.json>]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Count is < 1 or > 2) throw new UsageException("probe-vpc takes a posture file and, optionally, where to write the record");
        var posture = await PostureLoader.LoadAsync(args[0], cancellationToken);
        if (posture.InVpcProbes is not { } probes)
        {
            await error.WriteLineAsync($"{args[0]}: the posture declares no inVpcProbes section: nothing to probe");
            return ExitCodes.ConfigurationError;
        }

        var record = await new InVpcProber(clock).RunAsync(probes, cancellationToken);
        var json = record.ToJson();
        if (args.Count == 2)
            await File.WriteAllBytesAsync(args[1], json, cancellationToken);
        else
            await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(json));
        return ExitCodes.GatePassed;
    }
}
