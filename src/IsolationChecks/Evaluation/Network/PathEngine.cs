using System.Net.Sockets;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Routing;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Network;

/// <summary>
/// Answers reachability questions over a <see cref="NetworkModel"/> by carrying sets of connections
/// (<see cref="FlowSet"/>) through every component on the way, hop by hop: security groups (stateful),
/// network ACLs (ordered, stateless, both directions), route tables (longest prefix match) and gateways.
/// Exhaustive over the query's addresses, protocols and ports: nothing is sampled.
/// </summary>
public sealed partial class PathEngine(NetworkModel model)
{
    private const int MaxGatewayHops = 4;

    public NetworkModel Model { get; } = model;

    public PathAnswer Ask(PathQuery query)
    {
        var trace = new Trace(query.Quantifier);
        if (ResolveSource(query.Source, trace) is { } source)
        {
            foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
            {
                var destinations = query.Destinations.Where(d => d.Family == family).ToList();
                if (destinations.Count == 0) continue;
                var serverRanges = query.InternetOnly
                    ? Intersect(destinations, InternetAddressSpace.Ranges(family))
                    : Merge(destinations.Select(Interval.Of));
                if (serverRanges.Count == 0) continue;
                var clients = source.Addresses(family);
                var label = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
                if (clients.Count == 0)
                {
                    trace.Block(source.Name, $"has no {label} address", $"{label} traffic", []);
                    continue;
                }

                var flows = new FlowSet(family, from c in clients
                    from s in serverRanges
                    select new FlowBox(query.Protocol, c, s, query.Ports, query.ClientPorts));
                var walk = new Walk([flows], [], [], source, query.Quantifier);
                if (source.Groups is { } groups && !ApplyGroups(walk, trace, groups, egress: true, source, $"{source.Name} security group egress"))
                    continue;
                RouteFrom(source, walk, trace, query, 0);
            }
        }

        return trace.Answer(query.Describe());
    }

    /// <summary>From an internet address to an interface, through the VPC's internet gateway and the interface's public address.</summary>
    public PathAnswer Ask(InboundQuery query)
    {
        var trace = new Trace(Quantifier.Any);
        var question = query.Describe();
        var interfaceId = query.ToInterfaceOrInstance.StartsWith("i-", StringComparison.Ordinal)
            ? Model.PrimaryInterfaceOf(query.ToInterfaceOrInstance)
            : query.ToInterfaceOrInstance;
        if (interfaceId is null || ResolveSource(new PathSource.Interface(interfaceId), trace) is not { } target)
        {
            if (interfaceId is null) trace.Unsupported(query.ToInterfaceOrInstance, "no network interface of this instance is in the snapshot", [], GapFile("NetworkInterfaces"));
            return trace.Answer(question);
        }

        var family = query.From.Family;
        var hops = new List<PathHop>();
        var gateways = Model.InternetGatewaysOf(target.Subnet.VpcId);
        if (Model.GapOf("InternetGateways") is { } igwGap)
        {
            trace.Unsupported("internet gateways", igwGap.Describe(), hops, igwGap.File);
            return trace.Answer(question);
        }

        if (gateways.Count == 0)
        {
            trace.Block(target.Subnet.VpcId, "has no internet gateway attached: nothing enters from the internet", query.From.ToString(), hops);
            return trace.Answer(question);
        }

        var gateway = gateways.First();
        hops.Add(new PathHop(gateway, $"internet gateway attached to {target.Subnet.VpcId}"));
        var reachable = family == AddressFamily.InterNetwork
            ? target.PublicAddresses.Select(a => (Interval.Single(a.Value), $"public IP {a.PublicIp} maps to {a.Text}")).ToList()
            : target.Addresses(family).Select(a => (a, $"IPv6 address {AddressRange.Describe(family, a.Lo, a.Hi)}")).ToList();
        if (reachable.Count == 0)
        {
            trace.Block(target.Name, family == AddressFamily.InterNetwork
                ? "has no public IPv4 address (no public IP, no Elastic IP): the internet gateway has nothing to translate to it"
                : "has no IPv6 address", query.From.ToString(), hops);
            return trace.Answer(question);
        }

        if (Model.EdgeAssociatedTables.Count > 0)
            trace.Unsupported(gateway, "a route table is associated with a gateway (ingress routing), which the engine does not model", hops, GapFile("RouteTables"));
        hops.Add(new PathHop(gateway, string.Join("; ", reachable.Select(r => r.Item2))));
        var flows = new FlowSet(family, reachable.Select(r => new FlowBox(query.Protocol, Interval.Of(query.From), r.Item1, query.Ports, query.ClientPorts)));
        var client = new Node("internet " + query.From, target.Subnet, null, [], []);
        var walk = new Walk([flows], [], hops, client, Quantifier.Any);
        if (!ApplyAcl(walk, trace, target.Subnet, egress: false, FlowDimension.Client, FlowDimension.ServerPort)) return trace.Answer(question);
        if (!ApplyGroups(walk, trace, target.Groups!, egress: false, client, $"{target.Name} security group ingress")) return trace.Answer(question);

        // The reply must leave through the same internet gateway, else the connection never completes.
        if (Model.RouteTableOf(target.Subnet) is not { } table)
        {
            trace.Unsupported(target.Subnet.SubnetId, "has no route table in the data (no association, no main table)", walk.Hops, GapFile("RouteTables"));
            return trace.Answer(question);
        }

        var byRoute = Partition(walk.Current, table.Table, FlowDimension.Client, trace, walk.Hops);
        foreach (var (route, part) in byRoute.Routed)
        {
            var kind = RouteTargets.Classify(route);
            var branch = walk.With(part, new PathHop(table.Table.RouteTableId, $"reply route {route.Destination} -> {route.Target}"));
            if (route.State == "blackhole" || kind != RouteTargetKind.InternetGateway || !Model.InternetGatewayAttached(target.Subnet.VpcId, route.Target))
            {
                trace.Block(table.Table.RouteTableId, $"routes the reply by {route.Destination} -> {route.Target} ({RouteTargets.Describe(kind)}), not through the internet gateway: the connection cannot complete",
                    part.Describe(FlowDimension.Client), walk.Hops);
                continue;
            }

            branch.Returns.Add(new ReturnStage(0, ReturnAcl(target.Subnet, egress: true, FlowDimension.Client, FlowDimension.ClientPort)));
            Finish(branch, trace, PathEnd.Interface, target.Name);
        }

        if (!byRoute.Unrouted.IsEmpty)
            trace.Block(table.Table.RouteTableId, "has no route for the reply", () => byRoute.Unrouted.Describe(FlowDimension.Client), walk.Hops);
        return trace.Answer(question);
    }

    // ---- sources -------------------------------------------------------------------------------------

    /// <summary>Where traffic originates: a subnet, the client addresses per family, the security groups (null for a NAT gateway).</summary>
    private sealed record Node(string Name, Subnet Subnet, IReadOnlyList<string>? Groups, IReadOnlyList<InterfaceAddress> Known,
        IReadOnlyList<Interval> SubnetRanges, string? InterfaceId = null)
    {
        public IReadOnlyList<Interval> Addresses(AddressFamily family) =>
        [
            .. Known.Where(a => a.Family == family).Select(a => Interval.Single(a.Value)),
            .. SubnetRanges.Where(r => (r.Hi > uint.MaxValue) == (family == AddressFamily.InterNetworkV6)),
        ];

        /// <summary>IPv4 addresses with a public IP mapped to them (an internet gateway can translate only those).</summary>
        public IEnumerable<InterfaceAddress> PublicAddresses => Known.Where(a => a.Family == AddressFamily.InterNetwork && a.PublicIp is not null);

        public bool Holds(string groupId) => Groups?.Contains(groupId) == true;
    }

    private Node? ResolveSource(PathSource source, Trace trace)
    {
        switch (source)
        {
            case PathSource.Instance instance:
                var primary = Model.PrimaryInterfaceOf(instance.InstanceId);
                if (primary is null)
                {
                    trace.Unsupported(instance.InstanceId, "no network interface of this instance is in the snapshot", [], GapFile("NetworkInterfaces"));
                    return null;
                }

                return ResolveSource(new PathSource.Interface(primary), trace);
            case PathSource.Interface eni:
                if (Model.Interface(eni.NetworkInterfaceId) is not { } networkInterface)
                {
                    trace.Unsupported(eni.NetworkInterfaceId, "is not in the snapshot's network interfaces", [], GapFile("NetworkInterfaces"));
                    return null;
                }

                if (networkInterface.SubnetId is null || Model.Subnet(networkInterface.SubnetId) is not { } eniSubnet)
                {
                    trace.Unsupported(eni.NetworkInterfaceId, $"its subnet {networkInterface.SubnetId} is not in the snapshot", [], GapFile("Subnets"));
                    return null;
                }

                return new Node(eni.NetworkInterfaceId, eniSubnet, (networkInterface.Groups ?? []).Select(g => g.GroupId).ToList(),
                    Model.AddressesOf(eni.NetworkInterfaceId), [], eni.NetworkInterfaceId);
            case PathSource.SubnetWithGroups build:
                if (Model.Subnet(build.SubnetId) is not { } subnet)
                {
                    trace.Unsupported(build.SubnetId, "is not in the snapshot's subnets", [], GapFile("Subnets"));
                    return null;
                }

                var ranges = new List<Interval>();
                if (Cidr.TryParse(subnet.CidrBlock, out var v4)) ranges.Add(Interval.Of(v4));
                foreach (var block in subnet.Ipv6CidrBlockAssociationSet ?? [])
                    if (Cidr.TryParse(block.Ipv6CidrBlock, out var v6)) ranges.Add(Interval.Of(v6));
                return new Node($"{build.SubnetId} (an interface with {string.Join(", ", build.SecurityGroupIds)})", subnet,
                    build.SecurityGroupIds, [], ranges);
            default:
                throw new ArgumentOutOfRangeException(nameof(source), source, null);
        }
    }

    // ---- routing -------------------------------------------------------------------------------------

    private void RouteFrom(Node node, Walk walk, Trace trace, PathQuery query, int depth)
    {
        if (depth > MaxGatewayHops)
        {
            trace.Unsupported(node.Name, $"the path crosses more than {MaxGatewayHops} gateways (a routing loop?)", walk.Hops);
            return;
        }

        if (Model.RouteTableOf(node.Subnet) is not { } effective)
        {
            trace.Unsupported(node.Subnet.SubnetId, $"has no explicit route table association and {node.Subnet.VpcId} has no main route table in the data",
                walk.Hops, GapFile("RouteTables"));
            return;
        }

        var table = effective.Table;
        var how = effective.ViaMain ? $"main route table of {node.Subnet.VpcId}, {node.Subnet.SubnetId} has no explicit association" : $"associated with {node.Subnet.SubnetId}";
        var partition = Partition(walk.Current, table, FlowDimension.Server, trace, walk.Hops);
        if (!partition.Unrouted.IsEmpty)
            trace.Block($"{table.RouteTableId} ({how})", "no route covers the destination", () => partition.Unrouted.Describe(), walk.Hops);
        foreach (var (route, part) in partition.Routed)
        {
            var kind = RouteTargets.Classify(route);
            var routeText = $"route {route.Destination} -> {route.Target} ({RouteTargets.Describe(kind)})";
            var branch = walk.With(part, new PathHop($"{table.RouteTableId} ({how})", routeText));
            if (route.State == "blackhole")
            {
                trace.Block(table.RouteTableId, $"{routeText} is a blackhole (its target no longer exists): traffic is dropped", () => part.Describe(), walk.Hops);
                continue;
            }

            var approved = query.ApprovedEgress?.Contains(route.Target) == true;
            switch (kind)
            {
                case RouteTargetKind.Local:
                    DeliverLocally(node, branch, trace, walk.Hops);
                    break;
                case RouteTargetKind.InternetGateway:
                    ToInternetGateway(node, route.Target, branch, trace);
                    break;
                case RouteTargetKind.EgressOnlyInternetGateway:
                    ToEgressOnlyGateway(node, route.Target, branch, trace);
                    break;
                case RouteTargetKind.NatGateway:
                    ThroughNatGateway(node, route.NatGatewayId ?? route.Target, branch, trace, query, depth);
                    break;
                case RouteTargetKind.GatewayEndpoint when route.DestinationPrefixListId is null:
                    // S3/DynamoDB gateway endpoints are routed by their prefix list; a vpce- target of a CIDR is a Gateway Load Balancer endpoint.
                    trace.Unsupported(table.RouteTableId, $"{routeText}: a Gateway Load Balancer endpoint (inspection appliance) is not modelled", branch.Hops, GapFile("RouteTables"));
                    break;
                case RouteTargetKind.GatewayEndpoint:
                    if (LeaveSubnet(node, branch, trace))
                        Finish(branch with { Hops = [.. branch.Hops, new PathHop(route.Target, "gateway VPC endpoint: delivered to the AWS service, not the internet")] },
                            trace, PathEnd.GatewayEndpoint, route.Target);
                    break;
                case RouteTargetKind.InstanceOrInterface or RouteTargetKind.TransitGateway or RouteTargetKind.PeeringConnection
                    or RouteTargetKind.VirtualPrivateGateway or RouteTargetKind.OtherGateway:
                    if (approved)
                    {
                        trace.Block(route.Target, $"{RouteTargets.Describe(kind)} is an approved egress (posture build.approvedEgress): treated as not leaving",
                            part.Describe(), branch.Hops);
                        break;
                    }

                    if (LeaveSubnet(node, branch, trace))
                        Finish(branch with
                        {
                            Hops = [.. branch.Hops, new PathHop(route.Target, $"{RouteTargets.Describe(kind)}: traffic leaves the VPC (what lies beyond is not modelled and counts as reachable)")],
                        }, trace, PathEnd.LeftVpc, route.Target);
                    break;
                default:
                    trace.Unsupported(table.RouteTableId, $"{routeText}: the engine does not model this target", branch.Hops, GapFile("RouteTables"));
                    break;
            }
        }
    }

    private sealed record Partitioned(IReadOnlyList<(Route Route, FlowSet Flows)> Routed, FlowSet Unrouted);

    /// <summary>
    /// Splits the flows by the route that carries them (AWS route priority): the longest prefix first; at equal
    /// length a static CIDR route before a prefix-list route before a propagated route. A blackhole route is a
    /// route like any other, so a more specific blackhole wins.
    /// </summary>
    private Partitioned Partition(FlowSet flows, RouteTable table, FlowDimension dimension, Trace trace, IReadOnlyList<PathHop> hops)
    {
        var candidates = Model.RoutesOf(table, flows.Family);
        foreach (var (route, gap) in candidates.Unresolved)
            trace.Unsupported(table.RouteTableId, $"route {route.DestinationPrefixListId} -> {route.Target}: the prefix list cannot be resolved ({gap.Describe()})", hops, gap.File);

        var routed = new Dictionary<int, (Route Route, List<FlowBox> Boxes)>();
        var remaining = flows;
        foreach (var candidate in candidates.Ordered)
        {
            if (remaining.IsEmpty) break;
            var range = Interval.Of(candidate.Cidr);
            var matched = remaining.Restrict(dimension, range);
            if (matched.IsEmpty) continue;
            if (!routed.TryGetValue(candidate.Order, out var entry)) routed[candidate.Order] = entry = (candidate.Route, []);
            entry.Boxes.AddRange(matched.Boxes);
            remaining = remaining.Subtract(FlowBox.Everything(flows.Family).With(dimension, range));
        }

        return new Partitioned(routed.OrderBy(r => r.Key).Select(r => (r.Value.Route, new FlowSet(flows.Family, r.Value.Boxes))).ToList(), remaining);
    }

    private void DeliverLocally(Node node, Walk walk, Trace trace, IReadOnlyList<PathHop> before)
    {
        var flows = walk.Current;
        var byInterface = new Dictionary<string, List<Interval>>(StringComparer.Ordinal);
        foreach (var box in flows.Boxes)
        foreach (var (address, id) in Model.InterfacesIn(flows.Family, box.Server.Lo, box.Server.Hi))
        {
            if (id == node.InterfaceId) continue;
            if (!byInterface.TryGetValue(id, out var list)) byInterface[id] = list = [];
            list.Add(Interval.Single(address));
        }

        var unheld = flows.Subtract(byInterface.Values.SelectMany(v => v).Select(i => FlowBox.Everything(flows.Family).With(FlowDimension.Server, i)));
        if (!unheld.IsEmpty)
            trace.Block(node.Subnet.VpcId, Model.GapOf("NetworkInterfaces") is { } gap
                ? $"no interface can be matched to the address ({gap.Describe()})"
                : "no network interface in the snapshot holds the destination address", unheld.Describe(), walk.Hops);

        foreach (var (id, addresses) in byInterface)
        {
            var eni = Model.Interface(id)!;
            if (eni.SubnetId is null || Model.Subnet(eni.SubnetId) is not { } subnet)
            {
                trace.Unsupported(id, $"its subnet {eni.SubnetId} is not in the snapshot", walk.Hops, GapFile("Subnets"));
                continue;
            }

            var branch = walk.With(walk.Current.Restrict(FlowDimension.Server, addresses), new PathHop(id,
                $"holds {string.Join(", ", addresses.Select(a => AddressRange.Describe(flows.Family, a.Lo, a.Hi)))} in {subnet.SubnetId}{Describe(eni)}"));
            if (subnet.SubnetId != node.Subnet.SubnetId)
            {
                if (!ApplyAcl(branch, trace, node.Subnet, egress: true, FlowDimension.Server, FlowDimension.ServerPort)) continue;
                if (!ApplyAcl(branch, trace, subnet, egress: false, FlowDimension.Client, FlowDimension.ServerPort)) continue;
                // Added in request order; Finish applies them in reverse, the order the replies travel.
                branch.Returns.Add(new ReturnStage(branch.Legs.Count - 1, ReturnAcl(node.Subnet, egress: false, FlowDimension.Server, FlowDimension.ClientPort)));
                branch.Returns.Add(new ReturnStage(branch.Legs.Count - 1, ReturnAcl(subnet, egress: true, FlowDimension.Client, FlowDimension.ClientPort)));
            }
            else branch.Hops.Add(new PathHop(subnet.SubnetId, "same subnet: network ACLs do not apply"));

            var groups = (eni.Groups ?? []).Select(g => g.GroupId).ToList();
            if (!ApplyGroups(branch, trace, groups, egress: false, branch.Source, $"{id} security group ingress")) continue;
            Finish(branch, trace, PathEnd.Interface, id);
        }
    }

    private static string Describe(NetworkInterface eni) =>
        eni.InterfaceType is { } type && type != "interface" ? $" ({type}{(eni.Description is { } d ? ": " + d : "")})"
        : eni.Description is { Length: > 0 } description ? $" ({description})" : "";

    private void ToInternetGateway(Node node, string gatewayId, Walk walk, Trace trace)
    {
        if (Model.GapOf("InternetGateways") is { } gap)
        {
            trace.Unsupported(gatewayId, $"cannot tell whether it is attached ({gap.Describe()})", walk.Hops, gap.File);
            return;
        }

        if (!Model.InternetGatewayAttached(node.Subnet.VpcId, gatewayId))
        {
            trace.Block(gatewayId, $"is not attached to {node.Subnet.VpcId}: traffic is dropped", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        if (!LeaveSubnet(node, walk, trace)) return;
        var flows = walk.Current;
        string translation;
        if (flows.Family == AddressFamily.InterNetwork)
        {
            var publicAddresses = node.PublicAddresses.ToList();
            var translatable = flows.Restrict(FlowDimension.Client, publicAddresses.Select(a => Interval.Single(a.Value)));
            var untranslatable = flows.Subtract(publicAddresses.Select(a => FlowBox.Everything(flows.Family).With(FlowDimension.Client, Interval.Single(a.Value))));
            if (!untranslatable.IsEmpty)
                trace.Block(gatewayId, $"{node.Name} has no public IPv4 address for {AddressRange.Describe(flows.Family, untranslatable.Boxes[0].Client.Lo, untranslatable.Boxes[0].Client.Hi)}: " +
                                       "an internet gateway only translates private addresses that have a public IP or Elastic IP", () => untranslatable.Describe(), walk.Hops);
            if (translatable.IsEmpty) return;
            walk = walk.With(translatable);
            translation = "translates " + string.Join(", ", publicAddresses.Select(a => $"{a.Text} to public IP {a.PublicIp}"));
        }
        else translation = "forwards IPv6 unchanged";

        Finish(walk with { Hops = [.. walk.Hops, new PathHop(gatewayId, $"internet gateway attached to {node.Subnet.VpcId}: {translation}")] },
            trace, PathEnd.Internet, gatewayId);
    }

    private void ToEgressOnlyGateway(Node node, string gatewayId, Walk walk, Trace trace)
    {
        if (walk.Current.Family == AddressFamily.InterNetwork)
        {
            trace.Block(gatewayId, "an egress-only internet gateway carries only IPv6", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        if (Model.GapOf("EgressOnlyInternetGateways") is { } gap)
        {
            trace.Unsupported(gatewayId, $"cannot tell whether it is attached ({gap.Describe()})", walk.Hops, gap.File);
            return;
        }

        if (!Model.EgressOnlyGatewayAttached(node.Subnet.VpcId, gatewayId))
        {
            trace.Block(gatewayId, $"is not attached to {node.Subnet.VpcId}: traffic is dropped", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        if (!LeaveSubnet(node, walk, trace)) return;
        Finish(walk with { Hops = [.. walk.Hops, new PathHop(gatewayId, $"egress-only internet gateway attached to {node.Subnet.VpcId}: IPv6 out, replies in")] },
            trace, PathEnd.Internet, gatewayId);
    }

    private void ThroughNatGateway(Node node, string natId, Walk walk, Trace trace, PathQuery query, int depth)
    {
        if (Model.GapOf("NatGateways") is { } gap)
        {
            trace.Unsupported(natId, gap.Describe(), walk.Hops, gap.File);
            return;
        }

        if (Model.NatGateway(natId) is not { } nat)
        {
            trace.Block(natId, "is not among the account's NAT gateways: the route is a blackhole", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        if (nat.State is not "available")
        {
            trace.Block(natId, $"is in state {nat.State ?? "(unknown)"}, not available: traffic is dropped", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        var flows = walk.Current;
        if (flows.Family == AddressFamily.InterNetworkV6)
        {
            var nat64 = Interval.Of(Cidr.Parse("64:ff9b::/96"));
            var translated = flows.Restrict(FlowDimension.Server, nat64);
            if (!translated.IsEmpty)
                trace.Unsupported(natId, "NAT64 (64:ff9b::/96 through a NAT gateway) is not modelled", walk.Hops);
            var rest = flows.Subtract(FlowBox.Everything(flows.Family).With(FlowDimension.Server, nat64));
            if (!rest.IsEmpty) trace.Block(natId, "a NAT gateway forwards IPv6 only for NAT64 (64:ff9b::/96)", () => rest.Describe(), walk.Hops);
            return;
        }

        if (nat.SubnetId is null || Model.Subnet(nat.SubnetId) is not { } natSubnet)
        {
            trace.Unsupported(natId, $"its subnet {nat.SubnetId} is not in the snapshot", walk.Hops, GapFile("Subnets"));
            return;
        }

        var addresses = (nat.NatGatewayAddresses ?? []).Where(a => a.PrivateIp is not null).ToList();
        var natAddresses = addresses
            .Select(a => NetworkModel.TryParseAddress(a.PrivateIp!, out var family, out var value)
                ? new InterfaceAddress(family, value, a.PrivateIp!, nat.ConnectivityType == "private" ? null : a.PublicIp)
                : null)
            .OfType<InterfaceAddress>().ToList();
        if (natAddresses.Count == 0)
        {
            trace.Unsupported(natId, "has no private address in the data", walk.Hops, GapFile("NatGateways"));
            return;
        }

        if (natSubnet.SubnetId != node.Subnet.SubnetId)
        {
            if (!ApplyAcl(walk, trace, node.Subnet, egress: true, FlowDimension.Server, FlowDimension.ServerPort)) return;
            if (!ApplyAcl(walk, trace, natSubnet, egress: false, FlowDimension.Client, FlowDimension.ServerPort)) return;
            walk.Returns.Add(new ReturnStage(walk.Legs.Count - 1, ReturnAcl(node.Subnet, egress: false, FlowDimension.Server, FlowDimension.ClientPort)));
            walk.Returns.Add(new ReturnStage(walk.Legs.Count - 1, ReturnAcl(natSubnet, egress: true, FlowDimension.Client, FlowDimension.ClientPort)));
        }

        var publicText = string.Join(", ", natAddresses.Select(a => a.PublicIp is null ? a.Text : $"{a.Text} (public {a.PublicIp})"));
        var natNode = new Node($"{natId} ({nat.ConnectivityType ?? "public"} NAT gateway)", natSubnet, null, natAddresses, []);
        var translatedFlows = new FlowSet(flows.Family, from b in flows.Boxes
            from a in natAddresses
            select b with { Client = Interval.Single(a.Value), ClientPort = PathQuery.EphemeralPorts });
        var next = new Walk([.. walk.Legs, translatedFlows], [.. walk.Returns],
            [.. walk.Hops, new PathHop(natId, $"NAT gateway in {natSubnet.SubnetId}, state available: translates the source to {publicText}")], walk.Source, walk.Quantifier);
        RouteFrom(natNode, next, trace, query, depth + 1);
    }

    /// <summary>Traffic leaving the node's subnet: its network ACL outbound now, inbound for the replies.</summary>
    private bool LeaveSubnet(Node node, Walk walk, Trace trace)
    {
        if (!ApplyAcl(walk, trace, node.Subnet, egress: true, FlowDimension.Server, FlowDimension.ServerPort)) return false;
        walk.Returns.Add(new ReturnStage(walk.Legs.Count - 1, ReturnAcl(node.Subnet, egress: false, FlowDimension.Server, FlowDimension.ClientPort)));
        return true;
    }
}
