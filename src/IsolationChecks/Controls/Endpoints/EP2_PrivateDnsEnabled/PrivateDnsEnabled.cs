using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Controls.Endpoints.EP2_PrivateDnsEnabled;

/// <summary>EP-2: every required interface endpoint has private DNS enabled, so the default host names resolve to it.</summary>
public sealed class PrivateDnsEnabled : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "EP-2",
        Title: "Required interface endpoints have private DNS enabled",
        Family: "Endpoints",
        Severity: Severity.High,
        Claim: "has private DNS enabled",
        Rationale: "Tools call the default service host names (logs.REGION.amazonaws.com). Without private DNS those names resolve to public " +
                   "addresses, which a private build cannot reach (or, worse, reaches through another path).",
        Remediation: "aws ec2 modify-vpc-endpoint --vpc-endpoint-id VPCE --private-dns-enabled (the VPC needs enableDnsSupport and enableDnsHostnames).",
        References: ["https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns"]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        BuildVpcsInScope.Evaluate(context, verdict, (vpc, service) => Judge(verdict, vpc, service));

    private static IEnumerable<Finding> Judge(FindingFactory verdict, BuildVpc vpc, string service)
    {
        if (RequiredEndpoints.IsGatewayService(service)) yield break;
        var resource = vpc.Resource(service);
        if (!vpc.Scope.Ec2.VpcEndpoints.TryGet(out var endpoints, out var gap))
        {
            yield return verdict.Unavailable(resource, gap);
            yield break;
        }

        if (RequiredEndpoints.InterfaceEndpoint(endpoints, vpc, service) is not { } endpoint)
        {
            yield return RequiredEndpoints.NothingToJudge(verdict, vpc, service);
            yield break;
        }

        resource = vpc.Resource(service, endpoint);
        var fact = new EvidenceFact(endpoint.VpcEndpointId, $"PrivateDnsEnabled {endpoint.PrivateDnsEnabled?.ToString().ToLowerInvariant() ?? "(absent)"}", vpc.EndpointsFile);
        yield return endpoint.PrivateDnsEnabled == true
            ? verdict.Pass(resource, $"{endpoint.VpcEndpointId} ({vpc.ServiceName(service)}) has private DNS enabled", fact)
            : verdict.Fail(resource,
                $"{endpoint.VpcEndpointId} ({vpc.ServiceName(service)}) in {vpc.VpcId} has private DNS disabled: {service}.{vpc.Region}.amazonaws.com resolves to public addresses",
                [fact], $"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint.VpcEndpointId} --private-dns-enabled");
    }
}
