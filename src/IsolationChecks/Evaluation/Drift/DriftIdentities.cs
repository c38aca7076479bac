using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Drift;

/// <summary>How list elements of one declared shape are matched between two snapshots.</summary>
/// <param name="Key">The member that identifies an element (its JSON name as the shape declares it).</param>
/// <param name="Noun">What the element is called in a change ("security group"); a resource when <paramref name="IsResource"/>.</param>
/// <param name="IsResource">Whether the element is a resource of its own (added or removed as such, and named as the changed resource).</param>
internal sealed record DriftIdentity(string Key, string Noun, bool IsResource = true);

/// <summary>
/// The elements drift matches by identity: resources by their id or name, and the few named parts of them (inline
/// policies, policy versions, reservations). Every other list (rules, routes, entries, associations, memberships,
/// statements) is a set: an element is in both snapshots or it was added or removed, whole, as the rule it is.
/// </summary>
internal static class DriftIdentities
{
    private static readonly Dictionary<Type, DriftIdentity> ByType = new()
    {
        [typeof(Vpc)] = new("VpcId", "VPC"),
        [typeof(Subnet)] = new("SubnetId", "subnet"),
        [typeof(RouteTable)] = new("RouteTableId", "route table"),
        [typeof(NetworkAcl)] = new("NetworkAclId", "network ACL"),
        [typeof(SecurityGroup)] = new("GroupId", "security group"),
        [typeof(NatGateway)] = new("NatGatewayId", "NAT gateway"),
        [typeof(InternetGateway)] = new("InternetGatewayId", "internet gateway"),
        [typeof(EgressOnlyInternetGateway)] = new("EgressOnlyInternetGatewayId", "egress-only internet gateway"),
        [typeof(VpcEndpoint)] = new("VpcEndpointId", "VPC endpoint"),
        [typeof(NetworkInterface)] = new("NetworkInterfaceId", "network interface"),
        [typeof(Reservation)] = new("ReservationId", "reservation", IsResource: false),
        [typeof(Instance)] = new("InstanceId", "instance"),
        [typeof(ManagedPrefixList)] = new("PrefixListId", "prefix list"),
        [typeof(Address)] = new("PublicIp", "Elastic IP"),
        [typeof(Project)] = new("name", "CodeBuild project"),
        [typeof(Repository)] = new("repositoryName", "ECR repository"),
        [typeof(PublicRepository)] = new("repositoryName", "ECR Public repository"),
        [typeof(UserDetail)] = new("UserName", "IAM user"),
        [typeof(GroupDetail)] = new("GroupName", "IAM group"),
        [typeof(RoleDetail)] = new("RoleName", "IAM role"),
        [typeof(ManagedPolicyDetail)] = new("Arn", "managed policy"),
        [typeof(PolicyDetail)] = new("PolicyName", "inline policy", IsResource: false),
        [typeof(PolicyVersion)] = new("VersionId", "policy version", IsResource: false),
        [typeof(LoadBalancer)] = new("LoadBalancerArn", "load balancer"),
        [typeof(ConnectionHost)] = new("HostArn", "CodeConnections host"),
        [typeof(EcsService)] = new("serviceName", "ECS service"),
        [typeof(EcsTask)] = new("taskArn", "ECS task"),
    };

    public static DriftIdentity? Of(Type? element) => element is not null && ByType.TryGetValue(element, out var identity) ? identity : null;

    /// <summary>The shapes matched by identity, for the tests that keep this table and the shapes in step.</summary>
    public static IReadOnlyCollection<Type> Types => ByType.Keys;
}
