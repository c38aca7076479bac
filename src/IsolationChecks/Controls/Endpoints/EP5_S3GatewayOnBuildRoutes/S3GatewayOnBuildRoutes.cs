using IsolationChecks.Aws.Shapes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Routing;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Endpoints.EP5_S3GatewayOnBuildRoutes;

/// <summary>EP-5: the S3 gateway endpoint is associated with every route table the build subnets use.</summary>
public sealed class S3GatewayOnBuildRoutes : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "EP-5",
        Title: "The S3 gateway endpoint is on every build route table",
        Family: "Endpoints",
        Severity: Severity.High,
        Claim: "is on every build route table",
        Rationale: "A gateway endpoint works only for the route tables it is associated with: a build subnet whose table lacks the S3 prefix-list " +
                   "route cannot fetch ECR image layers or artifacts, and the usual 'fix' is a NAT route.",
        Remediation: "aws ec2 modify-vpc-endpoint --vpc-endpoint-id VPCE --add-route-table-ids RTB",
        References: ["https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html"]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context)
    {
        var routing = EffectiveRouteTables.Reused();
        return BuildVpcsInScope.Evaluate(context, verdict, (vpc, service) => Judge(verdict, vpc, service, routing));
    }

    private static IEnumerable<Finding> Judge(FindingFactory verdict, BuildVpc vpc, string service,
        Func<IReadOnlyList<Subnet>, IReadOnlyList<RouteTable>, EffectiveRouteTables> routing)
    {
        if (service != "s3") yield break;
        var resource = vpc.Resource(service);
        var ec2 = vpc.Scope.Ec2;
        if (!ec2.VpcEndpoints.TryGet(out var endpoints, out var gap) || !ec2.Subnets.TryGet(out var subnets, out gap)
            || !ec2.RouteTables.TryGet(out var tables, out gap))
        {
            yield return verdict.Unavailable(resource, gap);
            yield break;
        }

        if (vpc.BuildSubnets is not { } buildSubnets)
        {
            yield return verdict.Unavailable(resource, vpc.ProjectsGap!);
            yield break;
        }

        var gateways = RequiredEndpoints.Of(endpoints, vpc, service).Where(RequiredEndpoints.IsGateway).ToList();
        if (gateways.Count == 0)
        {
            yield return verdict.Inconclusive(resource, $"{vpc.VpcId} has no S3 gateway endpoint to judge (EP-1 reports it)",
                $"Nothing to judge until the gateway endpoint exists: EP-1's finding for {vpc.VpcId} and s3 says how to create it; then run again.",
                new EvidenceFact(vpc.VpcId, $"no Gateway endpoint for {vpc.ServiceName(service)}", vpc.EndpointsFile));
            yield break;
        }

        resource = vpc.Resource(service, gateways[0]);
        var tablesFile = vpc.Scope.PathOf(AwsCalls.DescribeRouteTables.File);
        var associated = gateways.SelectMany(g => g.RouteTableIds).ToHashSet(StringComparer.Ordinal);
        var evidence = gateways.Select(g => new EvidenceFact(g.VpcEndpointId, $"route tables {string.Join(", ", g.RouteTableIds)}", vpc.EndpointsFile)).ToList();
        var missing = new List<string>();
        var undecided = new List<string>();
        foreach (var build in buildSubnets)
        {
            var routes = routing(subnets, tables);
            var subnet = routes.Subnet(build.SubnetId);
            var effective = subnet is null ? null : routes.For(subnet);
            if (effective is null)
            {
                undecided.Add(subnet is null ? $"subnet {build.SubnetId} is not in DescribeSubnets" : $"subnet {build.SubnetId} has no route table in the data");
                continue;
            }

            evidence.Add(new EvidenceFact(build.SubnetId, $"uses {effective.Table.RouteTableId} ({effective.HowAssociated})", tablesFile));
            if (!associated.Contains(effective.Table.RouteTableId))
                missing.Add($"{effective.Table.RouteTableId} (used by {build.SubnetId})");
        }

        if (missing.Count > 0)
            yield return verdict.Fail(resource,
                $"the S3 gateway endpoint {string.Join(", ", gateways.Select(g => g.VpcEndpointId))} is not associated with build route table(s) {string.Join(", ", missing.Distinct())}",
                evidence,
                $"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {gateways[0].VpcEndpointId} --add-route-table-ids {string.Join(" ", missing.Select(m => m.Split(' ')[0]).Distinct())}");
        else if (undecided.Count > 0)
            yield return verdict.Inconclusive(resource, $"cannot verify the S3 gateway endpoint's route tables: {string.Join("; ", undecided)}",
                EvidenceRemedies.UndecidedRoutes, evidence);
        else if (buildSubnets.Count == 0)
            yield return verdict.Inconclusive(resource, $"no project in scope runs in {vpc.VpcId}, so there are no build route tables to check",
                EvidenceRemedies.NoBuildsInVpc(vpc.VpcId), evidence);
        else
            yield return verdict.Pass(resource,
                $"every build route table of {vpc.VpcId} is associated with the S3 gateway endpoint {string.Join(", ", gateways.Select(g => g.VpcEndpointId))}", evidence);
    }
}
