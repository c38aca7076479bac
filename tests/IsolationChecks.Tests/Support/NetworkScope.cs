using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Tests.Support;

/// <summary>
/// A whole EC2 network (plus CodeBuild projects) for engine and network-control tests. Every inventory is
/// collected unless a gap is set; lists are mutable so a test can start from a topology and change one thing.
/// </summary>
public sealed class NetworkScope
{
    public string AccountId { get; init; } = "222222222222";
    public string Region { get; init; } = "ap-northeast-1";
    public List<Vpc> Vpcs { get; } = [];
    public List<Subnet> Subnets { get; } = [];
    public List<RouteTable> RouteTables { get; } = [];
    public List<NetworkAcl> NetworkAcls { get; } = [];
    public List<SecurityGroup> SecurityGroups { get; } = [];
    public List<NatGateway> NatGateways { get; } = [];
    public List<InternetGateway> InternetGateways { get; } = [];
    public List<EgressOnlyInternetGateway> EgressOnlyInternetGateways { get; } = [];
    public List<VpcEndpoint> VpcEndpoints { get; } = [];
    public List<NetworkInterface> NetworkInterfaces { get; } = [];
    public List<Reservation> Reservations { get; } = [];
    public List<Address> Addresses { get; } = [];
    public Dictionary<string, List<PrefixListEntry>> PrefixLists { get; } = [];
    public List<Project> Projects { get; } = [];
    public Dictionary<string, DataGap> Gaps { get; } = [];

    public ScopeSnapshot Build()
    {
        Collected<IReadOnlyList<T>> Seen<T>(IEnumerable<T> items, string file, string name) => Gaps.TryGetValue(name, out var gap)
            ? Collected<IReadOnlyList<T>>.Missing(gap)
            : Collected<IReadOnlyList<T>>.Seen(items.ToList(), file);
        var ec2 = new Ec2Inventory(
            Seen(Vpcs, AwsCalls.DescribeVpcs.File, "Vpcs"), Seen(Subnets, AwsCalls.DescribeSubnets.File, "Subnets"),
            Seen(RouteTables, AwsCalls.DescribeRouteTables.File, "RouteTables"), Seen(NetworkAcls, AwsCalls.DescribeNetworkAcls.File, "NetworkAcls"),
            Seen(SecurityGroups, AwsCalls.DescribeSecurityGroups.File, "SecurityGroups"), Seen(NatGateways, AwsCalls.DescribeNatGateways.File, "NatGateways"),
            Seen(InternetGateways, AwsCalls.DescribeInternetGateways.File, "InternetGateways"),
            Seen(EgressOnlyInternetGateways, AwsCalls.DescribeEgressOnlyInternetGateways.File, "EgressOnlyInternetGateways"),
            Seen(VpcEndpoints, AwsCalls.DescribeVpcEndpoints.File, "VpcEndpoints"), Seen(NetworkInterfaces, AwsCalls.DescribeNetworkInterfaces.File, "NetworkInterfaces"),
            Seen(Reservations, AwsCalls.DescribeInstances.File, "Reservations"),
            Seen(PrefixLists.Keys.Select(id => new ManagedPrefixList(id, "IPv4", "create-complete")), AwsCalls.DescribeManagedPrefixLists.File, "ManagedPrefixLists"),
            PrefixLists.ToDictionary(kv => kv.Key, kv => Collected<IReadOnlyList<PrefixListEntry>>.Seen(kv.Value.ToList(), AwsCalls.GetManagedPrefixListEntries.FileFor(kv.Key))),
            Seen(Addresses, AwsCalls.DescribeAddresses.File, "Addresses"));
        var ecr = new EcrInventory(Collected<IReadOnlyList<Repository>>.Seen([], AwsCalls.DescribeRepositories.File),
            new Dictionary<string, Collected<Optional<RepositoryPolicy>>>(), new Dictionary<string, Collected<Optional<LifecyclePolicy>>>(),
            Collected<RegistryScanningConfiguration>.Seen(new RegistryScanningConfiguration(new ScanningConfiguration("BASIC", [])), AwsCalls.GetRegistryScanningConfiguration.File));
        return new ScopeSnapshot(AccountId, Region, "", ec2, new CodeBuildInventory(Seen(Projects, AwsCalls.BatchGetProjects.File, "Projects")), ecr,
            Collected<AccountAuthorizationDetails>.Seen(new AccountAuthorizationDetails([], [], [], []), AwsCalls.GetAccountAuthorizationDetails.File),
            Collected<CallerIdentity>.Seen(new CallerIdentity(AccountId, $"arn:aws:iam::{AccountId}:role/audit"), AwsCalls.GetCallerIdentity.File));
    }

    public EvaluationContext Context(BuildPosture? build) => new(
        new Snapshot("test", null, [Build()], IntegrityReport.Unverified),
        new PostureDocument(1, "test", new Dictionary<string, AccountTarget> { ["prd"] = new(AccountId, Region) }, Build: build),
        TimeProvider.System);

    public void Replace<T>(List<T> list, Func<T, bool> which, Func<T, T> change)
    {
        var index = list.FindIndex(x => which(x));
        if (index < 0) throw new InvalidOperationException("nothing to replace");
        list[index] = change(list[index]);
    }

    // ---- helpers that read like the AWS CLI output ---------------------------------------------------

    public static RouteTableAssociation Association(string subnetId) => new(Main: false, SubnetId: subnetId, AssociationState: new AssociationState("associated"));

    public static RouteTableAssociation MainAssociation() => new(Main: true, AssociationState: new AssociationState("associated"));

    public static Route Local(string cidr) => new(DestinationCidrBlock: cidr, GatewayId: "local", State: "active");

    public static NetworkAclEntry Entry(int number, bool egress, string action, string protocol = "-1", string cidr = "0.0.0.0/0", int? from = null, int? to = null) =>
        cidr.Contains(':')
            ? new NetworkAclEntry(number, protocol, action, egress, Ipv6CidrBlock: cidr, PortRange: from is null ? null : new PortRange(from.Value, to ?? from.Value))
            : new NetworkAclEntry(number, protocol, action, egress, CidrBlock: cidr, PortRange: from is null ? null : new PortRange(from.Value, to ?? from.Value));

    /// <summary>The default network ACL AWS creates: allow everything both ways, then the '*' deny.</summary>
    public static NetworkAcl OpenAcl(string id, string vpcId, bool isDefault, params string[] subnets) => new(id, vpcId, isDefault,
        [
            Entry(100, false, "allow"), Entry(32767, false, "deny"), Entry(100, true, "allow"), Entry(32767, true, "deny"),
            Entry(101, false, "allow", cidr: "::/0"), Entry(32768, false, "deny", cidr: "::/0"),
            Entry(101, true, "allow", cidr: "::/0"), Entry(32768, true, "deny", cidr: "::/0"),
        ],
        subnets.Select(s => new NetworkAclAssociation(s, $"aclassoc-{s}", id)).ToList());

    /// <summary>An IP permission as describe-security-groups prints it: every source list present, empty unless given.</summary>
    public static IpPermission Permission(string protocol, int? from = null, int? to = null, IReadOnlyList<IpRange>? IpRanges = null,
        IReadOnlyList<Ipv6Range>? Ipv6Ranges = null, IReadOnlyList<PrefixListReference>? PrefixListIds = null, IReadOnlyList<UserIdGroupPair>? UserIdGroupPairs = null) =>
        new(protocol, IpRanges ?? [], Ipv6Ranges ?? [], PrefixListIds ?? [], UserIdGroupPairs ?? [], from, to);

    public static IpPermission AllTo(string cidr) => cidr.Contains(':')
        ? Permission("-1", Ipv6Ranges: [new Ipv6Range(cidr)])
        : Permission("-1", IpRanges: [new IpRange(cidr)]);

    public static IpPermission Tcp(int port, string cidr) => Permission("tcp", port, port, IpRanges: [new IpRange(cidr)]);

    public static IpPermission TcpFromGroup(int port, string groupId) => Permission("tcp", port, port, UserIdGroupPairs: [new UserIdGroupPair(groupId)]);

    /// <summary>A security group with its rules (none unless given), as describe-security-groups prints it.</summary>
    public static SecurityGroup Group(string id, string name, string vpcId, IReadOnlyList<IpPermission>? IpPermissions = null, IReadOnlyList<IpPermission>? IpPermissionsEgress = null) =>
        new(id, name, vpcId, IpPermissions ?? [], IpPermissionsEgress ?? []);

    public static Subnet Subnet(string id, string vpcId, string? cidr, string zone = "ap-northeast-1a", IReadOnlyList<Ipv6CidrBlockAssociation>? Ipv6CidrBlockAssociationSet = null) =>
        new(id, vpcId, zone, Ipv6CidrBlockAssociationSet ?? [], cidr);

    public static Route RouteTo(string destination, string? GatewayId = null, string? NatGatewayId = null, string? TransitGatewayId = null,
        string? VpcPeeringConnectionId = null, string? NetworkInterfaceId = null, string? InstanceId = null, string? EgressOnlyInternetGatewayId = null,
        string State = "active", string? Origin = null) =>
        new(State,
            DestinationCidrBlock: destination.StartsWith("pl-", StringComparison.Ordinal) || destination.Contains(':') ? null : destination,
            DestinationIpv6CidrBlock: destination.Contains(':') ? destination : null,
            DestinationPrefixListId: destination.StartsWith("pl-", StringComparison.Ordinal) ? destination : null,
            GatewayId: GatewayId, NatGatewayId: NatGatewayId, InstanceId: InstanceId, NetworkInterfaceId: NetworkInterfaceId, TransitGatewayId: TransitGatewayId,
            VpcPeeringConnectionId: VpcPeeringConnectionId, EgressOnlyInternetGatewayId: EgressOnlyInternetGatewayId, Origin: Origin);

    public static NatGateway PublicNat(string id, string vpcId, string subnetId, string publicIp, string privateIp = "10.0.100.5", string state = "available") =>
        new(id, vpcId, subnetId, state, [new NatGatewayAddress($"eipalloc-{id}", $"eni-{id}", privateIp, publicIp, true, "succeeded")], "public");

    public static VpcEndpoint Endpoint(string id, string type, string vpcId, string service, IReadOnlyList<string>? RouteTableIds = null, IReadOnlyList<string>? SubnetIds = null,
        IReadOnlyList<SecurityGroupIdentifier>? Groups = null, bool? PrivateDnsEnabled = null, IReadOnlyList<string>? NetworkInterfaceIds = null, string State = "available") =>
        new(id, type, vpcId, service, State, RouteTableIds ?? [], SubnetIds ?? [], Groups ?? [], NetworkInterfaceIds ?? [], PrivateDnsEnabled);

    public static NetworkInterface Interface(string id, string subnetId, string vpcId, string ip, string[] groups, string? publicIp = null,
        string? ipv6 = null, string? zone = null, string type = "interface") => new(id, subnetId, vpcId, zone ?? "ap-northeast-1a", type, "in-use",
        PrivateIpAddresses: [new NetworkInterfacePrivateIpAddress(ip, true, publicIp is null ? null : new NetworkInterfaceAssociation(publicIp))],
        Ipv6Addresses: ipv6 is null ? [] : [new NetworkInterfaceIpv6Address(ipv6)],
        Groups: groups.Select(g => new SecurityGroupIdentifier(g)).ToList(),
        PrivateIpAddress: ip,
        Association: publicIp is null ? null : new NetworkInterfaceAssociation(publicIp));
}
