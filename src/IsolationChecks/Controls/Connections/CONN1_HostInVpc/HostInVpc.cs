using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Connections.CONN1_HostInVpc;

/// <summary>
/// CONN-1: each CodeConnections host for a self-managed GitLab has a VPC configuration, and the NAT gateways its subnets
/// send internet traffic to are among the declared NAT gateways, whose public IPs are the ones GitLab admits (GL-1).
/// </summary>
public sealed class HostInVpc : SnapshotControl
{
    public const string GitLabSelfManaged = ConnectionHostsInScope.GitLabSelfManaged;

    public override ControlMetadata Metadata { get; } = new(
        Id: "CONN-1",
        Title: "CodeConnections host for GitLab runs in the VPC behind the declared NAT gateways",
        Family: "Connections",
        Severity: Severity.High,
        Claim: "reaches GitLab from the VPC through a declared NAT gateway",
        Rationale: "Without a VPC configuration a CodeConnections host calls GitLab from AWS-owned addresses that change and are shared " +
                   "with every other customer, so a GitLab that filters by source IP must either be unreachable or be opened wide. " +
                   "With it, the host's traffic leaves through the VPC's NAT gateway, the one address GitLab admits.",
        Remediation: "Recreate the host with a VPC configuration (aws codeconnections create-host --provider-type GitLabSelfManaged " +
                     "--vpc-configuration VpcId=...,SubnetIds=...,SecurityGroupIds=...) in private subnets whose default route goes to a NAT " +
                     "gateway listed in the posture's natGateways, then update the connections that use it.",
        References:
        [
            "https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-host-vpc.html",
            "https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_ListHosts.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        ConnectionHostsInScope.Evaluate(context, verdict, (resource, host, scope) =>
            [context.CitingWhatItRead(() => Judge(verdict, context, scope, resource, host, scope.PathOf(AwsCalls.ListHosts.File)))]);

    private static Finding Judge(FindingFactory verdict, EvaluationContext context, ScopeSnapshot scope, ResourceRef resource, ConnectionHost host, string path)
    {
        var facts = new List<EvidenceFact>
        {
            new(host.HostArn, $"provider {host.ProviderType}, endpoint {host.ProviderEndpoint ?? "(not reported)"}, status {host.Status}", path),
        };
        if (host.ProviderType != GitLabSelfManaged)
            return verdict.Inconclusive(resource,
                $"{host.HostArn} is a {host.ProviderType} host, not {GitLabSelfManaged}: CONN-1 judges hosts of self-managed GitLab only; remove it from connections.hosts (hosts of other providers are not judged unless named)",
                "Remove this host from connections.hosts in the posture (CONN-1 judges GitLab self-managed hosts only), then run again.", facts);

        var vpc = host.VpcConfiguration;
        if (vpc is null)
            return verdict.Fail(resource,
                $"{host.HostArn} has no VPC configuration: it reaches {host.ProviderEndpoint ?? "GitLab"} from AWS-owned addresses, not through a declared NAT gateway, " +
                "so GitLab's source-IP allowlist either blocks it or has been opened to admit it", facts);
        var subnets = vpc.SubnetIds;
        var groups = vpc.SecurityGroupIds;
        facts.Add(new EvidenceFact(host.HostArn, $"VPC configuration: VPC {vpc.VpcId ?? "(none)"}, subnets {string.Join(", ", subnets)}, security groups {string.Join(", ", groups)}", path));
        if (string.IsNullOrEmpty(vpc.VpcId) || subnets.Count == 0 || groups.Count == 0)
            return verdict.Fail(resource,
                $"{host.HostArn} has an incomplete VPC configuration (VPC {vpc.VpcId ?? "none"}, {subnets.Count} subnet(s), {groups.Count} security group(s))", facts);

        if (NetworkInventories.FirstGap(scope, NetworkInventories.ForInternetPaths) is { } gap) return verdict.Unavailable(resource, gap);
        var declared = context.Posture.NatGateways ?? [];
        var declaredIds = declared.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        facts.Add(new EvidenceFact("posture", $"declared NAT gateways: {(declared.Count == 0 ? "none" : string.Join(", ", declared.Select(n => $"{n.Id} ({n.Account})")))}"));

        // The engine answers where the host's internet traffic leaves: through which NAT gateway (in this VPC, or in an egress
        // VPC behind a transit gateway or peering), or out of the modelled world.
        var engine = new PathEngine(context.Network);
        var problems = new List<string>();
        var unknown = new List<string>();
        var serving = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var subnetId in subnets)
        {
            // Which address GitLab sees is decided by where the request leaves; whether replies get back is connectivity, not CONN-1's claim.
            var answer = engine.Ask(PathQuery.ToInternet(new PathSource.SubnetWithGroups(subnetId, groups)) with { RequestOnly = true });
            var internet = answer.Paths.Where(p => p.End == PathEnd.Internet).ToList();
            foreach (var route in internet)
            {
                var nat = route.Hops.Select(h => h.Component).FirstOrDefault(c => c.StartsWith("nat-", StringComparison.Ordinal));
                facts.Add(new EvidenceFact($"path {subnetId} -> {route.Target}", PathText.Hops(route), scope.PathOf(AwsCalls.DescribeRouteTables.File)));
                if (nat is not null && declaredIds.Contains(nat))
                    serving.Add($"{subnetId} -> {nat}");
                else
                    problems.Add($"{subnetId} reaches the internet through {nat ?? route.Target}, " +
                                 (nat is null ? "not through a NAT gateway" : $"which is not among the declared NAT gateways [{string.Join(", ", declared.Select(n => n.Id))}]") +
                                 $", so GitLab sees the host's traffic from an address it should not admit ({PathText.Hops(route)})");
            }

            foreach (var edge in answer.Paths.Where(p => p.End == PathEnd.Edge))
                unknown.Add($"{subnetId}'s traffic exits the modelled world via {edge.Target} toward {edge.Toward}: the address GitLab sees there is not known");
            if (internet.Count > 0) continue;
            foreach (var unsupported in answer.Unsupported)
            {
                unknown.Add($"from {subnetId}: {unsupported}");
                facts.Add(new EvidenceFact(unsupported.Component, unsupported.Reason, unsupported.File));
            }

            if (answer.Unsupported.Count == 0 && !answer.Paths.Any(p => p.End == PathEnd.Edge))
            {
                unknown.Add($"no connection from {subnetId} with {string.Join(", ", groups)} reaches the internet, so no NAT gateway serves it " +
                            "(if GitLab is reached privately over VPN, Direct Connect or peering, the NAT allowlist does not apply)");
                facts.AddRange(answer.Blocks.Take(6).Select(b => new EvidenceFact($"{subnetId} blocked at {b.Component}", $"{b.Reason} (stops {b.Flows})")));
            }
        }

        if (problems.Count > 0)
            return verdict.Fail(resource, $"{host.HostArn}: {string.Join("; ", problems.Concat(unknown))}", facts);
        if (unknown.Count > 0)
            return verdict.Inconclusive(resource, $"cannot verify {host.HostArn}: {string.Join("; ", unknown)}",
                "Each unknown above names the subnet, route table or NAT gateway the snapshot lacks: collect the account's subnets, route tables and "
                + "NAT gateways completely (Target=live), and declare the NAT gateways the host should use under gitLab.natGateways; then run again.", facts);
        return verdict.Pass(resource,
            $"{host.HostArn} runs in {vpc.VpcId} and every path of its subnets to the internet leaves through a declared NAT gateway ({string.Join(", ", serving)})", facts);
    }
}
