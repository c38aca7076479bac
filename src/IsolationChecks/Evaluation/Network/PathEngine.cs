using System.Collections.Immutable;
using System.Net.Sockets;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Routing;

namespace IsolationChecks.Evaluation.Network;

/// <summary>
/// Answers reachability questions over a <see cref="NetworkModel"/> by carrying sets of connections
/// (<see cref="FlowSet"/>) through every component on the way, hop by hop: security groups (stateful),
/// network ACLs (ordered, stateless, both directions), route tables (longest prefix match), gateways, peering
/// connections, transit gateways and load balancers, across every account and region of the snapshot.
/// Exhaustive over the query's addresses, protocols and ports: nothing is sampled.
/// </summary>
public sealed partial class PathEngine(NetworkModel model)
{
    /// <summary>Gateways, transit gateways and peering hops one path may cross before the engine gives up (a longer path is inconclusive).</summary>
    private const int MaxGatewayHops = 8;

    public NetworkModel Model { get; } = model;

    public PathAnswer Ask(PathQuery query)
    {
        var trace = new Trace(query.Quantifier, query.RequestOnly);
        if (ResolveSource(query.Source, trace) is { } source)
            Explore(source, query, trace, entry: null);
        return trace.Answer(query.Describe());
    }

    /// <summary>Carries the query's connections from <paramref name="source"/> through its groups and routes, both families.</summary>
    /// <param name="clients">The client addresses when they are not the source's own (traffic that entered from outside keeps its source).</param>
    private void Explore(Node source, PathQuery query, Trace trace, string? entry, IReadOnlyList<PathHop>? before = null, CidrSet? clients = null)
    {
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            var destinations = query.Destinations.Where(d => d.Family == family).ToList();
            if (destinations.Count == 0) continue;
            var serverRanges = query.InternetOnly
                ? Intervals(CidrSet.Of(destinations).Intersect(InternetAddressSpace.Set(family)), family)
                : Intervals(CidrSet.Of(destinations), family);
            if (serverRanges.Count == 0) continue;
            var clientRanges = clients is null ? source.Addresses(family) : Intervals(clients, family);
            var label = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
            if (clientRanges.Count == 0)
            {
                trace.Block(source.Name, $"has no {label} address", $"{label} traffic", before ?? []);
                continue;
            }

            var flows = new FlowSet(family, from c in clientRanges
                from s in serverRanges
                select new FlowBox(query.Protocol, c, s, query.Ports, query.ClientPorts));
            var walk = new Walk([flows], [], [.. before ?? []], source, query.Quantifier, ImmutableHashSet<string>.Empty, source.Subnet, entry);
            if (source.Groups is { } groups && !ApplyGroups(walk, trace, groups, egress: true, source, $"{source.Name} security group egress"))
                continue;
            RouteFrom(source, walk, trace, query, 0);
        }
    }

    // ---- sources -------------------------------------------------------------------------------------

    /// <summary>Where traffic originates: a subnet, the client addresses per family, the security groups (null: none filter it).</summary>
    /// <param name="TransitGateway">A transit gateway's interface: its subnet's network ACL applies even to traffic within the subnet.</param>
    private sealed record Node(string Name, Subnet Subnet, IReadOnlyList<string>? Groups, IReadOnlyList<InterfaceAddress> Known,
        IReadOnlyList<Interval> SubnetRanges, string? InterfaceId = null, bool TransitGateway = false)
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
                    trace.Unsupported(instance.InstanceId, "no network interface of this instance is in the snapshot", [], GapFile(null, "NetworkInterfaces"));
                    return null;
                }

                return ResolveSource(new PathSource.Interface(primary), trace);
            case PathSource.Interface eni:
                return InterfaceNode(eni.NetworkInterfaceId, trace, []);
            case PathSource.SubnetWithGroups build:
                if (Model.Subnet(build.SubnetId) is not { } subnet)
                {
                    trace.Unsupported(build.SubnetId, "is not in the snapshot's subnets", [], GapFile(null, "Subnets"));
                    return null;
                }

                return SubnetNode(subnet, build.SecurityGroupIds, $"{build.SubnetId} (an interface with {string.Join(", ", build.SecurityGroupIds)})");
            default:
                throw new ArgumentOutOfRangeException(nameof(source), source, null);
        }
    }

    /// <summary>Any address of a subnet, with these groups (a build interface, a Client VPN association).</summary>
    private static Node SubnetNode(Subnet subnet, IReadOnlyList<string> groups, string name)
    {
        var ranges = new List<Interval>();
        if (Cidr.TryParse(subnet.CidrBlock, out var v4)) ranges.Add(Interval.Of(v4));
        foreach (var block in subnet.Ipv6CidrBlockAssociationSet)
            if (Cidr.TryParse(block.Ipv6CidrBlock, out var v6)) ranges.Add(Interval.Of(v6));
        return new Node(name, subnet, groups, [], ranges);
    }

    /// <summary>An existing interface: its subnet, addresses and groups; null (with the reason traced) when the data lacks it.</summary>
    private Node? InterfaceNode(string interfaceId, Trace trace, IReadOnlyList<PathHop> before)
    {
        if (Model.Interface(interfaceId) is not { } networkInterface)
        {
            trace.Unsupported(interfaceId, "is not in the snapshot's network interfaces", before, GapFile(null, "NetworkInterfaces"));
            return null;
        }

        if (Model.Subnet(networkInterface.SubnetId) is not { } subnet)
        {
            trace.Unsupported(interfaceId, $"its subnet {networkInterface.SubnetId} is not in the snapshot", before, GapFile(networkInterface.VpcId, "Subnets"));
            return null;
        }

        // A service-managed interface without groups (a network load balancer without security groups, a NAT gateway) filters nothing itself.
        IReadOnlyList<string>? groups = networkInterface.Groups.Count == 0 && networkInterface.InterfaceType != "interface"
            ? null
            : networkInterface.Groups.Select(g => g.GroupId).ToList();
        return new Node(interfaceId, subnet, groups, Model.AddressesOf(interfaceId), [], interfaceId);
    }

    // ---- routing -------------------------------------------------------------------------------------

    private void RouteFrom(Node node, Walk walk, Trace trace, PathQuery query, int depth)
    {
        if (depth > MaxGatewayHops)
        {
            trace.Unsupported(node.Name, $"the path crosses more than {MaxGatewayHops} gateways", walk.Hops);
            return;
        }

        if (Model.RouteTableOf(node.Subnet) is not { } effective)
        {
            trace.Unsupported(node.Subnet.SubnetId, $"has no explicit route table association and {node.Subnet.VpcId} has no main route table in the data",
                walk.Hops, GapFile(node.Subnet.VpcId, "RouteTables"));
            return;
        }

        var table = effective.Table;
        if (walk.Visited.Contains(table.RouteTableId))
        {
            trace.Block(table.RouteTableId, "routing loop: the traffic comes back to this route table with the same destinations (dropped when its TTL runs out)",
                () => walk.Current.Describe(), walk.Hops);
            return;
        }

        walk = walk with { Visited = walk.Visited.Add(table.RouteTableId) };

        var how = effective.ViaMain ? $"main route table of {node.Subnet.VpcId}, {node.Subnet.SubnetId} has no explicit association" : $"associated with {node.Subnet.SubnetId}";
        var tableText = $"{table.RouteTableId} ({how})";
        var partition = Partition(walk.Current, table.RouteTableId, Model.RoutesOf(table, walk.Current.Family), FlowDimension.Server, trace, walk.Hops, GapFile(table.VpcId, "RouteTables"));
        if (!partition.Unrouted.IsEmpty)
            trace.Block(tableText, "no route covers the destination", () => partition.Unrouted.Describe(), walk.Hops);
        foreach (var (route, part) in partition.Routed)
        {
            var kind = RouteTargets.Classify(route);
            var routeText = $"route {route.Destination} -> {route.Target} ({RouteTargets.Describe(kind)})";
            var branch = walk.With(part, new PathHop(tableText, routeText, Model.NameOf(table.RouteTableId)));
            if (route.State == "blackhole")
            {
                trace.Block(table.RouteTableId, $"{routeText} is a blackhole (its target no longer exists): traffic is dropped", () => part.Describe(), walk.Hops);
                continue;
            }

            if (query.ApprovedEgress?.Contains(route.Target) == true && kind is not (RouteTargetKind.Local or RouteTargetKind.GatewayEndpoint))
            {
                if (LeaveSubnet(node, branch, trace))
                    Finish(branch, trace, PathEnd.ApprovedExit, route.Target, $"{RouteTargets.Describe(kind)} {route.Target}, an approved exit (posture build.approvedEgress): not followed further");
                continue;
            }

            switch (kind)
            {
                case RouteTargetKind.Local:
                    DeliverLocally(node, branch, trace);
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
                    trace.Unsupported(table.RouteTableId, $"{routeText}: a Gateway Load Balancer endpoint (inspection appliance) is not modelled", branch.Hops, GapFile(table.VpcId, "RouteTables"));
                    break;
                case RouteTargetKind.GatewayEndpoint:
                    if (LeaveSubnet(node, branch, trace))
                        Finish(branch.With(branch.Current, Hop(route.Target, "gateway VPC endpoint: delivered to the AWS service, not the internet")),
                            trace, PathEnd.GatewayEndpoint, route.Target);
                    break;
                case RouteTargetKind.PeeringConnection:
                    ThroughPeering(node, route.VpcPeeringConnectionId!, branch, trace, query, depth);
                    break;
                case RouteTargetKind.TransitGateway:
                    ThroughTransitGateway(node, route.TransitGatewayId!, branch, trace, query, depth);
                    break;
                case RouteTargetKind.VirtualPrivateGateway:
                    ThroughVpnGateway(node, route.Target, branch, trace, query);
                    break;
                case RouteTargetKind.InstanceOrInterface:
                    if (LeaveSubnet(node, branch, trace))
                        Finish(branch, trace, PathEnd.Edge, route.Target,
                            $"{route.Target} is an appliance (NAT instance, firewall): what it forwards is not modelled",
                            $"whatever {route.Target} forwards to (not modelled)");
                    break;
                case RouteTargetKind.OtherGateway:
                    if (LeaveSubnet(node, branch, trace))
                        Finish(branch, trace, PathEnd.Edge, route.Target, $"{RouteTargets.Describe(kind)}: the network beyond is not in the snapshot",
                            $"the network behind {route.Target} (Outposts, Wavelength or Cloud WAN; not modelled)");
                    break;
                default:
                    trace.Unsupported(table.RouteTableId, $"{routeText}: the engine does not model this target", branch.Hops, GapFile(table.VpcId, "RouteTables"));
                    break;
            }
        }
    }

    private sealed record Partitioned<TRoute>(IReadOnlyList<(TRoute Route, FlowSet Flows)> Routed, FlowSet Unrouted);

    /// <summary>One destination of a route table (VPC or transit gateway) in priority order.</summary>
    private sealed record Destination<TRoute>(Cidr Cidr, int Order, TRoute Route);

    private Partitioned<Route> Partition(FlowSet flows, string tableId, RouteCandidates candidates, FlowDimension dimension, Trace trace, IReadOnlyList<PathHop> hops, string? file) =>
        Partition(flows, tableId, candidates.Ordered.Select(c => new Destination<Route>(c.Cidr, c.Order, c.Route)).ToList(),
            candidates.Unresolved.Select(u => ($"route {u.Route.Destination} -> {u.Route.Target}", u.Gap)).ToList(), dimension, trace, hops, file);

    /// <summary>
    /// Splits the flows by the route that carries them: the longest prefix first, then the table's own priority (the
    /// destinations arrive ordered). A blackhole route is a route like any other, so a more specific blackhole wins.
    /// A destination that cannot be resolved (a prefix list whose entries were not collected) could be more specific
    /// than any known route, so every flow the table routes is undecided, except those a host route (/32, /128) decides.
    /// </summary>
    private static Partitioned<TRoute> Partition<TRoute>(FlowSet flows, string tableId, IReadOnlyList<Destination<TRoute>> destinations,
        IReadOnlyList<(string Route, Snapshots.DataGap Gap)> unresolved, FlowDimension dimension, Trace trace, IReadOnlyList<PathHop> hops, string? file)
    {
        var routed = new Dictionary<int, (TRoute Route, List<FlowBox> Boxes)>();
        var remaining = flows;
        var width = flows.Family == AddressFamily.InterNetwork ? 32 : 128;
        foreach (var candidate in destinations)
        {
            if (remaining.IsEmpty) break;
            if (unresolved.Count > 0 && candidate.Cidr.PrefixLength < width) break;
            var range = Interval.Of(candidate.Cidr);
            var matched = remaining.Restrict(dimension, range);
            if (matched.IsEmpty) continue;
            if (!routed.TryGetValue(candidate.Order, out var entry)) routed[candidate.Order] = entry = (candidate.Route, []);
            entry.Boxes.AddRange(matched.Boxes);
            remaining = remaining.Subtract(FlowBox.Everything(flows.Family).With(dimension, range));
        }

        if (unresolved.Count > 0 && !remaining.IsEmpty)
        {
            foreach (var (route, gap) in unresolved)
                trace.Unsupported(tableId, $"{route}: its destination cannot be resolved ({gap.Describe()}), and it may be more specific than any other route for {remaining.Describe(dimension)}",
                    hops, gap.File ?? file);
            remaining = FlowSet.Empty(flows.Family);
        }

        return new Partitioned<TRoute>(routed.OrderBy(r => r.Key).Select(r => (r.Value.Route, new FlowSet(flows.Family, r.Value.Boxes))).ToList(), remaining);
    }

    /// <summary>The local route: delivered to the interface of the node's VPC that holds the destination.</summary>
    private void DeliverLocally(Node node, Walk walk, Trace trace) => Deliver(node.Subnet.VpcId, node, walk, trace);

    /// <summary>
    /// Delivers to the interfaces of a VPC that hold the destinations. With a <paramref name="from"/> node the traffic left a
    /// subnet of the same VPC (its ACL applies outbound, unless the target is in the same subnet); without one it arrived
    /// from outside the VPC (a peering connection, a virtual private gateway), and only the target subnet's ACL applies.
    /// </summary>
    private void Deliver(string vpcId, Node? from, Walk walk, Trace trace)
    {
        var flows = walk.Current;
        var byInterface = new Dictionary<string, List<Interval>>(StringComparer.Ordinal);
        foreach (var box in flows.Boxes)
        foreach (var (address, id) in Model.InterfacesIn(vpcId, flows.Family, box.Server.Lo, box.Server.Hi))
        {
            if (id == from?.InterfaceId) continue;
            if (!byInterface.TryGetValue(id, out var list)) byInterface[id] = list = [];
            list.Add(Interval.Single(address));
        }

        var unheld = flows.Subtract(byInterface.Values.SelectMany(v => v).Select(i => FlowBox.Everything(flows.Family).With(FlowDimension.Server, i)));
        if (!unheld.IsEmpty)
        {
            if (Model.GapFor(vpcId, "NetworkInterfaces") is { } gap)
                trace.Unsupported(vpcId, $"no interface can be matched to the address ({gap.Describe()})", walk.Hops, gap.File);
            else
                trace.Block(vpcId, "no network interface in the snapshot holds the destination address", () => unheld.Describe(), walk.Hops);
        }

        foreach (var (id, addresses) in byInterface)
        {
            var eni = Model.Interface(id)!;
            if (Model.Subnet(eni.SubnetId) is not { } subnet)
            {
                trace.Unsupported(id, $"its subnet {eni.SubnetId} is not in the snapshot", walk.Hops, GapFile(vpcId, "Subnets"));
                continue;
            }

            var branch = walk.With(walk.Current.Restrict(FlowDimension.Server, addresses), Hop(id,
                $"holds {string.Join(", ", addresses.Select(a => AddressRange.Describe(flows.Family, a.Lo, a.Hi)))} in {subnet.SubnetId}{Describe(eni)}"));
            if (from is null)
            {
                if (!ApplyAcl(branch, trace, subnet, egress: false, FlowDimension.Client, FlowDimension.ServerPort)) continue;
                branch.Returns.Add(new ReturnStage(branch.Legs.Count - 1, ReturnAcl(subnet, egress: true, FlowDimension.Client, FlowDimension.ClientPort)));
            }
            else if (subnet.SubnetId == from.Subnet.SubnetId && from.TransitGateway)
            {
                // AWS evaluates the subnet's ACL for traffic from a transit gateway to an interface of the same subnet: inbound, by source.
                if (!ApplyAcl(branch, trace, subnet, egress: false, FlowDimension.Client, FlowDimension.ServerPort)) continue;
                branch.Returns.Add(new ReturnStage(branch.Legs.Count - 1, ReturnAcl(subnet, egress: true, FlowDimension.Client, FlowDimension.ClientPort)));
            }
            else if (subnet.SubnetId != from.Subnet.SubnetId)
            {
                if (!ApplyAcl(branch, trace, from.Subnet, egress: true, FlowDimension.Server, FlowDimension.ServerPort)) continue;
                if (!ApplyAcl(branch, trace, subnet, egress: false, FlowDimension.Client, FlowDimension.ServerPort)) continue;
                // Added in request order; Finish applies them in reverse, the order the replies travel.
                branch.Returns.Add(new ReturnStage(branch.Legs.Count - 1, ReturnAcl(from.Subnet, egress: false, FlowDimension.Server, FlowDimension.ClientPort)));
                branch.Returns.Add(new ReturnStage(branch.Legs.Count - 1, ReturnAcl(subnet, egress: true, FlowDimension.Client, FlowDimension.ClientPort)));
            }
            else branch.Hops.Add(Hop(subnet.SubnetId, "same subnet: network ACLs do not apply"));

            if (eni.InterfaceType == "nat_gateway")
            {
                trace.Block(id, "is a NAT gateway's interface: a NAT gateway accepts no connection addressed to it", () => branch.Current.Describe(), branch.Hops);
                continue;
            }

            if (eni.Groups.Count == 0 && eni.InterfaceType != "interface")
                branch.Hops.Add(Hop(id, $"{eni.InterfaceType} interface without security groups: nothing filters at the interface"));
            else if (!ApplyGroups(branch, trace, eni.Groups.Select(g => g.GroupId).ToList(), egress: false, branch.Source, $"{id} security group ingress"))
                continue;
            Finish(branch, trace, PathEnd.Interface, id);
        }
    }

    private static string Describe(NetworkInterface eni) =>
        eni.InterfaceType != "interface" ? $" ({eni.InterfaceType}{(eni.Description is { } d ? ": " + d : "")})"
        : eni.Description is { Length: > 0 } description ? $" ({description})" : "";

    private void ToInternetGateway(Node node, string gatewayId, Walk walk, Trace trace)
    {
        if (Model.GapFor(node.Subnet.VpcId, "InternetGateways") is { } gap)
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

        Finish(walk.With(walk.Current, Hop(gatewayId, $"internet gateway attached to {node.Subnet.VpcId}: {translation}")), trace, PathEnd.Internet, gatewayId);
    }

    private void ToEgressOnlyGateway(Node node, string gatewayId, Walk walk, Trace trace)
    {
        if (walk.Current.Family == AddressFamily.InterNetwork)
        {
            trace.Block(gatewayId, "an egress-only internet gateway carries only IPv6", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        if (Model.GapFor(node.Subnet.VpcId, "EgressOnlyInternetGateways") is { } gap)
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
        Finish(walk.With(walk.Current, Hop(gatewayId, $"egress-only internet gateway attached to {node.Subnet.VpcId}: IPv6 out, replies in")),
            trace, PathEnd.Internet, gatewayId);
    }

    private void ThroughNatGateway(Node node, string natId, Walk walk, Trace trace, PathQuery query, int depth)
    {
        if (Model.GapFor(node.Subnet.VpcId, "NatGateways") is { } gap)
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
            trace.Block(natId, $"is in state {nat.State}, not available: traffic is dropped", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        var flows = walk.Current;
        if (flows.Family == AddressFamily.InterNetworkV6)
        {
            var nat64 = Interval.Of(Cidr.Parse("64:ff9b::/96"));
            if (!flows.Restrict(FlowDimension.Server, nat64).IsEmpty)
                trace.Unsupported(natId, "NAT64 (64:ff9b::/96 through a NAT gateway) is not modelled", walk.Hops);
            var rest = flows.Subtract(FlowBox.Everything(flows.Family).With(FlowDimension.Server, nat64));
            if (!rest.IsEmpty) trace.Block(natId, "a NAT gateway forwards IPv6 only for NAT64 (64:ff9b::/96)", () => rest.Describe(), walk.Hops);
            return;
        }

        if (Model.Subnet(nat.SubnetId) is not { } natSubnet)
        {
            trace.Unsupported(natId, $"its subnet {nat.SubnetId} is not in the snapshot", walk.Hops, GapFile(nat.VpcId, "Subnets"));
            return;
        }

        var natAddresses = NatAddresses.Of(nat)
            .Select(a => Cidr.TryParseAddress(a.PrivateIp, out var cidr) ? new InterfaceAddress(cidr.Family, cidr.First, a.PrivateIp!, a.PublicIp) : null)
            .OfType<InterfaceAddress>().ToList();
        if (natAddresses.Count == 0)
        {
            trace.Unsupported(natId, "has no private address in the data", walk.Hops, GapFile(nat.VpcId, "NatGateways"));
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
            [.. walk.Hops, Hop(natId, $"NAT gateway in {natSubnet.SubnetId}, state available: translates the source to {publicText}")], walk.Source, walk.Quantifier,
            walk.Visited, walk.Origin, walk.Entry);
        RouteFrom(natNode, next, trace, query, depth + 1);
    }

    /// <summary>Traffic leaving the node's subnet: its network ACL outbound now, inbound for the replies.</summary>
    private bool LeaveSubnet(Node node, Walk walk, Trace trace)
    {
        if (!ApplyAcl(walk, trace, node.Subnet, egress: true, FlowDimension.Server, FlowDimension.ServerPort)) return false;
        walk.Returns.Add(new ReturnStage(walk.Legs.Count - 1, ReturnAcl(node.Subnet, egress: false, FlowDimension.Server, FlowDimension.ClientPort)));
        return true;
    }

    private static List<Interval> Intervals(CidrSet set, AddressFamily family) => set.RangesOf(family).Select(r => new Interval(r.First, r.Last)).ToList();

    /// <summary>A hop, with the component's Name tag when the snapshot has one.</summary>
    private PathHop Hop(string component, string detail) => new(component, detail, Model.NameOf(component));
}
