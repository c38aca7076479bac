using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.CodeBuild.CB3_NoPathToInternet;

/// <summary>
/// CB-3: no network path exists from the project's network interfaces to any internet address. CodeBuild
/// creates its interfaces only while a build runs, so each (subnet of vpcConfig, the project's security
/// groups) is asked about instead: every internet address, every protocol and port, request and reply.
/// </summary>
public sealed class NoPathToInternet : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "CB-3",
        Title: "No network path from CodeBuild projects to the internet",
        Family: "CodeBuild",
        Severity: Severity.Critical,
        Claim: "has no network path to the internet",
        Rationale: "Routes alone do not decide reachability: a NAT gateway route, a security group that admits all egress and network ACLs " +
                   "that let the replies back in together make a path, and so does a transit gateway or peering connection to another VPC " +
                   "with its own way out. The engine follows every hop (longest-prefix routing, NAT gateways to their own subnet's routes, " +
                   "internet gateways, peering, transit gateway route tables across accounts, stateless ACLs both ways, stateful security " +
                   "groups) for every internet address; a path that leaves the snapshot (VPN, Direct Connect, an account not collected) " +
                   "fails unless the posture approves that exit.",
        Remediation: "Break the path at the hop the message names: remove the route to the NAT/internet gateway from the build subnet's route table " +
                     "(aws ec2 delete-route), or narrow the security group egress to the VPC endpoints' security group and the S3 prefix list " +
                     "(aws ec2 revoke-security-group-egress), or deny the traffic in the subnet's network ACL. If the path goes to an approved, " +
                     "inspected egress (a transit gateway or attachment to an inspection VPC, a VPN to premises that do not route to the internet), " +
                     "name it under build.approvedEgress in the posture.",
        References:
        [
            "https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html",
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
            "https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html",
            "docs/network-semantics.md",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        BuildProjectsInScope.Evaluate(context, verdict, audit => [context.CitingWhatItRead(() => Judge(verdict, audit, context.PathAnswers))]);

    private static Finding Judge(FindingFactory verdict, ProjectUnderAudit audit, PathAnswers answers)
    {
        var name = audit.Project.Name;
        if (audit.Project.VpcConfig is not { Subnets.Count: > 0 } config)
            return verdict.Fail(audit.Resource,
                $"{name} has no VPC subnets: CodeBuild runs it outside any VPC, where it reaches the internet directly (see CB-1)",
                [new EvidenceFact(name, "vpcConfig.subnets absent or empty", audit.ProjectsFile)]);
        if (NetworkInventories.FirstGap(audit.Scope, NetworkInventories.ForInternetPaths) is { } gap)
            return verdict.Unavailable(audit.Resource, gap);

        var groups = config.SecurityGroupIds;
        var evidence = new List<EvidenceFact>
        {
            new(name, $"vpcConfig: {config.VpcId}, subnets {string.Join(", ", config.Subnets!)}, security groups {string.Join(", ", groups)}", audit.ProjectsFile),
        };
        var paths = new List<string>();
        var undecided = new List<string>();
        foreach (var subnetId in config.Subnets!)
        {
            var answer = answers.Ask(PathQuery.ToInternet(new PathSource.SubnetWithGroups(subnetId, groups), audit.Posture.ApprovedEgress));
            var outward = answer.Paths.Where(p => p.End is PathEnd.Internet or PathEnd.Edge).ToList();
            foreach (var path in outward)
            {
                var how = path.End == PathEnd.Edge ? $"exits the modelled world via {path.Target} toward {path.Toward}: " : "";
                paths.Add($"from {subnetId}: {how}{PathText.Hops(path)} [{path.Flows}]");
                evidence.Add(new EvidenceFact($"path {subnetId} -> {path.Target}", PathText.Hops(path), audit.Scope.PathOf(AwsCalls.DescribeRouteTables.File)));
            }

            foreach (var path in answer.Paths.Where(p => p.End == PathEnd.ApprovedExit))
                evidence.Add(new EvidenceFact($"{subnetId} -> {path.Target}", $"reaches an approved exit (build.approvedEgress), not followed further: {PathText.Hops(path)}"));
            if (outward.Count > 0) continue;
            foreach (var unsupported in answer.Unsupported)
            {
                undecided.Add($"from {subnetId}: {unsupported}");
                evidence.Add(new EvidenceFact(unsupported.Component, unsupported.Reason, unsupported.File));
            }

            foreach (var block in answer.Blocks.Take(12))
                evidence.Add(new EvidenceFact($"{subnetId} blocked at {block.Component}", $"{block.Reason} (stops {block.Flows})"));
            foreach (var path in answer.Paths.Where(p => p.End == PathEnd.GatewayEndpoint))
                evidence.Add(new EvidenceFact($"{subnetId} -> {path.Target}", $"reaches an AWS service through a gateway endpoint, not the internet: {PathText.Hops(path)}"));
        }

        if (paths.Count > 0)
            return verdict.Fail(audit.Resource, $"{name} has a network path to the internet: {string.Join(" | ", paths)}", evidence);
        if (undecided.Count > 0)
            return verdict.Inconclusive(audit.Resource, $"cannot prove {name} has no path to the internet: {string.Join("; ", undecided)}",
                EvidenceRemedies.UnmodelledPath, evidence);
        return verdict.Pass(audit.Resource,
            $"no connection from {name}'s {config.Subnets!.Count} subnet(s) with {string.Join(", ", groups)} completes to any internet address (IPv4 or IPv6, any protocol or port) " +
            "or leaves the modelled world (VPN, Direct Connect, accounts outside the snapshot) except through an approved exit",
            evidence);
    }
}
