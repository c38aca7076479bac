using IsolationChecks.Controls.Catalog;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.GitLab.Hosts;

/// <summary>
/// A load balancer in front of GitLab is the host the internet meets. describe-load-balancers says it exists and which
/// security groups it has; its network interfaces are the ones EC2 describes as "ELB app/NAME/ID" (the suffix of its ARN).
/// </summary>
internal static class LoadBalancerHosts
{
    private const string Marker = ":loadbalancer/";

    public static IReadOnlyList<Finding> Resolve(string arn, EvaluationContext context, HostResolution resolution)
    {
        var (placeholder, scope, verdict, _) = resolution;
        var at = arn.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
            return [verdict.Error(placeholder, $"gitLab.hosts names load balancer '{arn}', which is not an Elastic Load Balancing ARN (arn:...:loadbalancer/app/NAME/ID)")];
        var resource = placeholder with { Account = scope.AccountId, Region = scope.Region };

        var listingFile = scope.PathOf(AwsCalls.DescribeLoadBalancers.File);
        if (!scope.Read<LoadBalancerListing>(AwsCalls.DescribeLoadBalancers).TryGet(out var listing, out var gap))
            return [verdict.Unavailable(resource, gap)];
        var loadBalancer = listing.LoadBalancers.FirstOrDefault(l => l.LoadBalancerArn == arn);
        if (loadBalancer is null)
            return [verdict.Inconclusive(resource,
                $"cannot verify {resource.Name}: describe-load-balancers in account {scope.AccountId} ({scope.Region}) lists no load balancer with ARN {arn} (is it in this account and region?)",
                EvidenceRemedies.NotListed("gitLab.hosts[].loadBalancerArn", "load balancer", scope.AccountId, scope.Region),
                new EvidenceFact("load balancers", $"{listing.LoadBalancers.Count} listed: {string.Join(", ", listing.LoadBalancers.Select(l => l.LoadBalancerName))}", listingFile))];
        var loadBalancerFact = new EvidenceFact(loadBalancer.LoadBalancerName,
            $"{loadBalancer.Type} load balancer, scheme {loadBalancer.Scheme}, state {loadBalancer.State.Code}, " +
            $"security groups {ListText.Joined(loadBalancer.SecurityGroups ?? [], "none")}", listingFile);
        if ((loadBalancer.SecurityGroups ?? []).Count == 0)
            return [verdict.Inconclusive(resource,
                $"cannot verify {resource.Name}: the load balancer has no security group, so which sources reach GitLab is decided by its targets' " +
                "security groups (GL-2 follows the load balancer to its targets); attach a security group to the load balancer (network load balancers " +
                "support them) or declare the targets as hosts",
                "Declare the load balancer's targets (instance ids) as gitLab.hosts, whose security groups the suite can judge, then run again.",
                loadBalancerFact)];

        var description = $"ELB {arn[(at + Marker.Length)..]}";
        if (!scope.Ec2.NetworkInterfaces.TryGet(out var interfaces, out gap)) return [verdict.Unavailable(resource, gap)];
        var attached = interfaces.Where(n => n.Description == description).ToList();
        if (attached.Count == 0)
            return [verdict.Inconclusive(resource,
                $"cannot verify {resource.Name}: describe-network-interfaces in account {scope.AccountId} ({scope.Region}) lists no interface described as '{description}', " +
                "so the load balancer's interfaces are unknown",
                EvidenceRemedies.Recollect(AwsCalls.DescribeNetworkInterfaces, resolution.InterfacesFile),
                loadBalancerFact,
                new EvidenceFact("network interfaces", $"{interfaces.Count} listed, none with description '{description}'", resolution.InterfacesFile))];

        return resolution.Audit(resource, $"load balancer {resource.Name}", attached, loadBalancer.SecurityGroups ?? [], [loadBalancerFact], _ => $"'{description}'");
    }
}
