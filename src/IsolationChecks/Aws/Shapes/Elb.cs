// `aws elbv2 describe-load-balancers`, `describe-listeners`, `describe-target-groups`, `describe-target-health` and
// `describe-target-group-attributes` shapes (PascalCase on the wire).
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

public sealed record ListenerListing(IReadOnlyList<Listener> Listeners);

/// <param name="Port">Absent only for a Gateway Load Balancer listener (all ports).</param>
public sealed record Listener(
    string ListenerArn,
    string LoadBalancerArn,
    string Protocol,
    [AbsentMeans("a Gateway Load Balancer listener, on every port")] int? Port = null);

public sealed record TargetGroupListing(IReadOnlyList<TargetGroup> TargetGroups);

public sealed record TargetGroup(
    string TargetGroupArn,
    string TargetGroupName,
    string TargetType,
    IReadOnlyList<string> LoadBalancerArns,
    [AbsentMeans("a Lambda target group, which has no protocol")] string? Protocol = null,
    [AbsentMeans("a Lambda target group, which has no port")] int? Port = null,
    [AbsentMeans("a Lambda target group, which is in no VPC")] string? VpcId = null);

public sealed record TargetHealthListing(IReadOnlyList<TargetHealthDescription> TargetHealthDescriptions);

public sealed record TargetHealthDescription(
    TargetDescription Target,
    [AbsentMeans("the target's health is not reported")] TargetHealth? TargetHealth = null);

public sealed record TargetDescription(
    string Id,
    [AbsentMeans("the target group's port")] int? Port = null,
    [AbsentMeans("the target is in the load balancer's availability zones")] string? AvailabilityZone = null);

public sealed record TargetHealth(string State, [AbsentMeans("no reason is given")] string? Reason = null);

public sealed record TargetGroupAttributeListing(IReadOnlyList<TargetGroupAttribute> Attributes)
{
    public string? Value(string key) => Attributes.FirstOrDefault(a => a.Key == key)?.Value;
}

public sealed record TargetGroupAttribute(string Key, string Value);
