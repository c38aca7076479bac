// `aws elbv2 describe-load-balancers` shapes (PascalCase on the wire).
namespace IsolationChecks.Aws.Shapes;

public sealed record LoadBalancerListing(IReadOnlyList<LoadBalancer>? LoadBalancers = null);

public sealed record LoadBalancer(
    string LoadBalancerArn,
    string? LoadBalancerName = null,
    string? Scheme = null,
    string? Type = null,
    string? VpcId = null,
    IReadOnlyList<string>? SecurityGroups = null,
    IReadOnlyList<LoadBalancerZone>? AvailabilityZones = null,
    LoadBalancerState? State = null);

public sealed record LoadBalancerZone(string? ZoneName = null, string? SubnetId = null);

public sealed record LoadBalancerState(string? Code = null, string? Reason = null);
