using IsolationChecks.Evaluation.Network;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks path`: an ad-hoc question to the path engine over any snapshot the suite reads.
/// Exit code 0 reachable, 1 unreachable, 6 inconclusive (<see cref="ExitCodes.Undecided"/>).
/// </summary>
public sealed class PathCommand : ICommand
{
    public string Name => "path";

    public string Usage => PathArguments.Usage;

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var arguments = PathArguments.Parse(args);
        if (!Directory.Exists(arguments.Snapshot)) throw new UsageException($"--snapshot: no folder '{arguments.Snapshot}'");
        var files = await SnapshotFolder.ReadAsync(arguments.Snapshot, cancellationToken);
        var snapshot = SnapshotReader.Read(files);
        var answer = Answer(snapshot, arguments, out var scope);
        await output.WriteAsync(arguments.Json ? PathOutput.Json(answer, scope) : PathOutput.Text(answer, scope));
        return ExitCode(answer.Verdict);
    }

    public static int ExitCode(PathVerdict verdict) => verdict switch
    {
        PathVerdict.Reachable => ExitCodes.Affirmative,
        PathVerdict.Unreachable => ExitCodes.Negative,
        _ => ExitCodes.Undecided,
    };

    /// <summary>
    /// Asks the question of one model over every scope of the snapshot (a path follows peering and transit gateways into
    /// other accounts); the scope printed is the one that holds the source (or the target of --from-internet), which
    /// --account/--region pick when several could.
    /// </summary>
    public static PathAnswer Answer(Snapshot snapshot, PathArguments arguments, out ScopeSnapshot scope)
    {
        var scopes = snapshot.Scopes
            .Where(s => arguments.Account is null || s.AccountId == arguments.Account)
            .Where(s => arguments.Region is null || string.Equals(s.Region, arguments.Region, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (scopes.Count == 0)
            throw new UsageException($"the snapshot has no scope for account {arguments.Account ?? "*"} region {arguments.Region ?? "*"} " +
                                     $"(it holds {string.Join(", ", snapshot.Scopes.Select(s => $"{s.AccountId}/{s.Region}"))})");
        var model = NetworkModel.Build(snapshot);
        var engine = new PathEngine(model);
        if (arguments.Source is not null)
        {
            scope = ScopeHolding(model, scopes, arguments.AnchorId);
            return engine.Ask(arguments.ToQuery());
        }

        var targets = Targets(model, arguments.ToInterface!);
        scope = ScopeHolding(model, scopes, targets[0]);
        var answers = targets.Select(t => engine.Ask(arguments.ToInboundQuery() with { ToInterfaceOrInstance = t })).ToList();
        return answers.Count == 1 ? answers[0] : PathAnswer.Merge($"outside {arguments.InternetSource} -> {arguments.ToInterface}", answers);
    }

    /// <summary>The interfaces --to names with --from-internet: an interface or instance, the interface holding an address, or a load balancer's.</summary>
    private static IReadOnlyList<string> Targets(NetworkModel model, string target)
    {
        if (target.StartsWith("eni-", StringComparison.Ordinal) || target.StartsWith("i-", StringComparison.Ordinal)) return [target];
        if (PathArguments.IsLoadBalancer(target) || target.StartsWith("loadbalancer/", StringComparison.Ordinal))
        {
            var name = target.StartsWith("loadbalancer/", StringComparison.Ordinal) ? target["loadbalancer/".Length..] : target;
            var loadBalancer = model.LoadBalancer(name)
                ?? throw new UsageException($"no load balancer '{name}' is in the snapshot's describe-load-balancers" +
                                            (model.AnyGapOf(NetworkModel.NameOf(Aws.Calls.AwsCalls.DescribeLoadBalancers)) is { } gap ? $" ({gap.Describe()})" : ""));
            var nodes = model.InterfacesDescribedAs(loadBalancer.InterfaceDescription);
            return nodes.Count > 0 ? nodes : throw new UsageException($"no network interface described as '{loadBalancer.InterfaceDescription}' is in the snapshot");
        }

        var publicHolder = model.InterfaceWithPublicAddress(target);
        if (publicHolder is not null) return [publicHolder];
        var address = Evaluation.Addressing.Cidr.Parse(target);
        var holders = model.Interfaces.Where(i => model.AddressesOf(i.NetworkInterfaceId).Any(a => a.Family == address.Family && a.Value == address.First))
            .Select(i => i.NetworkInterfaceId).ToList();
        return holders.Count switch
        {
            1 => holders,
            0 => throw new UsageException($"no network interface in the snapshot holds {target}"),
            _ => throw new UsageException($"{target} is held by several interfaces ({string.Join(", ", holders)}, in different VPCs): name one with --to eni-..."),
        };
    }

    private static ScopeSnapshot ScopeHolding(NetworkModel model, IReadOnlyList<ScopeSnapshot> scopes, string id)
    {
        var vpc = model.Interface(id)?.VpcId ?? model.Subnet(id)?.VpcId
            ?? (model.PrimaryInterfaceOf(id) is { } primary ? model.Interface(primary)?.VpcId : null);
        var holding = vpc is null ? [] : scopes.Where(s => ReferenceEquals(model.ScopeOfVpc(vpc), s)).ToList();
        return holding.Count switch
        {
            1 => holding[0],
            0 when scopes.Count == 1 => scopes[0],
            0 => throw new UsageException($"no scope of the snapshot holds {id}; name one with --account and --region"),
            _ => throw new UsageException($"{id} is in more than one scope; name one with --account and --region"),
        };
    }
}
