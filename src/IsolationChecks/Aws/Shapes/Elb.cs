// `aws elbv2 describe-load-balancers` shapes (PascalCase on the wire).
namespace IsolationChecks.Aws.Shapes;

public sealed record LoadBalancerListing(IReadOnlyList<LoadBalancer> LoadBalancers);

public sealed record LoadBalancer(
    string LoadBalancerArn,
    string LoadBalancerName,
    string Scheme,
    string Type,
    string VpcId,
    LoadBalancerState State,
    IReadOnlyList<LoadBalancerZone> AvailabilityZones,
    [AbsentMeans("the load balancer has no security group (a network load balancer created without one)")] IReadOnlyList<string>? SecurityGroups = null);

public sealed record LoadBalancerZone(string ZoneName, string SubnetId);

public sealed record LoadBalancerState(string Code, [AbsentMeans("no reason is given")] string? Reason = null);
