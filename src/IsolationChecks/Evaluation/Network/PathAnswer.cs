using System.Text;

namespace IsolationChecks.Evaluation.Network;

public enum PathVerdict
{
    Reachable,
    Unreachable,

    /// <summary>A construct the engine does not model, or data it needs, is on a path: never a silent pass.</summary>
    Inconclusive,
}

/// <summary>Where a path ends.</summary>
public enum PathEnd
{
    /// <summary>Delivered to a network interface in the VPC.</summary>
    Interface,

    /// <summary>Out to the internet through an internet gateway or egress-only internet gateway.</summary>
    Internet,

    /// <summary>
    /// Leaves the modelled world: toward premises (VPN, Direct Connect), an account or VPC not in the snapshot, or through an
    /// appliance whose forwarding is not modelled. <see cref="ReachedPath.Toward"/> says where.
    /// </summary>
    Edge,

    /// <summary>Delivered to an AWS service through a gateway VPC endpoint.</summary>
    GatewayEndpoint,

    /// <summary>Handed to a component the question names as an approved exit (posture build.approvedEgress): not followed further.</summary>
    ApprovedExit,
}

/// <summary>One component a path crosses, and the rule or route that let it through.</summary>
/// <param name="Name">The component's Name tag, when it has one.</param>
public sealed record PathHop(string Component, string Detail, string? Name = null)
{
    public override string ToString() => Name is null ? $"{Component}: {Detail}" : $"{Component} [{Name}]: {Detail}";
}

/// <summary>A path that gets through, hop by hop, with the connections that complete over it.</summary>
/// <param name="Sample">One concrete connection (the lowest of each coordinate) that completes over the path.</param>
/// <param name="Toward">For an <see cref="PathEnd.Edge"/>: what lies beyond ("premises over VPN vpn-..."); null otherwise.</param>
/// <param name="Entry">For a question from outside: where the traffic entered the modelled world (igw-, a load balancer, cvpn-endpoint-, vgw-, pcx-, tgw-attach-).</param>
public sealed record ReachedPath(IReadOnlyList<PathHop> Hops, PathEnd End, string Target, FlowBox Sample, string? Toward = null, string? Entry = null)
{
    private readonly Lazy<string>? _flows;

    /// <param name="flows">Describes the connections that complete; called only when someone reads <see cref="Flows"/>
    /// (most verdicts cite the hops alone, and describing address sets costs more than finding them).</param>
    public ReachedPath(IReadOnlyList<PathHop> hops, PathEnd end, string target, Func<string> flows, FlowBox sample, string? toward = null, string? entry = null)
        : this(hops, end, target, sample, toward, entry) => _flows = new Lazy<string>(flows);

    /// <summary>The connections that complete over the path.</summary>
    public string Flows => _flows?.Value ?? "";

    public string Describe() => string.Join(" -> ", Hops.Select(h => h.ToString()));
}

/// <summary>A point that stops some or all of the traffic: the component and the rule, or the missing route.</summary>
/// <param name="Before">The hops that led to it.</param>
public sealed record BlockingPoint(string Component, string Reason, IReadOnlyList<PathHop> Before)
{
    private readonly Lazy<string>? _flows;

    /// <param name="flows">Describes the connections it stops; called only when someone reads <see cref="Flows"/>
    /// (describing address sets costs more than finding them).</param>
    public BlockingPoint(string component, string reason, Func<string> flows, IReadOnlyList<PathHop> before)
        : this(component, reason, before) => _flows = new Lazy<string>(flows);

    /// <summary>The connections it stops.</summary>
    public string Flows => _flows?.Value ?? "";

    public override string ToString() => $"{Component}: {Reason} (blocks {Flows})";
}

/// <summary>A construct on a path that the engine does not model, or data it needs and lacks.</summary>
public sealed record UnsupportedPoint(string Component, string Reason, IReadOnlyList<PathHop> Before, string? File = null)
{
    public override string ToString() => $"{Component}: {Reason}";
}

/// <summary>The engine's answer: the verdict, and the evidence for it.</summary>
public sealed record PathAnswer(
    PathVerdict Verdict,
    string Question,
    IReadOnlyList<ReachedPath> Paths,
    IReadOnlyList<BlockingPoint> Blocks,
    IReadOnlyList<UnsupportedPoint> Unsupported)
{
    /// <summary>One answer for several questions asked together (every interface of a load balancer): reachable when any is.</summary>
    public static PathAnswer Merge(string question, IReadOnlyList<PathAnswer> answers) => new(
        answers.Any(a => a.Verdict == PathVerdict.Reachable) ? PathVerdict.Reachable
        : answers.Any(a => a.Verdict == PathVerdict.Inconclusive) ? PathVerdict.Inconclusive
        : PathVerdict.Unreachable,
        question, [.. answers.SelectMany(a => a.Paths)], [.. answers.SelectMany(a => a.Blocks)], [.. answers.SelectMany(a => a.Unsupported)]);

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Question}: {Verdict.ToString().ToLowerInvariant()}");
        foreach (var path in Paths)
        {
            text.AppendLine($"  path to {path.Target} ({path.End}) for {path.Flows}:");
            foreach (var hop in path.Hops) text.AppendLine($"    {hop}");
        }

        if (Verdict != PathVerdict.Reachable)
        {
            foreach (var block in Blocks) text.AppendLine($"  blocked at {block}");
            foreach (var unsupported in Unsupported) text.AppendLine($"  not modelled: {unsupported}");
        }

        return text.ToString().TrimEnd();
    }
}
