using System.Collections.Immutable;
using System.Net.Sockets;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Routing;

namespace IsolationChecks.Evaluation.Network;

// From outside the modelled world to an interface: the internet (public IP, load balancers, Client VPN) and the edges.
public sealed partial class PathEngine
{
    /// <summary>Load balancers in front of load balancers, followed at most this deep.</summary>
    private const int MaxLoadBalancerChain = 2;

    /// <summary>Target health states in which a load balancer may send new connections to the target (unhealthy too: it fails open).</summary>
    private static readonly HashSet<string> ServingStates = new(StringComparer.Ordinal) { "healthy", "initial", "unhealthy", "unavailable", "unhealthy.draining" };

    /// <summary>
    /// Every way traffic from <see cref="InboundQuery.From"/> arrives at the interface: through its public address and the
    /// internet gateway, through a load balancer that targets it (instance or IP targets, client IP preserved or not), through
    /// a Client VPN endpoint, and from the edges (virtual private gateways, peering connections and transit gateway
    /// attachments whose other side is outside the snapshot). Each path names where it entered (<see cref="ReachedPath.Entry"/>).
    /// </summary>
    public PathAnswer Ask(InboundQuery query)
    {
        var trace = new Trace(Quantifier.Any);
        var interfaceId = query.ToInterfaceOrInstance.StartsWith("i-", StringComparison.Ordinal)
            ? Model.PrimaryInterfaceOf(query.ToInterfaceOrInstance)
            : query.ToInterfaceOrInstance;
        if (interfaceId is null)
        {
            trace.Unsupported(query.ToInterfaceOrInstance, "no network interface of this instance is in the snapshot", [], GapFile(null, "NetworkInterfaces"));
            return trace.Answer(query.Describe());
        }

        if (Model.LoadBalancerOfInterface(interfaceId) is { } loadBalancer)
            AtListeners(loadBalancer, interfaceId, query, trace);
        else
            Arrive(interfaceId, query, trace, 0);
        return trace.Answer(query.Describe());
    }

    /// <summary>A load balancer's interface accepts connections only on its listeners' protocols and ports.</summary>
    private void AtListeners(ModelLoadBalancer model, string interfaceId, InboundQuery query, Trace trace)
    {
        var lb = model.LoadBalancer;
        if (!model.Scope.Read<ListenerListing>(AwsCalls.DescribeListeners, AwsCalls.DescribeListeners.KeyOf(lb.LoadBalancerArn)).TryGet(out var listeners, out var gap))
        {
            trace.Unsupported(lb.LoadBalancerName, $"its listeners are not known ({gap.Describe()})", [], gap.File);
            return;
        }

        foreach (var listener in listeners.Listeners)
        foreach (var protocol in ListenerProtocols(listener.Protocol).Where(p => p.Overlaps(query.Protocol)))
        {
            var ports = listener.Port is { } port ? Interval.Single((UInt128)port) : Interval.AllPorts;
            if (Protocols.HasPorts(protocol) && !ports.Overlaps(query.Ports)) continue;
            Arrive(interfaceId, query with { Protocol = protocol, Ports = Protocols.HasPorts(protocol) ? ports.Intersect(query.Ports) : query.Ports }, trace, 0);
        }

        var listening = string.Join(", ", listeners.Listeners.Select(l => $"{l.Protocol}:{l.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "*"}"));
        trace.Block(lb.LoadBalancerName, $"listens only on {(listening.Length == 0 ? "no listener" : listening)}: " +
                                         "other traffic to its interfaces is not accepted", query.From.ToString(), []);
    }

    private void Arrive(string interfaceId, InboundQuery query, Trace trace, int depth)
    {
        if (InterfaceNode(interfaceId, trace, []) is not { } target) return;
        FromInternetGateway(target, query, trace);
        ThroughLoadBalancers(target, query, trace, depth);
        ThroughClientVpn(target, query, trace);
        FromVpnGateways(target, query, trace);
        FromPeeringEdges(target, query, trace);
        FromTransitGatewayEdges(target, query, trace);
    }

    /// <summary>From the internet to the interface's own public address, through the VPC's internet gateway.</summary>
    private void FromInternetGateway(Node target, InboundQuery query, Trace trace)
    {
        var family = query.From.Family;
        var vpcId = target.Subnet.VpcId;
        var internet = CidrSet.Of(query.From).Intersect(InternetAddressSpace.Set(family));
        if (internet.IsEmpty) return;
        if (Model.GapFor(vpcId, "InternetGateways") is { } igwGap)
        {
            trace.Unsupported("internet gateways", igwGap.Describe(), [], igwGap.File);
            return;
        }

        var gateways = Model.InternetGatewaysOf(vpcId);
        if (gateways.Count == 0)
        {
            trace.Block(vpcId, "has no internet gateway attached: nothing enters from the internet", query.From.ToString(), []);
            return;
        }

        var gateway = gateways.First();
        var hops = new List<PathHop> { Hop(gateway, $"internet gateway attached to {vpcId}") };
        var reachable = family == AddressFamily.InterNetwork
            ? target.PublicAddresses.Select(a => (Interval.Single(a.Value), $"public IP {a.PublicIp} maps to {a.Text}")).ToList()
            : target.Addresses(family).Select(a => (a, $"IPv6 address {AddressRange.Describe(family, a.Lo, a.Hi)}")).ToList();
        if (reachable.Count == 0)
        {
            trace.Block(target.Name, family == AddressFamily.InterNetwork
                ? "has no public IPv4 address (no public IP, no Elastic IP): the internet gateway has nothing to translate to it"
                : "has no IPv6 address", query.From.ToString(), hops);
            return;
        }

        if (Model.EdgeAssociatedTables.Count > 0)
            trace.Unsupported(gateway, "a route table is associated with a gateway (ingress routing), which the engine does not model", hops, GapFile(vpcId, "RouteTables"));
        hops.Add(Hop(gateway, string.Join("; ", reachable.Select(r => r.Item2))));
        var flows = new FlowSet(family, from r in reachable from c in Intervals(internet, family) select new FlowBox(query.Protocol, c, r.Item1, query.Ports, query.ClientPorts));
        var client = new Node("internet " + internet, target.Subnet, null, [], []);
        var walk = new Walk([flows], [], hops, client, Quantifier.Any, ImmutableHashSet<string>.Empty, target.Subnet, gateway);
        if (!ApplyAcl(walk, trace, target.Subnet, egress: false, FlowDimension.Client, FlowDimension.ServerPort)) return;
        if (target.Groups is { } groups)
        {
            if (!ApplyGroups(walk, trace, groups, egress: false, client, $"{target.Name} security group ingress")) return;
        }
        else walk.Hops.Add(Hop(target.Name, $"{Model.Interface(target.Name)?.InterfaceType} interface without security groups: nothing filters at the interface"));

        // The reply must leave through the same internet gateway, else the connection never completes.
        if (Model.RouteTableOf(target.Subnet) is not { } table)
        {
            trace.Unsupported(target.Subnet.SubnetId, "has no route table in the data (no association, no main table)", walk.Hops, GapFile(vpcId, "RouteTables"));
            return;
        }

        var byRoute = Partition(walk.Current, table.Table.RouteTableId, Model.RoutesOf(table.Table, family), FlowDimension.Client, trace, walk.Hops, GapFile(vpcId, "RouteTables"));
        foreach (var (route, part) in byRoute.Routed)
        {
            var kind = RouteTargets.Classify(route);
            var branch = walk.With(part, Hop(table.Table.RouteTableId, $"reply route {route.Destination} -> {route.Target}"));
            if (route.State == "blackhole" || kind != RouteTargetKind.InternetGateway || !Model.InternetGatewayAttached(vpcId, route.Target))
            {
                trace.Block(table.Table.RouteTableId, $"{ReplyRoutePrefix} by {route.Destination} -> {route.Target} ({RouteTargets.Describe(kind)}), not through the internet gateway: the connection cannot complete",
                    part.Describe(FlowDimension.Client), walk.Hops);
                continue;
            }

            branch.Returns.Add(new ReturnStage(0, ReturnAcl(target.Subnet, egress: true, FlowDimension.Client, FlowDimension.ClientPort)));
            Finish(branch, trace, PathEnd.Interface, target.Name);
        }

        if (!byRoute.Unrouted.IsEmpty)
            trace.Block(table.Table.RouteTableId, NoReplyRoute, () => byRoute.Unrouted.Describe(FlowDimension.Client), walk.Hops);
    }

    /// <summary>How the engine words a request that arrived but whose reply leaves another way (GL-2 counts the arrival).</summary>
    public const string ReplyRoutePrefix = "routes the reply";

    public const string NoReplyRoute = "has no route for the reply";

    /// <summary>
    /// Through every load balancer that targets the interface: what reaches the load balancer's interfaces on its listener
    /// ports (asked the same way, from every entry), then the load balancer's own connection to the target: from its
    /// private address, or from the client's when the target group preserves it.
    /// </summary>
    private void ThroughLoadBalancers(Node target, InboundQuery query, Trace trace, int depth)
    {
        foreach (var scope in Model.Scopes)
            if (Model.GapOf(scope, NetworkModel.NameOf(AwsCalls.DescribeLoadBalancers)) is { } gap)
                trace.Unsupported($"load balancers of {scope.AccountId} {scope.Region}", $"cannot tell whether one targets {target.Name} ({gap.Describe()})", [], gap.File);
            else if (Model.GapOf(scope, NetworkModel.NameOf(AwsCalls.DescribeTargetGroups)) is { } groupsGap)
                trace.Unsupported($"target groups of {scope.AccountId} {scope.Region}", $"cannot tell whether one holds {target.Name} ({groupsGap.Describe()})", [], groupsGap.File);

        foreach (var loadBalancer in Model.LoadBalancers)
        foreach (var group in Model.TargetGroupsOf(loadBalancer.LoadBalancer.LoadBalancerArn))
        foreach (var registered in RegisteredTargets(group, target, trace))
        {
            if (depth >= MaxLoadBalancerChain)
            {
                trace.Unsupported(loadBalancer.LoadBalancer.LoadBalancerName, $"load balancers chained more than {MaxLoadBalancerChain} deep are not followed", []);
                continue;
            }

            ThroughLoadBalancer(loadBalancer, group, registered, target, query, trace, depth);
        }
    }

    /// <summary>The registrations of the interface in a target group (instance or IP targets), as describe-target-health lists them.</summary>
    private IEnumerable<(TargetHealthDescription Target, InterfaceAddress Address)> RegisteredTargets(ModelTargetGroup group, Node target, Trace trace)
    {
        var tg = group.TargetGroup;
        var key = AwsCalls.DescribeTargetHealth.KeyOf(tg.TargetGroupArn);
        if (!group.Scope.Read<TargetHealthListing>(AwsCalls.DescribeTargetHealth, key).TryGet(out var health, out var gap))
        {
            trace.Unsupported(tg.TargetGroupName, $"its registered targets are not known ({gap.Describe()})", [], gap.File);
            yield break;
        }

        var instance = Model.Interface(target.Name)?.Attachment?.InstanceId;
        foreach (var description in health.TargetHealthDescriptions)
        {
            var id = description.Target.Id;
            InterfaceAddress? address = tg.TargetType switch
            {
                "instance" when id == instance && Model.PrimaryInterfaceOf(id) == target.Name => target.Known.FirstOrDefault(a => a.Family == AddressFamily.InterNetwork),
                "ip" => target.Known.FirstOrDefault(a => a.Text == id),
                _ => null,
            };
            if (tg.TargetType == "alb")
                trace.Unsupported(tg.TargetGroupName, $"forwards to application load balancer {id}: a load balancer as the target of a network load balancer is not followed", []);
            if (address is null) continue;
            if (description.TargetHealth?.State is { } state && !ServingStates.Contains(state))
            {
                trace.Block(tg.TargetGroupName, $"registers {id} in state {state}: the load balancer sends it no new connection", $"to {id}", []);
                continue;
            }

            yield return (description, address);
        }
    }

    private void ThroughLoadBalancer(ModelLoadBalancer model, ModelTargetGroup group, (TargetHealthDescription Target, InterfaceAddress Address) registered,
        Node target, InboundQuery query, Trace trace, int depth)
    {
        var lb = model.LoadBalancer;
        var tg = group.TargetGroup;
        if (lb.State.Code is not ("active" or "active_impaired"))
        {
            trace.Block(lb.LoadBalancerName, $"is {lb.State.Code}: it forwards nothing", query.From.ToString(), []);
            return;
        }

        if (!model.Scope.Read<ListenerListing>(AwsCalls.DescribeListeners, AwsCalls.DescribeListeners.KeyOf(lb.LoadBalancerArn)).TryGet(out var listeners, out var gap))
        {
            trace.Unsupported(lb.LoadBalancerName, $"its listeners are not known ({gap.Describe()})", [], gap.File);
            return;
        }

        var preserve = PreservesClientIp(model, group, trace);
        if (preserve is null) return;
        if ((registered.Target.Target.Port ?? tg.Port) is not { } targetPort)
        {
            trace.Unsupported(tg.TargetGroupName, $"registers {registered.Target.Target.Id} with no port, and the target group declares none: the port it forwards to is not known", []);
            return;
        }

        foreach (var listener in listeners.Listeners)
        {
            var protocols = ListenerProtocols(listener.Protocol);
            var ports = listener.Port is { } p ? Interval.Single((UInt128)p) : Interval.AllPorts;
            foreach (var protocol in protocols.Where(q => q.Overlaps(query.Protocol)))
            {
                if (!ports.Overlaps(query.Ports) && Protocols.HasPorts(protocol)) continue;
                var atListener = query with { Protocol = protocol, Ports = Protocols.HasPorts(protocol) ? ports.Intersect(query.Ports) : query.Ports };
                foreach (var nodeId in Model.InterfacesDescribedAs(model.InterfaceDescription))
                {
                    var arrivals = new Trace(Quantifier.Any);
                    Arrive(nodeId, atListener with { ToInterfaceOrInstance = nodeId }, arrivals, depth + 1);
                    trace.AbsorbFindings(arrivals);
                    foreach (var (path, flows) in arrivals.Arrivals.Where(a => a.Path.End == PathEnd.Interface && a.Path.Target == nodeId))
                        Forward(model, tg, listener, nodeId, path, flows, registered, targetPort, preserve.Value, trace);
                }
            }
        }
    }

    /// <summary>The load balancer's connection to its target, from the node that received the client's.</summary>
    private void Forward(ModelLoadBalancer model, TargetGroup tg, Listener listener, string nodeId, ReachedPath arrival, FlowSet arrived,
        (TargetHealthDescription Target, InterfaceAddress Address) registered, int targetPort, bool preserve, Trace trace)
    {
        if (InterfaceNode(nodeId, trace, arrival.Hops) is not { } node) return;
        var family = registered.Address.Family;
        if (arrived.Family != family) return;
        var protocol = ListenerProtocols(tg.Protocol ?? listener.Protocol).Aggregate((a, b) => new Interval(UInt128.Min(a.Lo, b.Lo), UInt128.Max(a.Hi, b.Hi)));
        var clients = preserve ? arrived.Boxes.Select(b => b.Client).ToList() : node.Known.Where(a => a.Family == family).Select(a => Interval.Single(a.Value)).ToList();
        var flows = new FlowSet(family, clients.Distinct().Select(c => new FlowBox(protocol, c, Interval.Single(registered.Address.Value),
            Interval.Single((UInt128)targetPort), PathQuery.EphemeralPorts)));
        var hops = arrival.Hops.Append(Hop(model.LoadBalancer.LoadBalancerName,
            $"{model.LoadBalancer.Type} load balancer ({model.LoadBalancer.Scheme}) listener {listener.Protocol}:{listener.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "*"} " +
            $"forwards to target group {tg.TargetGroupName}: {registered.Target.Target.Id} port {targetPort} (health {registered.Target.TargetHealth?.State ?? "not reported"}); " +
            (preserve ? "the client's address is preserved" : $"the target sees the load balancer's address {string.Join(", ", node.Known.Where(a => a.Family == family).Select(a => a.Text))}"))).ToList();
        var walk = new Walk([flows], [], hops, node, Quantifier.Any, ImmutableHashSet<string>.Empty, node.Subnet, arrival.Entry);
        if (node.Groups is { } groups && !ApplyGroups(walk, trace, groups, egress: true, node, $"{nodeId} security group egress")) return;
        var forwardTrace = new Trace(Quantifier.Any);
        RouteFrom(node, walk, forwardTrace, new PathQuery(new PathSource.Interface(nodeId), [], protocol, Interval.Single((UInt128)targetPort), PathQuery.EphemeralPorts), 1);
        trace.AbsorbFindings(forwardTrace);
        foreach (var (path, reached) in forwardTrace.Arrivals.Where(a => a.Path.End == PathEnd.Interface))
            trace.Reach(path, reached);
    }

    /// <summary>Whether the target sees the client's address: never behind an ALB; for an NLB the target group's attribute (or AWS's default).</summary>
    private bool? PreservesClientIp(ModelLoadBalancer model, ModelTargetGroup group, Trace trace)
    {
        if (model.LoadBalancer.Type != "network") return false;
        var tg = group.TargetGroup;
        if (!group.Scope.Read<TargetGroupAttributeListing>(AwsCalls.DescribeTargetGroupAttributes, AwsCalls.DescribeTargetGroupAttributes.KeyOf(tg.TargetGroupArn))
                .TryGet(out var attributes, out var gap))
        {
            trace.Unsupported(tg.TargetGroupName, $"whether it preserves the client's address is not known ({gap.Describe()})", [], gap.File);
            return null;
        }

        return attributes.Value("preserve_client_ip.enabled") switch
        {
            "true" => true,
            "false" => false,
            // AWS's defaults: preserved for instance targets and for UDP/TCP_UDP, not for IP targets over TCP/TLS.
            _ => tg.TargetType == "instance" || tg.Protocol is "UDP" or "TCP_UDP",
        };
    }

    private static IReadOnlyList<Interval> ListenerProtocols(string protocol) => protocol switch
    {
        "UDP" => [Interval.Single(Protocols.Udp)],
        "TCP_UDP" => [Interval.Single(Protocols.Tcp), Interval.Single(Protocols.Udp)],
        "GENEVE" => [Interval.AllProtocols],
        _ => [Interval.Single(Protocols.Tcp)],
    };

    /// <summary>
    /// Through every available Client VPN endpoint: a client from the internet, authorised for the interface's address and
    /// routed to an associated subnet, arrives with an address of that subnet (the endpoint translates it) and the endpoint's
    /// security groups.
    /// </summary>
    private void ThroughClientVpn(Node target, InboundQuery query, Trace trace)
    {
        foreach (var scope in Model.Scopes)
            if (Model.GapOf(scope, NetworkModel.NameOf(AwsCalls.DescribeClientVpnEndpoints)) is { } gap)
                trace.Unsupported($"Client VPN endpoints of {scope.AccountId} {scope.Region}", $"cannot tell whether one reaches {target.Name} ({gap.Describe()})", [], gap.File);

        var family = query.From.Family;
        if (CidrSet.Of(query.From).Intersect(InternetAddressSpace.Set(family)).IsEmpty) return;
        var addresses = CidrSet.Of(target.Known.Where(a => a.Family == family).Select(a => new Cidr(family, a.Value, family == AddressFamily.InterNetwork ? 32 : 128)));
        if (addresses.IsEmpty) return;
        foreach (var (endpoint, scope) in Model.ClientVpnEndpoints.Select(c => (c.Endpoint, c.Scope)))
        {
            if (endpoint.Status.Code != "available") continue;
            var id = endpoint.ClientVpnEndpointId;
            if (!scope.Read<DescribeClientVpnTargetNetworksOutput>(AwsCalls.DescribeClientVpnTargetNetworks, id).TryGet(out var networks, out var gap)
                || !scope.Read<DescribeClientVpnAuthorizationRulesOutput>(AwsCalls.DescribeClientVpnAuthorizationRules, id).TryGet(out var rules, out gap)
                || !scope.Read<DescribeClientVpnRoutesOutput>(AwsCalls.DescribeClientVpnRoutes, id).TryGet(out var routes, out gap))
            {
                trace.Unsupported(id, $"the Client VPN endpoint's associations, authorization rules or routes are not known ({gap.Describe()})", [], gap.File);
                continue;
            }

            var authorized = CidrSet.Of(rules.AuthorizationRules.Where(r => r.Status.Code == "active").Select(r => Cidr.TryParse(r.DestinationCidr, out var c) ? c : null).OfType<Cidr>());
            var allowed = addresses.Intersect(authorized);
            if (allowed.IsEmpty)
            {
                trace.Block(id, $"no active authorization rule covers {addresses}: clients are not authorised to reach it", query.From.ToString(), []);
                continue;
            }

            foreach (var network in networks.ClientVpnTargetNetworks.Where(n => n.Status.Code == "associated"))
            {
                var routed = CidrSet.Of(routes.Routes.Where(r => r.Status.Code == "active" && r.TargetSubnet == network.TargetNetworkId)
                    .Select(r => Cidr.TryParse(r.DestinationCidr, out var c) ? c : null).OfType<Cidr>());
                var reach = allowed.Intersect(routed);
                if (reach.IsEmpty || Model.Subnet(network.TargetNetworkId) is not { } subnet) continue;
                // Without groups of its own the association gets the VPC's default security group (the API reference's meaning of their absence).
                IReadOnlyList<string>? groups = network.SecurityGroups is { Count: > 0 } own ? own
                    : endpoint.SecurityGroupIds is { Count: > 0 } endpointGroups ? endpointGroups
                    : Model.DefaultGroupOf(network.VpcId) is { } defaultGroup ? [defaultGroup]
                    : null;
                if (groups is null)
                {
                    trace.Unsupported(id, $"names no security group and the default security group of {network.VpcId} is not in the snapshot", [], GapFile(network.VpcId, "SecurityGroups"));
                    continue;
                }

                var groupText = rules.AuthorizationRules.Any(r => r.AccessAll == true) ? "every authenticated client" : "clients of the authorised groups";
                var entryHop = Hop(id, $"Client VPN endpoint ({groupText}, from the internet, client addresses {endpoint.ClientCidrBlock}): " +
                                       $"routes {reach} to {subnet.SubnetId}, where the client's address is translated to the association's; security groups {string.Join(", ", groups)}");
                var source = SubnetNode(subnet, groups, $"{id} association in {subnet.SubnetId}");
                var sub = new Trace(Quantifier.Any);
                Explore(source, new PathQuery(new PathSource.SubnetWithGroups(subnet.SubnetId, groups), reach.ToCidrs(), query.Protocol, query.Ports, query.ClientPorts),
                    sub, id, [entryHop]);
                Keep(sub, target, trace);
            }
        }
    }

    /// <summary>From premises through the virtual private gateways attached to the interface's VPC (VPN or Direct Connect).</summary>
    private void FromVpnGateways(Node target, InboundQuery query, Trace trace)
    {
        var vpcId = target.Subnet.VpcId;
        if (Model.GapFor(vpcId, NetworkModel.NameOf(AwsCalls.DescribeVpnGateways)) is { } gap)
        {
            trace.Unsupported($"virtual private gateways of {vpcId}", gap.Describe(), [], gap.File);
            return;
        }

        foreach (var gateway in Model.VpnGatewaysOf(vpcId).Where(g => g.State == "available"))
        {
            var connections = Model.VpnConnectionsOn(gateway.VpnGatewayId).ToList();
            var from = connections.Count > 0
                ? $"premises over VPN {string.Join(", ", connections.Select(c => $"{c.VpnConnectionId} (customer gateway {c.CustomerGatewayId}; {Tunnels(c)})"))}"
                : "premises over Direct Connect (no VPN connection uses the gateway)";
            EnterVpc(target, query, trace, gateway.VpnGatewayId, CidrSet.Everything, $"virtual private gateway attached to {vpcId}: traffic from {from}");
        }
    }

    /// <summary>From a VPC outside the snapshot, peered with the interface's VPC: its own addresses only (peering is not transitive).</summary>
    private void FromPeeringEdges(Node target, InboundQuery query, Trace trace)
    {
        var vpcId = target.Subnet.VpcId;
        foreach (var peering in Model.PeeringsOf(vpcId).Where(p => p.Status.Code == "active"))
        {
            var far = peering.RequesterVpcInfo.VpcId == vpcId ? peering.AccepterVpcInfo : peering.RequesterVpcInfo;
            if (Model.ScopeOfVpc(far.VpcId) is not null) continue;
            EnterVpc(target, query, trace, peering.VpcPeeringConnectionId, PeerCidrs(far),
                $"VPC peering connection with {far.VpcId} of account {far.OwnerId}, which the snapshot does not hold: traffic from its addresses");
        }
    }

    private void EnterVpc(Node target, InboundQuery query, Trace trace, string entry, CidrSet sources, string description)
    {
        var family = query.From.Family;
        var admitted = CidrSet.Of(query.From).Intersect(sources);
        if (admitted.IsEmpty) return;
        var servers = target.Known.Where(a => a.Family == family).Select(a => Interval.Single(a.Value)).ToList();
        if (servers.Count == 0) return;
        var flows = new FlowSet(family, from c in Intervals(admitted, family) from s in servers select new FlowBox(query.Protocol, c, s, query.Ports, query.ClientPorts));
        var client = new Node($"outside {admitted}", target.Subnet, null, [], []);
        var walk = new Walk([flows], [], [Hop(entry, description)], client, Quantifier.Any, ImmutableHashSet<string>.Empty, target.Subnet, entry);
        var sub = new Trace(Quantifier.Any);
        if (Model.EdgeAssociatedTables.Count > 0)
            sub.Unsupported(entry, "a route table is associated with a gateway (ingress routing), which the engine does not model", walk.Hops);
        Deliver(target.Subnet.VpcId, null, walk, sub);
        Keep(sub, target, trace);
    }

    /// <summary>
    /// From the transit gateway attachments whose other side is outside the snapshot (VPN, Direct Connect gateway, a peer
    /// transit gateway or a VPC the snapshot does not hold), routed by each attachment's associated route table.
    /// </summary>
    private void FromTransitGatewayEdges(Node target, InboundQuery query, Trace trace)
    {
        var family = query.From.Family;
        var servers = target.Known.Where(a => a.Family == family).Select(a => Interval.Single(a.Value)).ToList();
        if (servers.Count == 0) return;
        foreach (var transitGatewayId in Model.TransitGatewayIds)
        foreach (var attachment in Model.AttachmentsOf(transitGatewayId))
        {
            var a = attachment.Attachment;
            if (a.State != "available") continue;
            var outside = a.ResourceType switch
            {
                "vpn" => $"premises over VPN {a.ResourceId}",
                "direct-connect-gateway" => $"premises over Direct Connect gateway {a.ResourceId}",
                "peering" when a.ResourceOwnerId is { } owner && !Model.HoldsAccount(owner) => $"transit gateway {a.ResourceId} of account {owner}, which the snapshot does not hold",
                "vpc" when a.ResourceId is { } vpc && Model.ScopeOfVpc(vpc) is null => $"{vpc} of account {a.ResourceOwnerId ?? "unknown"}, which the snapshot does not hold",
                _ => null,
            };
            if (outside is null) continue;
            var flows = new FlowSet(family, servers.Select(s => new FlowBox(query.Protocol, Interval.Of(query.From), s, query.Ports, query.ClientPorts)));
            var client = new Node($"outside {query.From}", target.Subnet, null, [], []);
            var walk = new Walk([flows], [], [Hop(a.TransitGatewayAttachmentId, $"{a.ResourceType} attachment of transit gateway {transitGatewayId}: traffic from {outside}")],
                client, Quantifier.Any, ImmutableHashSet<string>.Empty, target.Subnet, a.TransitGatewayAttachmentId);
            var sub = new Trace(Quantifier.Any);
            IntoTransitGateway(a.TransitGatewayAttachmentId, transitGatewayId, walk, sub, new PathQuery(new PathSource.Interface(target.Name), [], query.Protocol, query.Ports, query.ClientPorts), 1);
            Keep(sub, target, trace);
        }
    }

    /// <summary>Keeps what a sub-exploration found about the target: its paths to the target, every block and every gap.</summary>
    private static void Keep(Trace sub, Node target, Trace trace)
    {
        trace.AbsorbFindings(sub);
        foreach (var (path, flows) in sub.Arrivals.Where(a => a.Path.End == PathEnd.Interface && a.Path.Target == target.Name))
            trace.Reach(path, flows);
    }
}
