using System.Text.Json;
using System.Text.Json.Serialization;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Collection;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Tests.Support;

/// <summary>
/// A whole network (EC2, transit, VPN, Client VPN, load balancers, plus CodeBuild projects) for engine and network-control
/// tests. <see cref="Build"/> writes it as the files the AWS CLI prints and reads them back with the product's reader, so
/// a test network is evidence like any other. Every inventory is collected unless a gap is set (recorded in the
/// manifest as a failed call); lists are mutable so a test can start from a topology and change one thing.
/// </summary>
public sealed class NetworkScope
{
    private static readonly JsonSerializerOptions Pascal = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly JsonSerializerOptions Camel = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

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
    public List<VpcPeeringConnection> VpcPeeringConnections { get; } = [];
    public List<TransitGatewayAttachment> TransitGatewayAttachments { get; } = [];
    public List<TransitGatewayVpcAttachment> TransitGatewayVpcAttachments { get; } = [];
    public List<TransitGatewayRouteTable> TransitGatewayRouteTables { get; } = [];
    public Dictionary<string, List<TransitGatewayRoute>> TransitGatewayRoutes { get; } = [];
    public List<VpnGateway> VpnGateways { get; } = [];
    public List<VpnConnection> VpnConnections { get; } = [];
    public List<ClientVpnEndpoint> ClientVpnEndpoints { get; } = [];
    public Dictionary<string, List<ClientVpnTargetNetwork>> ClientVpnTargetNetworks { get; } = [];
    public Dictionary<string, List<ClientVpnAuthorizationRule>> ClientVpnAuthorizationRules { get; } = [];
    public Dictionary<string, List<ClientVpnRoute>> ClientVpnRoutes { get; } = [];
    public List<LoadBalancer> LoadBalancers { get; } = [];
    public Dictionary<string, List<Listener>> Listeners { get; } = [];
    public List<TargetGroup> TargetGroups { get; } = [];
    public Dictionary<string, List<TargetHealthDescription>> TargetHealth { get; } = [];
    public Dictionary<string, List<TargetGroupAttribute>> TargetGroupAttributes { get; } = [];
    public List<Project> Projects { get; } = [];

    /// <summary>Inventories that were not collected, by name ("NatGateways", "Projects", or a catalog operation such as "DescribeTransitGatewayAttachments").</summary>
    public Dictionary<string, DataGap> Gaps { get; } = [];

    /// <summary>This network alone, as a one-scope snapshot read by the product's reader.</summary>
    public ScopeSnapshot Build() => Snapshot(this).Scopes[0];

    /// <summary>Several networks (accounts or regions) as one snapshot, each in its accounts/ACCOUNT/REGION folder.</summary>
    public static Snapshot Snapshot(params NetworkScope[] networks)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var calls = new List<ManifestCall>();
        var scopes = new List<ManifestScope>();
        foreach (var network in networks)
        {
            var folder = networks.Length == 1 ? "" : SnapshotLayout.ScopeFolder(network.AccountId, network.Region);
            scopes.Add(new ManifestScope(network.AccountId, network.Region, folder));
            foreach (var (call, item, document, camel) in network.Documents())
            {
                var name = InventoryName(call);
                var path = (folder.Length == 0 ? "" : folder + "/") + call.FileFor(item);
                if (network.Gaps.TryGetValue(name, out var gap))
                {
                    calls.Add(new ManifestCall(folder, call.Service.IamPrefix, call.Operation, item, null, "failed", 1, 1, 1, gap.ErrorCode ?? "NotCollected", gap.Reason));
                    continue;
                }

                files[path] = JsonSerializer.SerializeToUtf8Bytes(document, camel ? Camel : Pascal);
            }
        }

        var manifest = new SnapshotManifest(SnapshotManifest.CurrentFormat, "NetworkScope", DateTimeOffset.UnixEpoch, scopes, calls,
            files.ToDictionary(f => f.Key, f => FileDigest.Sha256Hex(f.Value), StringComparer.Ordinal));
        return SnapshotReader.Read(new SnapshotFiles("test", files, manifest));
    }

    /// <summary>The calls read into <see cref="Ec2Inventory"/>, named like their inventory ("NatGateways"); every other by its operation.</summary>
    private static readonly HashSet<AwsCall> InventoryCalls =
    [
        AwsCalls.DescribeVpcs, AwsCalls.DescribeSubnets, AwsCalls.DescribeRouteTables, AwsCalls.DescribeNetworkAcls, AwsCalls.DescribeSecurityGroups,
        AwsCalls.DescribeNatGateways, AwsCalls.DescribeInternetGateways, AwsCalls.DescribeEgressOnlyInternetGateways, AwsCalls.DescribeVpcEndpoints,
        AwsCalls.DescribeNetworkInterfaces, AwsCalls.DescribeInstances, AwsCalls.DescribeManagedPrefixLists, AwsCalls.DescribeAddresses,
    ];

    private static string InventoryName(AwsCall call) =>
        call == AwsCalls.BatchGetProjects ? "Projects" : InventoryCalls.Contains(call) ? call.File[..^".json".Length] : call.Operation;

    /// <summary>Every document of the network: the call, its item, the output, and whether the service prints camelCase.</summary>
    private IEnumerable<(AwsCall Call, string? Item, object Document, bool Camel)> Documents()
    {
        yield return (AwsCalls.GetCallerIdentity, null, new CallerIdentity(AccountId, $"arn:aws:iam::{AccountId}:role/audit"), false);
        yield return (AwsCalls.DescribeVpcs, null, new DescribeVpcsOutput(Vpcs), false);
        yield return (AwsCalls.DescribeSubnets, null, new DescribeSubnetsOutput(Subnets), false);
        yield return (AwsCalls.DescribeRouteTables, null, new DescribeRouteTablesOutput(RouteTables), false);
        yield return (AwsCalls.DescribeNetworkAcls, null, new DescribeNetworkAclsOutput(NetworkAcls), false);
        yield return (AwsCalls.DescribeSecurityGroups, null, new DescribeSecurityGroupsOutput(SecurityGroups), false);
        yield return (AwsCalls.DescribeNatGateways, null, new DescribeNatGatewaysOutput(NatGateways), false);
        yield return (AwsCalls.DescribeInternetGateways, null, new DescribeInternetGatewaysOutput(InternetGateways), false);
        yield return (AwsCalls.DescribeEgressOnlyInternetGateways, null, new DescribeEgressOnlyInternetGatewaysOutput(EgressOnlyInternetGateways), false);
        yield return (AwsCalls.DescribeVpcEndpoints, null, new DescribeVpcEndpointsOutput(VpcEndpoints), false);
        yield return (AwsCalls.DescribeNetworkInterfaces, null, new DescribeNetworkInterfacesOutput(NetworkInterfaces), false);
        yield return (AwsCalls.DescribeInstances, null, new DescribeInstancesOutput(Reservations), false);
        yield return (AwsCalls.DescribeAddresses, null, new DescribeAddressesOutput(Addresses), false);
        yield return (AwsCalls.DescribeManagedPrefixLists, null,
            new DescribeManagedPrefixListsOutput(PrefixLists.Keys.Select(id => new ManagedPrefixList(id, "IPv4", "create-complete")).ToList()), false);
        foreach (var (id, entries) in PrefixLists)
            yield return (AwsCalls.GetManagedPrefixListEntries, id, new GetManagedPrefixListEntriesOutput(entries), false);
        yield return (AwsCalls.DescribePrefixLists, null, new DescribePrefixListsOutput([]), false);
        yield return (AwsCalls.DescribeVpcPeeringConnections, null, new DescribeVpcPeeringConnectionsOutput(VpcPeeringConnections), false);
        yield return (AwsCalls.DescribeTransitGatewayAttachments, null, new DescribeTransitGatewayAttachmentsOutput(TransitGatewayAttachments), false);
        yield return (AwsCalls.DescribeTransitGatewayVpcAttachments, null, new DescribeTransitGatewayVpcAttachmentsOutput(TransitGatewayVpcAttachments), false);
        yield return (AwsCalls.DescribeTransitGatewayRouteTables, null, new DescribeTransitGatewayRouteTablesOutput(TransitGatewayRouteTables), false);
        foreach (var table in TransitGatewayRouteTables)
            yield return (AwsCalls.SearchTransitGatewayRoutes, table.TransitGatewayRouteTableId,
                new SearchTransitGatewayRoutesOutput(TransitGatewayRoutes.GetValueOrDefault(table.TransitGatewayRouteTableId) ?? [], false), false);
        yield return (AwsCalls.DescribeVpnGateways, null, new DescribeVpnGatewaysOutput(VpnGateways), false);
        yield return (AwsCalls.DescribeVpnConnections, null, new DescribeVpnConnectionsOutput(VpnConnections), false);
        yield return (AwsCalls.DescribeClientVpnEndpoints, null, new DescribeClientVpnEndpointsOutput(ClientVpnEndpoints), false);
        foreach (var endpoint in ClientVpnEndpoints.Select(e => e.ClientVpnEndpointId))
        {
            yield return (AwsCalls.DescribeClientVpnTargetNetworks, endpoint, new DescribeClientVpnTargetNetworksOutput(ClientVpnTargetNetworks.GetValueOrDefault(endpoint) ?? []), false);
            yield return (AwsCalls.DescribeClientVpnAuthorizationRules, endpoint, new DescribeClientVpnAuthorizationRulesOutput(ClientVpnAuthorizationRules.GetValueOrDefault(endpoint) ?? []), false);
            yield return (AwsCalls.DescribeClientVpnRoutes, endpoint, new DescribeClientVpnRoutesOutput(ClientVpnRoutes.GetValueOrDefault(endpoint) ?? []), false);
        }

        yield return (AwsCalls.DescribeLoadBalancers, null, new LoadBalancerListing(LoadBalancers), false);
        foreach (var arn in LoadBalancers.Select(l => l.LoadBalancerArn))
            yield return (AwsCalls.DescribeListeners, AwsCalls.DescribeListeners.KeyOf(arn), new ListenerListing(Listeners.GetValueOrDefault(arn) ?? []), false);
        yield return (AwsCalls.DescribeTargetGroups, null, new TargetGroupListing(TargetGroups), false);
        foreach (var arn in TargetGroups.Select(g => g.TargetGroupArn))
        {
            yield return (AwsCalls.DescribeTargetHealth, AwsCalls.DescribeTargetHealth.KeyOf(arn), new TargetHealthListing(TargetHealth.GetValueOrDefault(arn) ?? []), false);
            yield return (AwsCalls.DescribeTargetGroupAttributes, AwsCalls.DescribeTargetGroupAttributes.KeyOf(arn),
                new TargetGroupAttributeListing(TargetGroupAttributes.GetValueOrDefault(arn) ?? []), false);
        }

        yield return (AwsCalls.BatchGetProjects, null, new BatchGetProjectsOutput(Projects, []), true);
        yield return (AwsCalls.DescribeRepositories, null, new DescribeRepositoriesOutput([]), true);
        yield return (AwsCalls.GetRegistryScanningConfiguration, null, new RegistryScanningConfiguration(new ScanningConfiguration("BASIC", [])), true);
        yield return (AwsCalls.GetAccountAuthorizationDetails, null, new AccountAuthorizationDetails([], [], [], []), false);
    }

    public EvaluationContext Context(BuildPosture? build) => new(
        Snapshot(this),
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
