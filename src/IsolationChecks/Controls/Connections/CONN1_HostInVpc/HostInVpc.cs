using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Routing;
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
            [Judge(verdict, context, scope, resource, host, scope.PathOf(AwsCalls.ListHosts.File))]);

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
        var subnets = vpc.SubnetIds ?? [];
        var groups = vpc.SecurityGroupIds ?? [];
        facts.Add(new EvidenceFact(host.HostArn, $"VPC configuration: VPC {vpc.VpcId ?? "(none)"}, subnets {string.Join(", ", subnets)}, security groups {string.Join(", ", groups)}", path));
        if (string.IsNullOrEmpty(vpc.VpcId) || subnets.Count == 0 || groups.Count == 0)
            return verdict.Fail(resource,
                $"{host.HostArn} has an incomplete VPC configuration (VPC {vpc.VpcId ?? "none"}, {subnets.Count} subnet(s), {groups.Count} security group(s))", facts);

        if (!scope.Ec2.Subnets.TryGet(out var allSubnets, out var gap)) return verdict.Unavailable(resource, gap);
        if (!scope.Ec2.RouteTables.TryGet(out var routeTables, out gap)) return verdict.Unavailable(resource, gap);
        var declared = context.Posture.NatGateways ?? [];
        var declaredHere = declared.Where(n => context.Posture.Accounts.TryGetValue(n.Account, out var a) && a.AccountId == scope.AccountId)
            .Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        facts.Add(new EvidenceFact("posture", $"declared NAT gateways: {(declared.Count == 0 ? "none" : string.Join(", ", declared.Select(n => $"{n.Id} ({n.Account})")))}"));

        var problems = new List<string>();
        var unknown = new List<string>();
        var serving = new List<string>();
        var routeFile = scope.PathOf(AwsCalls.DescribeRouteTables.File);
        foreach (var subnetId in subnets)
        {
            var subnet = allSubnets.FirstOrDefault(s => s.SubnetId == subnetId);
            if (subnet is null)
            {
                unknown.Add($"subnet {subnetId} is not in describe-subnets of account {scope.AccountId}");
                continue;
            }

            if (EffectiveRouteTable.For(subnet, routeTables) is not { } effective)
            {
                unknown.Add($"no route table governs {subnetId} (no explicit association and no main table of {subnet.VpcId})");
                continue;
            }

            var table = effective.Table;
            var route = (table.Routes ?? []).FirstOrDefault(r => r.DestinationCidrBlock == "0.0.0.0/0");
            if (route is null)
            {
                unknown.Add($"{subnetId}'s route table {table.RouteTableId} has no 0.0.0.0/0 route, so no NAT gateway serves it " +
                            "(if GitLab is reached privately over VPN, Direct Connect or peering, the NAT allowlist does not apply)");
                facts.Add(new EvidenceFact(table.RouteTableId, $"{effective.HowAssociated} of {subnetId}; no 0.0.0.0/0 route", routeFile));
                continue;
            }

            var kind = RouteTargets.Classify(route);
            facts.Add(new EvidenceFact(table.RouteTableId,
                $"{effective.HowAssociated} of {subnetId}: 0.0.0.0/0 -> {route.Target} ({RouteTargets.Describe(kind)}), state {route.State ?? "(not reported)"}", routeFile));
            if (kind != RouteTargetKind.NatGateway)
                problems.Add($"{subnetId} sends 0.0.0.0/0 to {route.Target} ({RouteTargets.Describe(kind)}) via {table.RouteTableId}, not to a declared NAT gateway");
            else if (!declaredHere.Contains(route.NatGatewayId!))
                problems.Add($"{subnetId} sends 0.0.0.0/0 to {route.NatGatewayId} via {table.RouteTableId}, which is not among the declared NAT gateways " +
                             $"[{string.Join(", ", declared.Select(n => n.Id))}], so GitLab sees the host's traffic from an address it should not admit");
            else if (route.State == "blackhole")
                problems.Add($"{subnetId} sends 0.0.0.0/0 to {route.NatGatewayId} via {table.RouteTableId}, but the route is a blackhole (the NAT gateway is gone)");
            else
                serving.Add($"{subnetId} -> {route.NatGatewayId}");
        }

        if (problems.Count > 0)
            return verdict.Fail(resource, $"{host.HostArn}: {string.Join("; ", problems.Concat(unknown))}", facts);
        if (unknown.Count > 0)
            return verdict.Inconclusive(resource, $"cannot verify {host.HostArn}: {string.Join("; ", unknown)}",
                "Each unknown above names the subnet, route table or NAT gateway the snapshot lacks: collect the account's subnets, route tables and "
                + "NAT gateways completely (Target=live), and declare the NAT gateways the host should use under gitLab.natGateways; then run again.", facts);
        return verdict.Pass(resource,
            $"{host.HostArn} runs in {vpc.VpcId} and its subnets reach GitLab through declared NAT gateways ({string.Join(", ", serving)})", facts);
    }
}
