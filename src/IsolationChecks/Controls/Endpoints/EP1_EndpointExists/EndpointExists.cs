using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Controls.Endpoints.EP1_EndpointExists;

/// <summary>EP-1: an endpoint for each required service exists in each build VPC and is available (s3: a gateway endpoint).</summary>
public sealed class EndpointExists : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "EP-1",
        Title: "Required VPC endpoints exist in every build VPC",
        Family: "Endpoints",
        Severity: Severity.Critical,
        Claim: "has an available endpoint",
        Rationale: "Without an internet route, a build reaches AWS services only through VPC endpoints. A missing ecr.api, ecr.dkr, s3, logs " +
                   "or sts endpoint makes builds fail in confusing ways (image pulls hang, logs vanish), and invites someone to add a NAT route.",
        Remediation: "Create the endpoint: aws ec2 create-vpc-endpoint --vpc-id VPC --service-name com.amazonaws.REGION.SERVICE " +
                     "--vpc-endpoint-type Interface --subnet-ids BUILD-SUBNETS --security-group-ids ENDPOINT-SG --private-dns-enabled " +
                     "(for s3: --vpc-endpoint-type Gateway --route-table-ids BUILD-ROUTE-TABLES).",
        References:
        [
            "https://docs.aws.amazon.com/codebuild/latest/userguide/use-vpc-endpoints-with-codebuild.html",
            "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        BuildVpcsInScope.Evaluate(context, verdict, (vpc, service) => [Judge(verdict, vpc, service)]);

    private static Finding Judge(FindingFactory verdict, BuildVpc vpc, string service)
    {
        var resource = vpc.Resource(service);
        if (!vpc.Scope.Ec2.VpcEndpoints.TryGet(out var endpoints, out var gap)) return verdict.Unavailable(resource, gap);
        var serviceName = vpc.ServiceName(service);
        var found = RequiredEndpoints.Of(endpoints, vpc, service);
        var evidence = found.Select(e => new EvidenceFact(e.VpcEndpointId, $"{e.ServiceName}, type {e.VpcEndpointType}, state {e.State ?? "(none)"}", vpc.EndpointsFile)).ToList();
        if (found.Count == 0)
        {
            evidence.Add(new EvidenceFact(vpc.VpcId, $"{endpoints.Count(e => e.VpcId == vpc.VpcId)} endpoint(s) in the VPC, none for {serviceName}", vpc.EndpointsFile));
            return verdict.Fail(resource, $"{vpc.VpcId} has no VPC endpoint for {serviceName}", evidence);
        }

        var gatewayService = RequiredEndpoints.IsGatewayService(service);
        var good = found.FirstOrDefault(e => RequiredEndpoints.IsAvailable(e) && (!gatewayService || RequiredEndpoints.IsGateway(e)));
        if (good is not null)
            return verdict.Pass(resource, $"{vpc.VpcId} has {good.VpcEndpointType} endpoint {good.VpcEndpointId} for {serviceName}, state available", evidence);
        if (gatewayService && !found.Any(RequiredEndpoints.IsGateway))
            return verdict.Fail(resource,
                $"{vpc.VpcId} has no Gateway endpoint for {serviceName} (only {string.Join(", ", found.Select(e => $"{e.VpcEndpointId} of type {e.VpcEndpointType}"))}): " +
                "builds in private subnets reach S3 through the gateway endpoint on their route tables", evidence);
        return verdict.Fail(resource,
            $"{vpc.VpcId}'s endpoint for {serviceName} is not available: {string.Join(", ", found.Select(e => $"{e.VpcEndpointId} is {e.State ?? "(no state)"}"))}", evidence);
    }
}
