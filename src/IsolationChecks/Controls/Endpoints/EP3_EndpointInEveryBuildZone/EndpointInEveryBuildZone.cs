using IsolationChecks.Controls.Catalog;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Endpoints.EP3_EndpointInEveryBuildZone;

/// <summary>EP-3: every required interface endpoint has a network interface in every availability zone the build subnets use.</summary>
public sealed class EndpointInEveryBuildZone : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "EP-3",
        Title: "Required interface endpoints serve every build availability zone",
        Family: "Endpoints",
        Severity: Severity.High,
        Claim: "has an interface in every build availability zone",
        Rationale: "An endpoint without an interface in a build subnet's zone still answers through another zone, until that zone fails; " +
                   "then builds in the other zone lose the service. One interface per build zone keeps builds independent of other zones.",
        Remediation: "aws ec2 modify-vpc-endpoint --vpc-endpoint-id VPCE --add-subnet-ids SUBNET-IN-THE-MISSING-ZONE",
        References: ["https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html"]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        BuildVpcsInScope.Evaluate(context, verdict, (vpc, service) => Judge(verdict, vpc, service));

    private static IEnumerable<Finding> Judge(FindingFactory verdict, BuildVpc vpc, string service)
    {
        if (RequiredEndpoints.IsGatewayService(service)) yield break;
        var resource = vpc.Resource(service);
        var ec2 = vpc.Scope.Ec2;
        if (!ec2.VpcEndpoints.TryGet(out var endpoints, out var gap) || !ec2.Subnets.TryGet(out var subnets, out gap))
        {
            yield return verdict.Unavailable(resource, gap);
            yield break;
        }

        if (RequiredEndpoints.CannotJudge(verdict, vpc, service, endpoints, out var found, out var listed) is { } stop)
        {
            yield return stop;
            yield break;
        }

        var (endpoint, buildSubnets) = (found!, listed!);
        resource = vpc.Resource(service, endpoint);
        var subnetsById = subnets.ToDictionary(s => s.SubnetId);
        var subnetsFile = vpc.Scope.PathOf(AwsCalls.DescribeSubnets.File);
        var evidence = new List<EvidenceFact>();
        var unknown = buildSubnets.Where(s => !subnetsById.ContainsKey(s.SubnetId)).ToList();
        if (buildSubnets.Count == 0 || unknown.Count > 0)
        {
            yield return verdict.Inconclusive(resource, buildSubnets.Count == 0
                    ? $"no project in scope runs in {vpc.VpcId}, so there are no build zones to cover"
                    : $"cannot tell the availability zone of build subnet(s) {string.Join(", ", unknown.Select(s => s.SubnetId))}: not in DescribeSubnets",
                buildSubnets.Count == 0 ? EvidenceRemedies.NoBuildsInVpc(vpc.VpcId) : EvidenceRemedies.Recollect(AwsCalls.DescribeSubnets, subnetsFile),
                new EvidenceFact(vpc.VpcId, $"build subnets: {string.Join(", ", buildSubnets.Select(s => s.SubnetId))}", subnetsFile));
            yield break;
        }

        var buildZones = buildSubnets.Select(s => subnetsById[s.SubnetId].AvailabilityZone).Distinct().Order().ToList();
        foreach (var s in buildSubnets)
            evidence.Add(new EvidenceFact(s.SubnetId, $"build subnet in {subnetsById[s.SubnetId].AvailabilityZone}", subnetsFile));

        // The endpoint's interfaces sit in its subnets (one per zone): the zones come from its subnets; only when they leave a build
        // zone uncovered are its interfaces consulted, and then the verdict rests on them too.
        var endpointZones = new SortedSet<string>(endpoint.SubnetIds.Where(subnetsById.ContainsKey).Select(id => subnetsById[id].AvailabilityZone), StringComparer.Ordinal);
        if (buildZones.Any(z => !endpointZones.Contains(z)))
        {
            if (!ec2.NetworkInterfaces.TryGet(out var interfaces, out gap))
            {
                yield return verdict.Unavailable(resource, gap);
                yield break;
            }

            foreach (var eni in interfaces.Where(n => endpoint.NetworkInterfaceIds.Contains(n.NetworkInterfaceId)))
                endpointZones.Add(eni.AvailabilityZone);
        }

        evidence.Add(new EvidenceFact(endpoint.VpcEndpointId,
            $"subnets {string.Join(", ", endpoint.SubnetIds)}, interfaces {string.Join(", ", endpoint.NetworkInterfaceIds)}: zones {string.Join(", ", endpointZones)}",
            vpc.EndpointsFile));
        var missing = buildZones.Where(z => !endpointZones.Contains(z)).ToList();
        yield return missing.Count == 0
            ? verdict.Pass(resource, $"{endpoint.VpcEndpointId} ({vpc.ServiceName(service)}) has an interface in every build zone ({string.Join(", ", buildZones)})", evidence)
            : verdict.Fail(resource,
                $"{endpoint.VpcEndpointId} ({vpc.ServiceName(service)}) has no interface in build zone(s) {string.Join(", ", missing)} " +
                $"(it serves {(endpointZones.Count == 0 ? "no zone" : string.Join(", ", endpointZones))}; builds run in {string.Join(", ", buildZones)})",
                evidence,
                $"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint.VpcEndpointId} --add-subnet-ids <a subnet of {vpc.VpcId} in {string.Join(" / ", missing)}>");
    }
}
