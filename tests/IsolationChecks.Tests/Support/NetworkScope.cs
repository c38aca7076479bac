using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;

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
            Seen(Vpcs, SnapshotLayout.Vpcs, "Vpcs"), Seen(Subnets, SnapshotLayout.Subnets, "Subnets"),
            Seen(RouteTables, SnapshotLayout.RouteTables, "RouteTables"), Seen(NetworkAcls, SnapshotLayout.NetworkAcls, "NetworkAcls"),
            Seen(SecurityGroups, SnapshotLayout.SecurityGroups, "SecurityGroups"), Seen(NatGateways, SnapshotLayout.NatGateways, "NatGateways"),
            Seen(InternetGateways, SnapshotLayout.InternetGateways, "InternetGateways"),
            Seen(EgressOnlyInternetGateways, SnapshotLayout.EgressOnlyInternetGateways, "EgressOnlyInternetGateways"),
            Seen(VpcEndpoints, SnapshotLayout.VpcEndpoints, "VpcEndpoints"), Seen(NetworkInterfaces, SnapshotLayout.NetworkInterfaces, "NetworkInterfaces"),
            Seen(Reservations, SnapshotLayout.Reservations, "Reservations"),
            Seen(PrefixLists.Keys.Select(id => new ManagedPrefixList(id)), SnapshotLayout.ManagedPrefixLists, "ManagedPrefixLists"),
            PrefixLists.ToDictionary(kv => kv.Key, kv => Collected<IReadOnlyList<PrefixListEntry>>.Seen(kv.Value.ToList(), SnapshotLayout.PrefixListEntries(kv.Key))),
            Seen(Addresses, SnapshotLayout.Addresses, "Addresses"));
        var ecr = new EcrInventory(Collected<IReadOnlyList<Repository>>.Seen([], SnapshotLayout.EcrDescribeRepositories),
            new Dictionary<string, Collected<Optional<RepositoryPolicy>>>(), new Dictionary<string, Collected<Optional<LifecyclePolicy>>>(),
            Collected<RegistryScanningConfiguration>.Seen(new RegistryScanningConfiguration(), SnapshotLayout.EcrRegistryScanningConfiguration));
        return new ScopeSnapshot(AccountId, Region, "", ec2, new CodeBuildInventory(Seen(Projects, SnapshotLayout.CodeBuildBatchGetProjects, "Projects")), ecr,
            Collected<AccountAuthorizationDetails>.Seen(new AccountAuthorizationDetails(), SnapshotLayout.IamAccountAuthorizationDetails),
            Collected<CallerIdentity>.Seen(new CallerIdentity(AccountId, $"arn:aws:iam::{AccountId}:role/audit"), SnapshotLayout.StsCallerIdentity));
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

    public static RouteTableAssociation Association(string subnetId) => new(SubnetId: subnetId, AssociationState: new AssociationState("associated"));

    public static RouteTableAssociation MainAssociation() => new(Main: true, AssociationState: new AssociationState("associated"));

    public static Route Local(string cidr) => new(DestinationCidrBlock: cidr, GatewayId: "local", State: "active");

    public static NetworkAclEntry Entry(int number, bool egress, string action, string protocol = "-1", string cidr = "0.0.0.0/0", int? from = null, int? to = null) =>
        cidr.Contains(':')
            ? new NetworkAclEntry(number, protocol, action, egress, Ipv6CidrBlock: cidr, PortRange: from is null ? null : new PortRange(from, to ?? from))
            : new NetworkAclEntry(number, protocol, action, egress, CidrBlock: cidr, PortRange: from is null ? null : new PortRange(from, to ?? from));

    /// <summary>The default network ACL AWS creates: allow everything both ways, then the '*' deny.</summary>
    public static NetworkAcl OpenAcl(string id, string vpcId, bool isDefault, params string[] subnets) => new(id, vpcId, isDefault,
        [
            Entry(100, false, "allow"), Entry(32767, false, "deny"), Entry(100, true, "allow"), Entry(32767, true, "deny"),
            Entry(101, false, "allow", cidr: "::/0"), Entry(32768, false, "deny", cidr: "::/0"),
            Entry(101, true, "allow", cidr: "::/0"), Entry(32768, true, "deny", cidr: "::/0"),
        ],
        subnets.Select(s => new NetworkAclAssociation($"aclassoc-{s}", id, s)).ToList());

    public static IpPermission AllTo(string cidr) => cidr.Contains(':')
        ? new IpPermission("-1", Ipv6Ranges: [new Ipv6Range(cidr)])
        : new IpPermission("-1", IpRanges: [new IpRange(cidr)]);

    public static IpPermission Tcp(int port, string cidr) => new("tcp", port, port, IpRanges: [new IpRange(cidr)]);

    public static IpPermission TcpFromGroup(int port, string groupId) => new("tcp", port, port, UserIdGroupPairs: [new UserIdGroupPair(groupId)]);

    public static NetworkInterface Interface(string id, string subnetId, string vpcId, string ip, string[] groups, string? publicIp = null,
        string? ipv6 = null, string? zone = null, string type = "interface") => new(id, subnetId, vpcId, zone, type, PrivateIpAddress: ip,
        PrivateIpAddresses: [new NetworkInterfacePrivateIpAddress(ip, true, publicIp is null ? null : new NetworkInterfaceAssociation(publicIp))],
        Ipv6Addresses: ipv6 is null ? null : [new NetworkInterfaceIpv6Address(ipv6)],
        Association: publicIp is null ? null : new NetworkInterfaceAssociation(publicIp),
        Groups: groups.Select(g => new SecurityGroupIdentifier(g)).ToList());
}
