using System.Net;
using System.Net.Sockets;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

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
/// The network of one account and region, indexed by id so that a query costs only what its path touches.
/// Built once per snapshot scope; read-only afterwards.
/// </summary>
public sealed class NetworkModel
{
    private readonly Dictionary<string, Subnet> _subnets;
    private readonly Dictionary<string, Vpc> _vpcs;
    private readonly Dictionary<string, RouteTable> _explicitTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteTable> _mainTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkAcl> _explicitAcls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkAcl> _defaultAcls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SecurityGroup> _groups;
    private readonly Dictionary<string, NetworkInterface> _interfaces;
    private readonly Dictionary<string, List<InterfaceAddress>> _interfaceAddresses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _interfacesByGroup = new(StringComparer.Ordinal);
    private readonly (AddressFamily Family, UInt128 Value, string InterfaceId)[] _addressIndex;
    private readonly Dictionary<string, string> _instancePrimaryInterface = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NatGateway> _natGateways;
    private readonly Dictionary<string, HashSet<string>> _internetGatewaysByVpc = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _egressOnlyGatewaysByVpc = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VpcEndpoint> _endpoints;
    private readonly Dictionary<string, CompiledGroup> _compiledGroups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Collected<IReadOnlyList<Cidr>>> _prefixLists = new(StringComparer.Ordinal);
    private readonly Lock _cacheLock = new();
    private readonly Dictionary<string, Action> _consult = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, bool, AddressFamily), IReadOnlyList<AclRule>> _aclRules = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, AddressFamily), RouteCandidates> _routeCandidates = new();

    private NetworkModel(ScopeSnapshot scope)
    {
        Scope = scope;
        var ec2 = scope.Ec2;
        _subnets = Index(ec2.Subnets, nameof(ec2.Subnets), AwsCalls.DescribeSubnets.File, s => s.SubnetId);
        _vpcs = Index(ec2.Vpcs, nameof(ec2.Vpcs), AwsCalls.DescribeVpcs.File, v => v.VpcId);
        _groups = Index(ec2.SecurityGroups, nameof(ec2.SecurityGroups), AwsCalls.DescribeSecurityGroups.File, g => g.GroupId);
        _interfaces = Index(ec2.NetworkInterfaces, nameof(ec2.NetworkInterfaces), AwsCalls.DescribeNetworkInterfaces.File, n => n.NetworkInterfaceId);
        _natGateways = Index(ec2.NatGateways, nameof(ec2.NatGateways), AwsCalls.DescribeNatGateways.File, n => n.NatGatewayId);
        _endpoints = Index(ec2.VpcEndpoints, nameof(ec2.VpcEndpoints), AwsCalls.DescribeVpcEndpoints.File, e => e.VpcEndpointId);

        foreach (var table in Read(ec2.RouteTables, nameof(ec2.RouteTables), AwsCalls.DescribeRouteTables.File))
        foreach (var association in table.Associations ?? [])
        {
            if (association.AssociationState?.State is not (null or "associated")) continue;
            if (association.SubnetId is { } subnetId) _explicitTables[subnetId] = table;
            else if (association.Main == true) _mainTables[table.VpcId] = table;
            else if (association.GatewayId is not null) EdgeAssociatedTables.Add(table.RouteTableId);
        }

        foreach (var acl in Read(ec2.NetworkAcls, nameof(ec2.NetworkAcls), AwsCalls.DescribeNetworkAcls.File))
        {
            if (acl.IsDefault == true) _defaultAcls[acl.VpcId] = acl;
            foreach (var association in acl.Associations ?? [])
                if (association.SubnetId is { } subnetId) _explicitAcls[subnetId] = acl;
        }

        var elasticIps = Read(ec2.Addresses, nameof(ec2.Addresses), AwsCalls.DescribeAddresses.File)
            .Where(a => a is { NetworkInterfaceId: not null, PrivateIpAddress: not null, PublicIp: not null })
            .ToDictionary(a => (a.NetworkInterfaceId!, a.PrivateIpAddress!), a => a.PublicIp!);
        var addressIndex = new List<(AddressFamily, UInt128, string)>();
        foreach (var eni in _interfaces.Values)
        {
            var addresses = new List<InterfaceAddress>();
            var privateIps = eni.PrivateIpAddresses is { Count: > 0 } list
                ? list.Select(p => ((string?)p.PrivateIpAddress, p.Association?.PublicIp))
                : [(eni.PrivateIpAddress, eni.Association?.PublicIp)];
            foreach (var (ip, publicIp) in privateIps)
            {
                if (!Cidr.TryParse(ip, out var cidr)) continue;
                var mapped = publicIp ?? elasticIps.GetValueOrDefault((eni.NetworkInterfaceId, ip!));
                addresses.Add(new InterfaceAddress(cidr.Family, cidr.First, ip!, mapped));
            }

            foreach (var v6 in eni.Ipv6Addresses ?? [])
                if (Cidr.TryParse(v6.Ipv6Address, out var cidr))
                    addresses.Add(new InterfaceAddress(cidr.Family, cidr.First, v6.Ipv6Address!, v6.Ipv6Address));
            _interfaceAddresses[eni.NetworkInterfaceId] = addresses;
            foreach (var a in addresses) addressIndex.Add((a.Family, a.Value, eni.NetworkInterfaceId));
            foreach (var group in eni.Groups ?? [])
            {
                if (!_interfacesByGroup.TryGetValue(group.GroupId, out var members))
                    _interfacesByGroup[group.GroupId] = members = [];
                members.Add(eni.NetworkInterfaceId);
            }

            if (eni.Attachment is { InstanceId: { } instanceId, DeviceIndex: 0 })
                _instancePrimaryInterface[instanceId] = eni.NetworkInterfaceId;
        }

        _addressIndex = addressIndex.OrderBy(a => a.Item1).ThenBy(a => a.Item2).ToArray();
        foreach (var reservation in Read(ec2.Reservations, nameof(ec2.Reservations), AwsCalls.DescribeInstances.File))
        foreach (var instance in reservation.Instances ?? [])
            if (!_instancePrimaryInterface.ContainsKey(instance.InstanceId) && instance.NetworkInterfaces is { Count: > 0 } enis)
                _instancePrimaryInterface[instance.InstanceId] = enis[0].NetworkInterfaceId;

        foreach (var igw in Read(ec2.InternetGateways, nameof(ec2.InternetGateways), AwsCalls.DescribeInternetGateways.File))
        foreach (var attachment in igw.Attachments ?? [])
            if (attachment is { VpcId: { } vpcId, State: null or "available" or "attached" })
                Add(_internetGatewaysByVpc, vpcId, igw.InternetGatewayId);
        foreach (var eigw in Read(ec2.EgressOnlyInternetGateways, nameof(ec2.EgressOnlyInternetGateways), AwsCalls.DescribeEgressOnlyInternetGateways.File))
        foreach (var attachment in eigw.Attachments ?? [])
            if (attachment is { VpcId: { } vpcId, State: null or "available" or "attached" })
                Add(_egressOnlyGatewaysByVpc, vpcId, eigw.EgressOnlyInternetGatewayId);
    }

    public ScopeSnapshot Scope { get; }

    /// <summary>Inventories that were not collected, by name (e.g. "NatGateways"): a query that needs one is inconclusive.</summary>
    public Dictionary<string, DataGap> Gaps { get; } = new(StringComparer.Ordinal);

    /// <summary>Route tables associated with a gateway (ingress routing), which the engine does not model.</summary>
    public HashSet<string> EdgeAssociatedTables { get; } = new(StringComparer.Ordinal);

    public static NetworkModel Build(ScopeSnapshot scope) => new(scope);

    public string PathOf(string layoutFile) => Scope.PathOf(layoutFile);

    /// <summary>The gap of an inventory a question needs; asking is consulting it (the run's evidence log and its reports list it).</summary>
    public DataGap? GapOf(string inventory)
    {
        if (_consult.TryGetValue(inventory, out var consult))
            consult();
        return Gaps.GetValueOrDefault(inventory);
    }

    public Subnet? Subnet(string id) => _subnets.GetValueOrDefault(id);

    public Vpc? Vpc(string id) => _vpcs.GetValueOrDefault(id);

    public SecurityGroup? Group(string id) => _groups.GetValueOrDefault(id);

    public NetworkInterface? Interface(string id) => _interfaces.GetValueOrDefault(id);

    public IReadOnlyList<InterfaceAddress> AddressesOf(string interfaceId) =>
        _interfaceAddresses.TryGetValue(interfaceId, out var list) ? list : [];

    public IReadOnlyList<string> MembersOf(string groupId) => _interfacesByGroup.TryGetValue(groupId, out var list) ? list : [];

    public string? PrimaryInterfaceOf(string instanceId) => _instancePrimaryInterface.GetValueOrDefault(instanceId);

    public NatGateway? NatGateway(string id) => _natGateways.GetValueOrDefault(id);

    public VpcEndpoint? Endpoint(string id) => _endpoints.GetValueOrDefault(id);

    public IEnumerable<VpcEndpoint> Endpoints => _endpoints.Values;

    public IEnumerable<NetworkInterface> Interfaces => _interfaces.Values;

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

    /// <summary>Interfaces holding a private address inside [lo, hi].</summary>
    public IEnumerable<(UInt128 Address, string InterfaceId)> InterfacesIn(AddressFamily family, UInt128 lo, UInt128 hi)
    {
        var index = Array.BinarySearch(_addressIndex, (family, lo, ""), AddressComparer.Instance);
        if (index < 0) index = ~index;
        for (; index < _addressIndex.Length; index++)
        {
            var (f, value, id) = _addressIndex[index];
            if (f != family || value > hi) yield break;
            if (value >= lo) yield return (value, id);
        }
    }

    /// <summary>A prefix list's CIDRs, read once.</summary>
    public Collected<IReadOnlyList<Cidr>> PrefixList(string id)
    {
        lock (_cacheLock)
        {
            if (_prefixLists.TryGetValue(id, out var cached)) return cached;
            var resolved = Scope.Ec2.EntriesOf(id, Scope.Folder).Select<IReadOnlyList<Cidr>>(entries =>
                entries.Select(e => Cidr.TryParse(e.Cidr, out var c) ? c : null).OfType<Cidr>().ToList());
            _prefixLists[id] = resolved;
            return resolved;
        }
    }

    /// <summary>An ACL's entries of one direction and family in rule-number order, parsed once.</summary>
    public IReadOnlyList<AclRule> AclRules(NetworkAcl acl, bool egress, AddressFamily family) =>
        _aclRules.GetOrAdd((acl.NetworkAclId, egress, family), _ => (acl.Entries ?? [])
            .Where(e => e.Egress == egress)
            .OrderBy(e => e.RuleNumber)
            .Select(e => Cidr.TryParse(family == AddressFamily.InterNetworkV6 ? e.Ipv6CidrBlock : e.CidrBlock, out var cidr)
                ? new AclRule(e, cidr, Protocols.Parse(e.Protocol),
                    e.PortRange is { From: { } from, To: { } to } ? new Interval((UInt128)from, (UInt128)to) : null)
                : null)
            .OfType<AclRule>()
            .ToList());

    /// <summary>A route table's destinations of one family, prefix lists expanded, in AWS route priority order, computed once.</summary>
    public RouteCandidates RoutesOf(RouteTable table, AddressFamily family) =>
        _routeCandidates.GetOrAdd((table.RouteTableId, family), _ =>
        {
            var candidates = new List<RouteCandidate>();
            var unresolved = new List<(Route, DataGap)>();
            var routes = table.Routes ?? [];
            for (var i = 0; i < routes.Count; i++)
            {
                var route = routes[i];
                var propagated = route.Origin == "EnableVgwRoutePropagation";
                if (Cidr.TryParse(route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock, out var cidr))
                {
                    if (cidr.Family == family) candidates.Add(new RouteCandidate(cidr, propagated ? 2 : 0, i, route));
                }
                else if (route.DestinationPrefixListId is { } listId)
                {
                    if (PrefixList(listId).TryGet(out var entries, out var gap))
                        candidates.AddRange(entries.Where(e => e.Family == family).Select(e => new RouteCandidate(e, propagated ? 2 : 1, i, route)));
                    else unresolved.Add((route, gap));
                }
            }

            return new RouteCandidates(
                candidates.OrderByDescending(c => c.Cidr.PrefixLength).ThenBy(c => c.Rank).ThenBy(c => c.Order).ToList(), unresolved);
        });

    /// <summary>A security group's rules turned into filter boxes, computed once per group.</summary>
    public CompiledGroup? Compiled(string groupId)
    {
        lock (_cacheLock)
        {
            if (_compiledGroups.TryGetValue(groupId, out var cached)) return cached;
        }

        if (Group(groupId) is not { } group) return null;
        var compiled = CompiledGroup.Compile(group, this);
        lock (_cacheLock) _compiledGroups[groupId] = compiled;
        return compiled;
    }

    private Dictionary<string, T> Index<T>(Collected<IReadOnlyList<T>> collected, string name, string file, Func<T, string> key)
    {
        var index = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in Read(collected, name, file)) index[key(item)] = item;
        return index;
    }

    // Peek, not TryGet: the model indexes every inventory up front; which of them a verdict rests on is what its question uses.
    private IReadOnlyList<T> Read<T>(Collected<IReadOnlyList<T>> collected, string name, string file)
    {
        _consult[name] = collected.Consult;
        if (collected.Peek(out var items, out var gap)) return items;
        Gaps[name] = gap with { File = gap.File ?? PathOf(file) };
        return [];
    }

    private static void Add(Dictionary<string, HashSet<string>> index, string key, string value)
    {
        if (!index.TryGetValue(key, out var set)) index[key] = set = new HashSet<string>(StringComparer.Ordinal);
        set.Add(value);
    }

    public static bool TryParseAddress(string text, out AddressFamily family, out UInt128 value)
    {
        family = default;
        value = default;
        if (!IPAddress.TryParse(text, out _) || !Cidr.TryParse(text, out var cidr)) return false;
        family = cidr.Family;
        value = cidr.First;
        return true;
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
