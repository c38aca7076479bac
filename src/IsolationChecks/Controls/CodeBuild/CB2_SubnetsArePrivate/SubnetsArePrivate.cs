using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Routing;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.CodeBuild.CB2_SubnetsArePrivate;

/// <summary>
/// CB-2: every subnet of the project is private: its effective route table has no route covering
/// internet addresses whose target leaves the VPC, unless the posture approves that target.
/// </summary>
public sealed class SubnetsArePrivate : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "CB-2",
        Title: "CodeBuild project subnets have no route to the internet",
        Family: "CodeBuild",
        Severity: Severity.Critical,
        Claim: "has only private subnets",
        Rationale: "A build subnet whose route table sends internet-bound traffic to an internet gateway, NAT gateway, NAT instance, " +
                   "transit gateway, peering connection or VPN gateway lets builds reach (or be reached from) networks the design excludes; " +
                   "AWS services must be reached through VPC endpoints only.",
        Remediation: "Delete the route from the route table (aws ec2 delete-route --route-table-id RTB --destination-cidr-block CIDR), " +
                     "or associate the subnet with a private route table; if the target is an approved inspected egress, " +
                     "name it under build.approvedEgress in the posture.",
        References:
        [
            "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
            "https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context)
    {
        var routing = EffectiveRouteTables.Reused();
        return BuildProjectsInScope.Evaluate(context, verdict, audit => [Judge(verdict, audit, routing)]);
    }

    private static Finding Judge(FindingFactory verdict, ProjectUnderAudit audit, Func<IReadOnlyList<Subnet>, IReadOnlyList<RouteTable>, EffectiveRouteTables> routing)
    {
        var name = audit.Project.Name;
        var ec2 = audit.Scope.Ec2;
        if (audit.Project.VpcConfig is not { Subnets.Count: > 0 } config)
            return verdict.Fail(audit.Resource,
                $"{name} has no VPC subnets: CodeBuild runs it outside any VPC, with internet access (see CB-1)",
                [new EvidenceFact(name, "vpcConfig.subnets absent or empty", audit.ProjectsFile)]);
        if (!ec2.Subnets.TryGet(out var subnets, out var gap) || !ec2.RouteTables.TryGet(out var tables, out gap))
            return verdict.Unavailable(audit.Resource, gap);

        var routes = routing(subnets, tables);
        var approved = audit.Posture.ApprovedEgress ?? [];
        var evidence = new List<EvidenceFact>();
        var violations = new List<string>();
        var undecided = new List<string>();
        foreach (var subnetId in config.Subnets!)
        {
            var subnet = routes.Subnet(subnetId);
            if (subnet is null)
            {
                undecided.Add($"subnet {subnetId} is not in DescribeSubnets");
                evidence.Add(new EvidenceFact(subnetId, "not found among the account's subnets", audit.Scope.PathOf(AwsCalls.DescribeSubnets.File)));
                continue;
            }

            var effective = routes.For(subnet);
            if (effective is null)
            {
                undecided.Add($"subnet {subnetId} has no associated route table and {subnet.VpcId} has no main route table in the data");
                continue;
            }

            var tableFile = audit.Scope.PathOf(AwsCalls.DescribeRouteTables.File);
            evidence.Add(new EvidenceFact(subnetId, $"uses {effective.Table.RouteTableId} ({effective.HowAssociated})", tableFile));
            foreach (var route in effective.Table.Routes)
            {
                var kind = RouteTargets.Classify(route);
                var routeText = $"route {route.Destination} -> {route.Target} ({RouteTargets.Describe(kind)}){(route.State == "blackhole" ? ", state blackhole" : "")}";
                evidence.Add(new EvidenceFact(effective.Table.RouteTableId, routeText, tableFile));
                if (route.State == "blackhole" || !RouteTargets.LeavesVpc(kind) || approved.Contains(route.Target)) continue;

                var covers = CoversInternet(route, audit, out var why);
                if (covers is null) undecided.Add($"{effective.Table.RouteTableId} {routeText}: {why}");
                else if (covers.Value)
                    violations.Add($"subnet {subnetId} uses route table {effective.Table.RouteTableId} ({effective.HowAssociated}), " +
                                   $"whose {routeText} covers internet addresses{why}");
            }
        }

        if (violations.Count > 0)
            return verdict.Fail(audit.Resource, $"{name} has a subnet with a route to the internet: {string.Join("; ", violations)}", evidence);
        if (undecided.Count > 0)
            return verdict.Inconclusive(audit.Resource, $"cannot verify {name}: {string.Join("; ", undecided)}", EvidenceRemedies.UndecidedRoutes, evidence);
        return verdict.Pass(audit.Resource,
            $"{name}'s {config.Subnets!.Count} subnet(s) route nothing towards the internet outside the VPC", evidence);
    }

    /// <returns>Null when it cannot be decided (the reason in <paramref name="why"/>).</returns>
    private static bool? CoversInternet(Route route, ProjectUnderAudit audit, out string why)
    {
        why = "";
        if (Cidr.TryParse(route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock, out var cidr))
            return InternetAddressSpace.Covers(cidr);
        if (route.DestinationPrefixListId is not { } listId)
        {
            why = "the route has no destination the suite can read";
            return null;
        }

        if (!audit.Scope.Ec2.EntriesOf(listId, audit.Scope.Folder).TryGet(out var entries, out var gap))
        {
            why = $"its prefix list cannot be resolved ({gap.Describe()})";
            return null;
        }

        var publicEntries = entries.Where(e => Cidr.TryParse(e.Cidr, out var c) && InternetAddressSpace.Covers(c)).Select(e => e.Cidr).ToList();
        why = publicEntries.Count > 0 ? $" (prefix list {listId} holds {string.Join(", ", publicEntries.Take(5))})" : "";
        return publicEntries.Count > 0;
    }
}
