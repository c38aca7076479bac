using System.CommandLine;
using IsolationChecks.Posture;
using IsolationChecks.Probes;
using IsolationChecks.Running;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks probe-vpc POSTURE [OUT]`: runs the in-VPC probes (NET-1..NET-3) declared in the posture from this machine
/// and writes their record (to OUT, else standard output), to be placed in a snapshot at probes/in-vpc.json. For a build
/// step inside the isolated network when the suite itself runs elsewhere; `Target=live` runs the same probes itself.
/// </summary>
internal static class ProbeVpcCommand
{
    public const string Usage = "probe-vpc POSTURE [RECORD]";

    public static Command Create(ToolContext context)
    {
        var command = new Command("probe-vpc", "Run the posture's in-VPC probes (NET-1..NET-3) from this machine and write their record (for probes/in-vpc.json)");
        var posture = new Argument<string>("posture") { Description = "the posture file with an inVpcProbes section" };
        var record = new Argument<string?>("record") { Description = "where to write the record (default: standard output)", Arity = ArgumentArity.ZeroOrOne };
        command.Add(posture);
        command.Add(record);
        command.SetAction(ConsoleTool.Guarded(context, Usage, async (parse, ct) =>
        {
            var path = context.FullPath(parse.GetValue(posture)!);
            if (!File.Exists(path))
                throw new UsageException($"no posture file '{path}'");
            var document = await PostureLoader.LoadAsync(path, ct);
            if (document.InVpcProbes is not { } probes)
            {
                await context.Error.WriteLineAsync($"{path}: the posture declares no inVpcProbes section: nothing to probe");
                return ExitCodes.ConfigurationError;
            }

            var json = (await new InVpcProber(context.Clock).RunAsync(probes, ct)).ToJson();
            if (parse.GetValue(record) is { } target)
                await File.WriteAllBytesAsync(context.FullPath(target), json, ct);
            else
                await context.Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(json));
            return ExitCodes.GatePassed;
        }));
        return command;
    }
}
