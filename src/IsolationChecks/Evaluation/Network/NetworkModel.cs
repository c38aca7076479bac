using System.Collections.Concurrent;
using System.Net.Sockets;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Evaluation.Network;

/// <summary>A network ACL entry, parsed once: its CIDR of the family asked, protocol (null when unreadable) and ports.</summary>
public sealed record AclRule(NetworkAclEntry Entry, Cidr Cidr, Interval? Protocol, Interval? Ports);

/// <summary>One destination of a route (a CIDR, or one entry of its prefix list) with its priority rank (0 static, 1 prefix list, 2 propagated).</summary>
public sealed record RouteCandidate(Cidr Cidr, int Rank, int Order, Route Route);

/// <summary>A route table's destinations of one family in priority order, and its prefix-list routes that cannot be resolved.</summary>
public sealed record RouteCandidates(IReadOnlyList<RouteCandidate> Ordered, IReadOnlyList<(Route Route, DataGap Gap)> Unresolved);

/// <summary>A private address of an interface, with the public address AWS maps to it (if any).</summary>
public sealed record InterfaceAddress(AddressFamily Family, UInt128 Value, string Text, string? PublicIp);

/// <summary>
/// The network of every account and region of a snapshot, as one world: a VPC peered with, or attached through a transit
/// gateway to, a VPC of another scope is followed into it; anything outside the snapshot is the edge of the world.
/// Indexed by id so that a query costs only what its path touches. Built once per snapshot; read-only afterwards
/// (the caches below are filled on first use and safe under concurrent queries).
/// </summary>
public sealed partial class NetworkModel
{
    private readonly Dictionary<string, ScopeSnapshot> _vpcScope = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subnet> _subnets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Vpc> _vpcs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteTable> _explicitTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteTable> _mainTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkAcl> _explicitAcls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkAcl> _defaultAcls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SecurityGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkInterface> _interfaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<InterfaceAddress>> _interfaceAddresses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _interfacesByGroup = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _interfacesByDescription = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (AddressFamily Family, UInt128 Value, string InterfaceId)[]> _addressIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _publicAddressIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _instancePrimaryInterface = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NatGateway> _natGateways = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _internetGatewaysByVpc = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _egressOnlyGatewaysByVpc = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VpcEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ScopeSnapshot> _prefixListScopes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Collected<DescribePrefixListsOutput> Document, IReadOnlyList<string> Cidrs)> _awsPrefixLists = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompiledGroup> _compiledGroups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Collected<IReadOnlyList<Cidr>>> _prefixLists = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, bool, AddressFamily), IReadOnlyList<AclRule>> _aclRules = new();
    private readonly ConcurrentDictionary<(string, AddressFamily), RouteCandidates> _routeCandidates = new();
    private readonly Dictionary<(ScopeSnapshot, string), DataGap> _gaps = [];
    private readonly Dictionary<(ScopeSnapshot, string), Action> _consult = [];

    private NetworkModel(IReadOnlyList<ScopeSnapshot> scopes)
    {
        Scopes = scopes;
        foreach (var scope in scopes) IndexEc2(scope);
        foreach (var scope in scopes) IndexTransit(scope);
        foreach (var scope in scopes) IndexIngress(scope);
        foreach (var (vpc, list) in _addressBuilder)
            _addressIndex[vpc] = list.OrderBy(a => a.Item1).ThenBy(a => a.Item2).ToArray();
        _addressBuilder.Clear();
    }

    private readonly Dictionary<string, List<(AddressFamily, UInt128, string)>> _addressBuilder = new(StringComparer.Ordinal);

    /// <summary>Every scope the model spans.</summary>
    public IReadOnlyList<ScopeSnapshot> Scopes { get; }

    /// <summary>Route tables associated with a gateway (ingress routing), which the engine does not model.</summary>
    public HashSet<string> EdgeAssociatedTables { get; } = new(StringComparer.Ordinal);

    /// <summary>The network of every scope of the snapshot.</summary>
    public static NetworkModel Build(Snapshot snapshot) => new(snapshot.Scopes);

    public static NetworkModel Build(params ScopeSnapshot[] scopes) => new(scopes);

    private void IndexEc2(ScopeSnapshot scope)
    {
        var ec2 = scope.Ec2;
        foreach (var vpc in Read(scope, ec2.Vpcs, "Vpcs", AwsCalls.DescribeVpcs))
        {
            // A shared VPC is listed by its owner and its participants: the owner's scope is the VPC's home.
            if (!_vpcScope.ContainsKey(vpc.VpcId) || vpc.OwnerId == scope.AccountId) _vpcScope[vpc.VpcId] = scope;
            _vpcs.TryAdd(vpc.VpcId, vpc);
            Name(vpc.VpcId, vpc.Tags);
        }

        foreach (var subnet in Read(scope, ec2.Subnets, "Subnets", AwsCalls.DescribeSubnets))
        {
            _subnets.TryAdd(subnet.SubnetId, subnet);
            _vpcScope.TryAdd(subnet.VpcId, scope);
            Name(subnet.SubnetId, subnet.Tags);
        }

        IndexById(Read(scope, ec2.SecurityGroups, "SecurityGroups", AwsCalls.DescribeSecurityGroups), _groups, g => g.GroupId, g => g.Tags);
        IndexById(Read(scope, ec2.NatGateways, "NatGateways", AwsCalls.DescribeNatGateways), _natGateways, n => n.NatGatewayId, n => n.Tags);
        IndexById(Read(scope, ec2.VpcEndpoints, "VpcEndpoints", AwsCalls.DescribeVpcEndpoints), _endpoints, e => e.VpcEndpointId, e => e.Tags);

        foreach (var table in Read(scope, ec2.RouteTables, "RouteTables", AwsCalls.DescribeRouteTables))
        {
            Name(table.RouteTableId, table.Tags);
            foreach (var association in table.Associations)
            {
                if (association.AssociationState?.State is not (null or "associated")) continue;
                if (association.SubnetId is { } subnetId) _explicitTables[subnetId] = table;
                else if (association.Main) _mainTables[table.VpcId] = table;
                else if (association.GatewayId is not null) EdgeAssociatedTables.Add(table.RouteTableId);
            }
        }

        foreach (var acl in Read(scope, ec2.NetworkAcls, "NetworkAcls", AwsCalls.DescribeNetworkAcls))
        {
            Name(acl.NetworkAclId, acl.Tags);
            if (acl.IsDefault) _defaultAcls[acl.VpcId] = acl;
            foreach (var association in acl.Associations) _explicitAcls[association.SubnetId] = acl;
        }

        var elasticIps = Read(scope, ec2.Addresses, "Addresses", AwsCalls.DescribeAddresses)
            .Where(a => a is { NetworkInterfaceId: not null, PrivateIpAddress: not null })
            .GroupBy(a => (a.NetworkInterfaceId!, a.PrivateIpAddress!))
            .ToDictionary(g => g.Key, g => g.First().PublicIp);
        foreach (var eni in Read(scope, ec2.NetworkInterfaces, "NetworkInterfaces", AwsCalls.DescribeNetworkInterfaces))
        {
            if (!_interfaces.TryAdd(eni.NetworkInterfaceId, eni)) continue;
            Name(eni.NetworkInterfaceId, eni.TagSet);
            var addresses = new List<InterfaceAddress>();
            IEnumerable<(string? Ip, string? PublicIp)> privateIps = eni.PrivateIpAddresses.Count > 0
                ? eni.PrivateIpAddresses.Select(p => ((string?)p.PrivateIpAddress, p.Association?.PublicIp))
                : [(eni.PrivateIpAddress, eni.Association?.PublicIp)];
            foreach (var (ip, publicIp) in privateIps)
            {
                if (!Cidr.TryParseAddress(ip, out var cidr)) continue;
                var mapped = publicIp ?? elasticIps.GetValueOrDefault((eni.NetworkInterfaceId, ip!));
                addresses.Add(new InterfaceAddress(cidr.Family, cidr.First, ip!, mapped));
                if (mapped is not null) _publicAddressIndex.TryAdd(mapped, eni.NetworkInterfaceId);
            }

            foreach (var v6 in eni.Ipv6Addresses)
                if (Cidr.TryParseAddress(v6.Ipv6Address, out var cidr))
                    addresses.Add(new InterfaceAddress(cidr.Family, cidr.First, v6.Ipv6Address, v6.Ipv6Address));
            _interfaceAddresses[eni.NetworkInterfaceId] = addresses;
            if (!_addressBuilder.TryGetValue(eni.VpcId, out var byVpc)) _addressBuilder[eni.VpcId] = byVpc = [];
            foreach (var a in addresses) byVpc.Add((a.Family, a.Value, eni.NetworkInterfaceId));
            foreach (var group in eni.Groups) Add(_interfacesByGroup, group.GroupId, eni.NetworkInterfaceId);
            if (eni.Description is { Length: > 0 } description) Add(_interfacesByDescription, description, eni.NetworkInterfaceId);
            if (eni.Attachment is { InstanceId: { } instanceId, DeviceIndex: 0 })
                _instancePrimaryInterface[instanceId] = eni.NetworkInterfaceId;
        }

        foreach (var reservation in Read(scope, ec2.Reservations, "Reservations", AwsCalls.DescribeInstances))
        foreach (var instance in reservation.Instances)
        {
            Name(instance.InstanceId, instance.Tags);
            if (!_instancePrimaryInterface.ContainsKey(instance.InstanceId) && instance.NetworkInterfaces.Count > 0)
                _instancePrimaryInterface[instance.InstanceId] = instance.NetworkInterfaces[0].NetworkInterfaceId;
        }

        foreach (var igw in Read(scope, ec2.InternetGateways, "InternetGateways", AwsCalls.DescribeInternetGateways))
        {
            Name(igw.InternetGatewayId, igw.Tags);
            foreach (var attachment in igw.Attachments)
                if (attachment.State is "available" or "attached")
                    Add(_internetGatewaysByVpc, attachment.VpcId, igw.InternetGatewayId);
        }

        foreach (var eigw in Read(scope, ec2.EgressOnlyInternetGateways, "EgressOnlyInternetGateways", AwsCalls.DescribeEgressOnlyInternetGateways))
        foreach (var attachment in eigw.Attachments)
            if (attachment.State is "available" or "attached")
                Add(_egressOnlyGatewaysByVpc, attachment.VpcId, eigw.EgressOnlyInternetGatewayId);

        if (ec2.ManagedPrefixLists.Peek(out var lists, out _))
            foreach (var list in lists)
            {
                if (!_prefixListScopes.ContainsKey(list.PrefixListId) || list.OwnerId == scope.AccountId) _prefixListScopes[list.PrefixListId] = scope;
                Name(list.PrefixListId, list.Tags);
            }

        foreach (var id in ec2.PrefixListEntries.Keys) _prefixListScopes.TryAdd(id, scope);
        var prefixLists = scope.Read<DescribePrefixListsOutput>(AwsCalls.DescribePrefixLists);
        foreach (var list in ReadDocument<DescribePrefixListsOutput, AwsPrefixList>(scope, AwsCalls.DescribePrefixLists, o => o.PrefixLists))
            if (list.Cidrs is { } cidrs) _awsPrefixLists.TryAdd(list.PrefixListId, (prefixLists, cidrs));
    }

    // ---- gaps ------------------------------------------------------------------------------------------

    /// <summary>The gap of one inventory ("NatGateways", "VpcPeeringConnections", ...) of one scope, if it was not collected;
    /// asking is consulting it (the run's evidence log and its reports list it).</summary>
    public DataGap? GapOf(ScopeSnapshot scope, string inventory)
    {
        if (_consult.TryGetValue((scope, inventory), out var consult)) consult();
        return _gaps.GetValueOrDefault((scope, inventory));
    }

    /// <summary>The first gap of an inventory in any scope (a lookup by id that failed may be explained by it).</summary>
    public DataGap? AnyGapOf(string inventory) => Scopes.Select(s => GapOf(s, inventory)).FirstOrDefault(g => g is not null);

    /// <summary>The gap of an inventory in the scope that holds a VPC (or, when the VPC is unknown, in any scope).</summary>
    public DataGap? GapFor(string? vpcId, string inventory) =>
        vpcId is not null && _vpcScope.TryGetValue(vpcId, out var scope) ? GapOf(scope, inventory) : AnyGapOf(inventory);

    private IReadOnlyList<T> Read<T>(ScopeSnapshot scope, Collected<IReadOnlyList<T>> collected, string name, AwsCall call)
    {
        // Peek, not TryGet: the model indexes every inventory up front; which of them a verdict rests on is what its question uses.
        _consult[(scope, name)] = collected.Consult;
        if (collected.Peek(out var items, out var gap)) return items;
        _gaps[(scope, name)] = gap with { File = gap.File ?? scope.PathOf(call.File) };
        return [];
    }

    private IReadOnlyList<TItem> ReadDocument<TOutput, TItem>(ScopeSnapshot scope, AwsCall call, Func<TOutput, IReadOnlyList<TItem>> items) where TOutput : class =>
        Read(scope, scope.Read<TOutput>(call).Select(items), NameOf(call), call);

    /// <summary>The inventory name of a catalog document the model reads whole: its operation ("DescribeTransitGatewayAttachments").</summary>
    public static string NameOf(AwsCall call) => call.Operation;

    // ---- lookups ---------------------------------------------------------------------------------------

    public Subnet? Subnet(string id) => _subnets.GetValueOrDefault(id);

    public Vpc? Vpc(string id) => _vpcs.GetValueOrDefault(id);

    /// <summary>The scope that holds a VPC (its owner's, when several list it).</summary>
    public ScopeSnapshot? ScopeOfVpc(string vpcId) => _vpcScope.GetValueOrDefault(vpcId);

    public SecurityGroup? Group(string id) => _groups.GetValueOrDefault(id);

    /// <summary>The VPC's default security group (named "default"), what AWS gives an interface created without groups.</summary>
    public string? DefaultGroupOf(string vpcId) => _groups.Values.FirstOrDefault(g => g.VpcId == vpcId && g.GroupName == "default")?.GroupId;

    public NetworkInterface? Interface(string id) => _interfaces.GetValueOrDefault(id);

    public IReadOnlyList<InterfaceAddress> AddressesOf(string interfaceId) =>
        _interfaceAddresses.TryGetValue(interfaceId, out var list) ? list : [];

    public IReadOnlyList<string> MembersOf(string groupId) => _interfacesByGroup.TryGetValue(groupId, out var list) ? list : [];

    /// <summary>Interfaces EC2 describes with exactly this text ("ELB app/NAME/ID").</summary>
    public IReadOnlyList<string> InterfacesDescribedAs(string description) =>
        _interfacesByDescription.TryGetValue(description, out var list) ? list : [];

    /// <summary>The interface a public IPv4 address (public IP or Elastic IP) is mapped to.</summary>
    public string? InterfaceWithPublicAddress(string address) => _publicAddressIndex.GetValueOrDefault(address);

    public string? PrimaryInterfaceOf(string instanceId) => _instancePrimaryInterface.GetValueOrDefault(instanceId);

    public NatGateway? NatGateway(string id) => _natGateways.GetValueOrDefault(id);

    public VpcEndpoint? Endpoint(string id) => _endpoints.GetValueOrDefault(id);

    public IEnumerable<VpcEndpoint> Endpoints => _endpoints.Values;

    public IEnumerable<NetworkInterface> Interfaces => _interfaces.Values;

    /// <summary>The Name tag of a resource, if it has one.</summary>
    public string? NameOf(string id) => _names.GetValueOrDefault(id);

    public bool InternetGatewayAttached(string vpcId, string gatewayId) =>
        _internetGatewaysByVpc.TryGetValue(vpcId, out var set) && set.Contains(gatewayId);

    public bool EgressOnlyGatewayAttached(string vpcId, string gatewayId) =>
        _egressOnlyGatewaysByVpc.TryGetValue(vpcId, out var set) && set.Contains(gatewayId);

    public IReadOnlyCollection<string> InternetGatewaysOf(string vpcId) =>
        _internetGatewaysByVpc.TryGetValue(vpcId, out var set) ? set : [];

    /// <summary>The subnet's route table: explicit association, else the VPC's main table.</summary>
    public (RouteTable Table, bool ViaMain)? RouteTableOf(Subnet subnet) =>
        _explicitTables.TryGetValue(subnet.SubnetId, out var own) ? (own, false)
        : _mainTables.TryGetValue(subnet.VpcId, out var main) ? (main, true)
        : null;

    /// <summary>The subnet's network ACL: explicit association, else the VPC's default ACL.</summary>
    public NetworkAcl? NetworkAclOf(Subnet subnet) =>
        _explicitAcls.TryGetValue(subnet.SubnetId, out var own) ? own : _defaultAcls.GetValueOrDefault(subnet.VpcId);

    /// <summary>Interfaces of one VPC holding a private address inside [lo, hi].</summary>
    public IEnumerable<(UInt128 Address, string InterfaceId)> InterfacesIn(string vpcId, AddressFamily family, UInt128 lo, UInt128 hi)
    {
        if (!_addressIndex.TryGetValue(vpcId, out var index)) yield break;
        var at = Array.BinarySearch(index, (family, lo, ""), AddressComparer.Instance);
        if (at < 0) at = ~at;
        for (; at < index.Length; at++)
        {
            var (f, value, id) = index[at];
            if (f != family || value > hi) yield break;
            if (value >= lo) yield return (value, id);
        }
    }

    /// <summary>
    /// A prefix list's CIDRs, read once: its entries (get-managed-prefix-list-entries, from the scope that owns it), else the
    /// CIDRs describe-prefix-lists gives for an AWS-managed list; otherwise the gap that keeps it unknown.
    /// </summary>
    public Collected<IReadOnlyList<Cidr>> PrefixList(string id, ScopeSnapshot? from = null) =>
        _prefixLists.GetOrAdd(id, key =>
        {
            // Select, not TryGet: the answer is consulted (and logged) by the question that uses it, not by this lookup.
            var scope = _prefixListScopes.GetValueOrDefault(key) ?? from ?? Scopes.FirstOrDefault();
            var entries = scope?.Ec2.EntriesOf(key, scope.Folder);
            // Entries that were collected but do not read are a gap, not a reason to trust another listing instead.
            if (entries is not null && (entries.Peek(out _, out var entriesGap) || entriesGap.ErrorCode == DataGap.MalformedEvidence))
                return entries.Select(listed => (IReadOnlyList<Cidr>)Parse(listed.Select(e => e.Cidr), out _));
            if (_awsPrefixLists.TryGetValue(key, out var listing))
                return listing.Document.Select(document => (IReadOnlyList<Cidr>)Parse(listing.Cidrs, out _));
            return entries?.Select(unread => (IReadOnlyList<Cidr>)[])
                   ?? Collected<IReadOnlyList<Cidr>>.Missing(DataGap.NotCollected("ec2", "GetManagedPrefixListEntries", AwsCalls.GetManagedPrefixListEntries.FileFor(key)));
        });

    private static List<Cidr> Parse(IEnumerable<string> texts, out List<string> unreadable)
    {
        var cidrs = new List<Cidr>();
        unreadable = [];
        foreach (var text in texts)
            if (Cidr.TryParse(text, out var cidr)) cidrs.Add(cidr);
            else unreadable.Add(text);
        return cidrs;
    }

    /// <summary>An ACL's entries of one direction and family in rule-number order, parsed once.</summary>
    public IReadOnlyList<AclRule> AclRules(NetworkAcl acl, bool egress, AddressFamily family) =>
        _aclRules.GetOrAdd((acl.NetworkAclId, egress, family), _ => acl.Entries
            .Where(e => e.Egress == egress)
            .OrderBy(e => e.RuleNumber)
            .Select(e => Cidr.TryParse(family == AddressFamily.InterNetworkV6 ? e.Ipv6CidrBlock : e.CidrBlock, out var cidr)
                ? new AclRule(e, cidr, Protocols.Parse(e.Protocol),
                    e.PortRange is { } range ? new Interval((UInt128)range.From, (UInt128)range.To) : null)
                : null)
            .OfType<AclRule>()
            .ToList());

    /// <summary>A route table's destinations of one family, prefix lists expanded, in AWS route priority order, computed once.</summary>
    public RouteCandidates RoutesOf(RouteTable table, AddressFamily family) =>
        _routeCandidates.GetOrAdd((table.RouteTableId, family), _ =>
        {
            var candidates = new List<RouteCandidate>();
            var unresolved = new List<(Route, DataGap)>();
            var scope = ScopeOfVpc(table.VpcId);
            for (var i = 0; i < table.Routes.Count; i++)
            {
                var route = table.Routes[i];
                var propagated = route.Origin == "EnableVgwRoutePropagation";
                if (route.DestinationPrefixListId is { } listId)
                {
                    if (PrefixList(listId, scope).TryGet(out var entries, out var gap))
                        candidates.AddRange(entries.Where(e => e.Family == family).Select(e => new RouteCandidate(e, propagated ? 2 : 1, i, route)));
                    else unresolved.Add((route, gap));
                }
                else if (Cidr.TryParse(route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock, out var cidr))
                {
                    if (cidr.Family == family) candidates.Add(new RouteCandidate(cidr, propagated ? 2 : 0, i, route));
                }
                else
                {
                    unresolved.Add((route, new DataGap("ec2", "DescribeRouteTables", $"route destination '{route.Destination}' is not a CIDR",
                        DataGap.MalformedEvidence, scope?.PathOf(AwsCalls.DescribeRouteTables.File))));
                }
            }

            return new RouteCandidates(
                candidates.OrderByDescending(c => c.Cidr.PrefixLength).ThenBy(c => c.Rank).ThenBy(c => c.Order).ToList(), unresolved);
        });

    /// <summary>A security group's rules turned into filter boxes, computed once per group.</summary>
    public CompiledGroup? Compiled(string groupId) =>
        Group(groupId) is { } group ? _compiledGroups.GetOrAdd(groupId, _ => CompiledGroup.Compile(group, this)) : null;

    /// <summary>Indexes items by id (the first scope that lists one wins: ids are global) with their Name tags.</summary>
    private void IndexById<T>(IEnumerable<T> items, Dictionary<string, T> index, Func<T, string> id, Func<T, IReadOnlyList<Tag>?> tags)
    {
        foreach (var item in items)
        {
            index.TryAdd(id(item), item);
            Name(id(item), tags(item));
        }
    }

    private void Name(string id, IReadOnlyList<Tag>? tags)
    {
        if (tags?.FirstOrDefault(t => t.Key == "Name") is { Value.Length: > 0 } name) _names.TryAdd(id, name.Value);
    }

    private static void Add<TCollection>(Dictionary<string, TCollection> index, string key, string value) where TCollection : ICollection<string>, new()
    {
        if (!index.TryGetValue(key, out var set)) index[key] = set = new TCollection();
        if (!set.Contains(value)) set.Add(value);
    }

    private sealed class AddressComparer : IComparer<(AddressFamily, UInt128, string)>
    {
        public static AddressComparer Instance { get; } = new();

        public int Compare((AddressFamily, UInt128, string) x, (AddressFamily, UInt128, string) y)
        {
            var byFamily = x.Item1.CompareTo(y.Item1);
            return byFamily != 0 ? byFamily : x.Item2.CompareTo(y.Item2);
        }
    }
}
