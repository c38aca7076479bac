using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Endpoints.EP4_PathToEndpoint;

/// <summary>
/// EP-4: TCP 443 gets from every build subnet (with each project's security groups) to every network interface
/// of each required interface endpoint: build security group egress, endpoint security group ingress, and the
/// network ACLs both ways (the replies to the build's ephemeral ports included).
/// </summary>
public sealed class PathToEndpoint : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "EP-4",
        Title: "Builds reach every required interface endpoint on TCP 443",
        Family: "Endpoints",
        Severity: Severity.High,
        Claim: "is reachable from the builds on TCP 443",
        Rationale: "An endpoint that exists but cannot be reached (endpoint security group without the build security group, a network ACL " +
                   "that drops the replies to ephemeral ports) fails builds intermittently or completely, and invites a NAT route as a workaround.",
        Remediation: "Fix the hop the message names: admit TCP 443 from the build security group on the endpoint's security group " +
                     "(aws ec2 authorize-security-group-ingress --group-id ENDPOINT-SG --protocol tcp --port 443 --source-group BUILD-SG), " +
                     "allow TCP 443 egress on the build security group, and allow 443 out and the ephemeral ports 1024-65535 back in " +
                     "on the network ACLs of both subnets.",
        References:
        [
            "https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html#add-remove-security-groups",
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html#nacl-ephemeral-ports",
            "docs/network-semantics.md",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        BuildVpcsInScope.Evaluate(context, verdict, (vpc, service) => context.CitingWhatItRead(() => Judge(verdict, vpc, service, context.Network)));

    private static IEnumerable<Finding> Judge(FindingFactory verdict, BuildVpc vpc, string service, NetworkModel model)
    {
        if (RequiredEndpoints.IsGatewayService(service)) yield break;
        var resource = vpc.Resource(service);
        var gap = NetworkInventories.FirstGap(vpc.Scope, NetworkInventories.ForInterfacePaths);
        if (gap is not null || !vpc.Scope.Ec2.VpcEndpoints.TryGet(out var endpoints, out gap))
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
        var engine = new PathEngine(model);
        var interfacesFile = vpc.Scope.PathOf(AwsCalls.DescribeNetworkInterfaces.File);
        var evidence = new List<EvidenceFact>();
        var targets = new List<Cidr>();
        var missing = new List<string>();
        foreach (var eniId in endpoint.NetworkInterfaceIds)
        {
            var addresses = model.AddressesOf(eniId);
            if (model.Interface(eniId) is null || addresses.Count == 0) missing.Add(eniId);
            foreach (var address in addresses) targets.Add(Cidr.Parse(address.Text));
            evidence.Add(new EvidenceFact(eniId, $"interface of {endpoint.VpcEndpointId}: {string.Join(", ", addresses.Select(a => a.Text))}", interfacesFile));
        }

        if (targets.Count == 0 || missing.Count > 0)
        {
            yield return verdict.Inconclusive(resource, targets.Count == 0 && missing.Count == 0
                    ? $"{endpoint.VpcEndpointId} ({vpc.ServiceName(service)}) lists no network interfaces, so there is nothing to reach"
                    : $"cannot verify {endpoint.VpcEndpointId}: its interface(s) {string.Join(", ", missing)} are not in DescribeNetworkInterfaces",
                targets.Count == 0 && missing.Count == 0
                    ? $"An interface endpoint without network interfaces has no subnets: check {endpoint.VpcEndpointId} (aws ec2 describe-vpc-endpoints); EP-3 says which build zones it must cover. Then run again."
                    : EvidenceRemedies.Recollect(AwsCalls.DescribeNetworkInterfaces, interfacesFile),
                evidence);
            yield break;
        }

        if (buildSubnets.Count == 0)
        {
            yield return verdict.Inconclusive(resource, $"no project in scope runs in {vpc.VpcId}, so there is no build interface to start from",
                EvidenceRemedies.NoBuildsInVpc(vpc.VpcId), evidence);
            yield break;
        }

        var failures = new List<string>();
        var undecided = new List<string>();
        foreach (var subnet in buildSubnets)
        foreach (var groups in subnet.Interfaces.GroupBy(i => string.Join(",", i.SecurityGroupIds.Order(StringComparer.Ordinal))))
        {
            var projects = string.Join(", ", groups.Select(g => g.Project));
            if (groups.First().SecurityGroupIds.Count == 0)
            {
                undecided.Add($"{projects} list(s) no security group, so CodeBuild cannot place a build in {subnet.SubnetId} (CB-1 reports it)");
                continue;
            }

            var query = new PathQuery(new PathSource.SubnetWithGroups(subnet.SubnetId, groups.First().SecurityGroupIds), targets,
                Interval.Single(Protocols.Tcp), Interval.Single(443), PathQuery.LinuxEphemeralPorts, Quantifier.Every);
            var answer = engine.Ask(query);
            switch (answer.Verdict)
            {
                case PathVerdict.Reachable:
                    foreach (var path in answer.Paths)
                        evidence.Add(new EvidenceFact($"{subnet.SubnetId} ({projects}) -> {path.Target}", PathText.Hops(path)));
                    break;
                case PathVerdict.Unreachable:
                    failures.Add($"from {subnet.SubnetId} with {string.Join(", ", groups.First().SecurityGroupIds)} ({projects}): blocked at {PathText.Blocks(answer)}");
                    foreach (var block in answer.Blocks)
                        evidence.Add(new EvidenceFact($"{subnet.SubnetId} ({projects}) blocked at {block.Component}", $"{block.Reason} (stops {block.Flows})"));
                    break;
                default:
                    undecided.Add($"from {subnet.SubnetId} ({projects}): {string.Join("; ", answer.Unsupported)}");
                    foreach (var unsupported in answer.Unsupported)
                        evidence.Add(new EvidenceFact(unsupported.Component, unsupported.Reason, unsupported.File));
                    break;
            }
        }

        var name = $"{endpoint.VpcEndpointId} ({vpc.ServiceName(service)})";
        if (failures.Count > 0)
            yield return verdict.Fail(resource, $"builds cannot open TCP 443 to {name}: {string.Join(" | ", failures)}", evidence);
        else if (undecided.Count > 0)
            yield return verdict.Inconclusive(resource, $"cannot verify TCP 443 to {name}: {string.Join(" | ", undecided)}", EvidenceRemedies.UnmodelledPath, evidence);
        else
            yield return verdict.Pass(resource,
                $"TCP 443 from every build subnet ({string.Join(", ", buildSubnets.Select(s => s.SubnetId))}) reaches every interface of {name}, replies included",
                evidence);
    }
}
