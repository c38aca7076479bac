using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.GitLab.GL2_NoPathFromInternet;

/// <summary>
/// GL-2: no internet address outside the allowed sources (the declared NAT gateways' public IPs and CIDRs) reaches any
/// interface of the GitLab host on any protocol or port, asked of the path engine: internet gateway, public IP, network ACL
/// and security groups. A request that reaches the host counts even when its reply would leave by another route
/// (asymmetric, e.g. through the NAT gateway): the host still receives the traffic, and one-way protocols need no reply.
/// </summary>
public sealed class NoPathFromInternet : SnapshotControl
{
    private const int MaxEvidenceBlocks = 12;

    public override ControlMetadata Metadata { get; } = new(
        Id: "GL-2",
        Title: "No network path from the internet to GitLab outside the allowed sources",
        Family: "GitLab",
        Severity: Severity.High,
        Claim: "is unreachable from the internet outside the allowed sources",
        Rationale: "Security groups are one layer; whether GitLab is actually exposed depends on its public address, the internet gateway, " +
                   "load balancers in front of it (with or without security groups, preserving the client's address or not), Client VPN, " +
                   "VPN and Direct Connect from premises, peers and transit gateways from other accounts, the subnet's network ACL and every " +
                   "security group together. The path engine answers for every address outside the allowlist and every port at once, so the " +
                   "verdict does not depend on sampled probes.",
        Remediation: "Break the path at the hop the message names: remove the security group rule admitting the source (see GL-1), deny it in the " +
                     "subnet's network ACL, remove the public IP / Elastic IP from GitLab's interface, make the load balancer internal or give it a " +
                     "security group, or narrow the Client VPN authorization rules; if the entry is part of the design (a Client VPN for the " +
                     "work terminals, a VPN to the office), name it under gitLab.approvedEntries in the posture.",
        References:
        [
            "https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html",
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
            "docs/network-semantics.md",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        GitLabHostsInScope.EvaluateAgainstAllowlist(context, verdict, (audit, sources) => context.CitingWhatItRead(() => JudgeHost(verdict, audit, sources, context)));

    /// <summary>The internet sources GitLab must not be reachable from: every internet address outside the allowed set.</summary>
    public static IReadOnlyList<Cidr> Outsiders(CidrSet allowed) => InternetAddressSpace.All.Subtract(allowed).ToCidrs();

    private static Finding JudgeHost(FindingFactory verdict, GitLabHostUnderAudit audit, GitLabAllowedSources sources, EvaluationContext context)
    {
        if (NetworkInventories.FirstGap(audit.Scope, NetworkInventories.ForInterfacePaths) is { } gap)
            return verdict.Unavailable(audit.Resource, gap);

        var engine = new PathEngine(context.Network);
        var approved = context.Posture.GitLab?.ApprovedEntries ?? [];
        var outsiders = Outsiders(sources.Addresses);
        var facts = new List<EvidenceFact>(audit.Facts);
        facts.AddRange(sources.Facts);
        facts.Add(new EvidenceFact("question", $"any protocol and port to {string.Join(", ", audit.Interfaces.Select(i => i.NetworkInterfaceId))}: " +
            $"from every internet address outside {sources.Label} ({outsiders.Count} CIDRs) through internet gateways (public IPs, load balancers), and from " +
            $"every address through Client VPN, VPN, Direct Connect, peers and transit gateway attachments outside the snapshot, unless approved " +
            $"(gitLab.approvedEntries: {ListText.Joined(approved, "none")})"));
        // One entry per distinct route through the network, with every outside source range that takes it.
        var reached = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Reached(string hops, string flows)
        {
            if (!reached.TryGetValue(hops, out var list)) reached[hops] = list = [];
            list.Add(flows);
        }

        var undecided = new List<string>();
        var blocks = new Dictionary<string, string>(StringComparer.Ordinal);
        var approvedPaths = new SortedSet<string>(StringComparer.Ordinal);
        // Through an internet gateway (the host's public address, a load balancer) the allowlist decides: every address outside it.
        // Through any other entry (Client VPN, VPN, Direct Connect, peers and transit gateways outside the snapshot) GitLab sees
        // addresses the allowlist cannot speak for: the posture's approved entries decide, for every source.
        var questions = outsiders.Select(o => (From: o, Internet: true))
            .Concat(CidrSet.Everything.ToCidrs().Select(c => (From: c, Internet: false)));
        foreach (var eni in audit.Interfaces)
        {
            foreach (var (from, internet) in questions)
            {
                var answer = engine.Ask(new InboundQuery(from, eni.NetworkInterfaceId, Interval.AllProtocols, Interval.AllPorts, PathQuery.EphemeralPorts));
                foreach (var path in answer.Paths.Where(p => p.End == PathEnd.Interface && IsInternetGateway(p.Entry) == internet))
                {
                    if (!internet && path.Entry is { } entry && IsApproved(entry, approved, context.Network))
                        approvedPaths.Add($"{entry}: {PathText.Hops(path)}");
                    else
                        Reached(PathText.Hops(path), path.Flows);
                }

                foreach (var block in answer.Blocks)
                {
                    if (IsReplyRoute(block))
                    {
                        if (internet)
                            Reached($"{string.Join(" -> ", block.Before.Select(h => $"{h.Component} [{h.Detail}]"))} -> {eni.NetworkInterfaceId} " +
                                    $"[the request reaches the host; its reply would leave another way ({block.Component} {block.Reason}), which does not protect the host]",
                                block.Flows);
                        continue;
                    }

                    // Describing what a block stops is the costly part of an answer: only the first block of each kind is described.
                    var key = $"{block.Component}: {block.Reason}";
                    if (!blocks.ContainsKey(key))
                        blocks[key] = block.Flows;
                }

                foreach (var unsupported in answer.Unsupported)
                {
                    undecided.Add($"{eni.NetworkInterfaceId}: {unsupported}");
                    facts.Add(new EvidenceFact(unsupported.Component, unsupported.Reason, unsupported.File));
                }
            }
        }

        facts.AddRange(approvedPaths.Take(MaxEvidenceBlocks).Select(p => new EvidenceFact("approved entry", p)));
        facts.AddRange(blocks.Take(MaxEvidenceBlocks).Select(b => new EvidenceFact("blocked", $"{b.Key} (stops {b.Value})")));
        if (reached.Count > 0)
        {
            var described = reached.Select(r => $"{r.Key} for {Flows(r.Value)}").ToList();
            facts.AddRange(described.Select(p => new EvidenceFact("path", p)));
            return verdict.Fail(audit.Resource,
                $"{audit.Resource.Name} is reachable from addresses outside {sources.Label}: {described[0]}" +
                (described.Count > 1 ? $" (and {described.Count - 1} more path(s), in the evidence)" : ""), facts);
        }

        if (undecided.Count > 0)
            return verdict.Inconclusive(audit.Resource,
                $"cannot decide whether {audit.Resource.Name} is reachable from outside: {string.Join("; ", undecided.Distinct().Take(3))}",
                EvidenceRemedies.UnmodelledPath, facts);
        return verdict.Pass(audit.Resource,
            $"no address outside {sources.Label} reaches {audit.Resource.Name} on any port" +
            (approvedPaths.Count > 0 ? $" except through approved entries ({string.Join(", ", approvedPaths.Select(p => p[..p.IndexOf(':')]).Distinct())})" : "") + ": " +
            string.Join("; ", blocks.Keys.Take(3)) + (blocks.Count > 3 ? $"; and {blocks.Count - 3} more blocking point(s)" : ""), facts);
    }

    private static bool IsInternetGateway(string? entry) => entry?.StartsWith("igw-", StringComparison.Ordinal) == true;

    /// <summary>An entry the posture approves: by its own id, or (for a VPN gateway) by one of its VPN connections.</summary>
    private static bool IsApproved(string entry, IReadOnlyList<string> approved, NetworkModel network) =>
        approved.Contains(entry) || network.VpnConnectionsOn(entry).Any(c => approved.Contains(c.VpnConnectionId));

    private static string Flows(List<string> flows) =>
        flows.Count <= 3 ? string.Join("; ", flows) : $"{string.Join("; ", flows.Take(3))}; and {flows.Count - 3} more source range(s)";

    /// <summary>The engine stops a connection at the reply route when the request already reached the interface.</summary>
    private static bool IsReplyRoute(BlockingPoint block) =>
        block.Reason.StartsWith(PathEngine.ReplyRoutePrefix, StringComparison.Ordinal) || block.Reason.StartsWith(PathEngine.NoReplyRoute, StringComparison.Ordinal);
}
