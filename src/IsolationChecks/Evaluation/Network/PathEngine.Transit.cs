using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Evaluation.Network;

// Leaving a VPC: peering connections, transit gateways, virtual private gateways, and the edges of the modelled world.
public sealed partial class PathEngine
{
    /// <summary>
    /// A peering connection carries traffic only to the peer VPC's own CIDRs (no transitive routing, no edge to edge) and
    /// only while it is active; the peer VPC delivers it by its local route. A peer outside the snapshot is the edge.
    /// </summary>
    private void ThroughPeering(Node node, string peeringId, Walk walk, Trace trace, PathQuery query, int depth)
    {
        var vpcId = node.Subnet.VpcId;
        if (Model.Peering(peeringId) is not { } found)
        {
            NotInSnapshot(peeringId, "peering connection", vpcId, Aws.Calls.AwsCalls.DescribeVpcPeeringConnections, walk, trace);
            return;
        }

        var (peering, _) = found;
        if (peering.Status.Code != "active")
        {
            trace.Block(peeringId, $"is {peering.Status.Code}, not active: traffic is dropped", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        var (near, far) = peering.RequesterVpcInfo.VpcId == vpcId ? (peering.RequesterVpcInfo, peering.AccepterVpcInfo) : (peering.AccepterVpcInfo, peering.RequesterVpcInfo);
        if (near.VpcId != vpcId)
        {
            trace.Block(peeringId, $"connects {peering.RequesterVpcInfo.VpcId} and {peering.AccepterVpcInfo.VpcId}, not {vpcId}: the route is unusable", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        var nearCidrs = Intervals(PeerCidrs(near), walk.Current.Family);
        var foreign = walk.Current.Subtract(nearCidrs.Select(i => FlowBox.Everything(walk.Current.Family).With(FlowDimension.Client, i)));
        if (!foreign.IsEmpty)
        {
            trace.Block(peeringId, $"carries only traffic from the CIDRs of {vpcId} (no edge-to-edge routing through a peering connection)",
                () => foreign.Describe(FlowDimension.Client), walk.Hops);
            walk = walk.With(walk.Current.Restrict(FlowDimension.Client, nearCidrs));
            if (walk.Current.IsEmpty) return;
        }

        var farCidrs = PeerCidrs(far);
        var carried = walk.Current.Restrict(FlowDimension.Server, Intervals(farCidrs, walk.Current.Family));
        var dropped = walk.Current.Subtract(Intervals(farCidrs, walk.Current.Family).Select(i => FlowBox.Everything(walk.Current.Family).With(FlowDimension.Server, i)));
        if (!dropped.IsEmpty)
            trace.Block(peeringId, $"carries only the CIDRs of {far.VpcId} ({farCidrs}): peering is not transitive", () => dropped.Describe(), walk.Hops);
        if (carried.IsEmpty) return;
        var branch = walk.With(carried, Hop(peeringId, $"VPC peering connection, active, to {far.VpcId} in account {far.OwnerId}{(far.Region is { } r ? $" ({r})" : "")}"));
        if (!LeaveSubnet(node, branch, trace)) return;
        if (Approved(query, peeringId))
        {
            Finish(branch, trace, PathEnd.ApprovedExit, peeringId, $"{peeringId}, an approved exit (posture build.approvedEgress): not followed further");
            return;
        }

        if (Model.ScopeOfVpc(far.VpcId) is null)
        {
            Finish(branch, trace, PathEnd.Edge, peeringId, $"exits via {peeringId} toward {far.VpcId}",
                $"{far.VpcId} in account {far.OwnerId}{(far.Region is { } region ? $" ({region})" : "")}, which the snapshot does not hold");
            return;
        }

        if (Model.EdgeAssociatedTables.Count > 0)
            trace.Unsupported(far.VpcId, "a route table is associated with a gateway (ingress routing), which the engine does not model", branch.Hops);
        Deliver(far.VpcId, null, branch, trace);
    }

    private static CidrSet PeerCidrs(PeeringVpcInfo side)
    {
        var texts = (side.CidrBlockSet?.Select(c => c.CidrBlock) ?? []).Concat(side.CidrBlock is { } c ? [c] : [])
            .Concat(side.Ipv6CidrBlockSet?.Select(c => c.Ipv6CidrBlock) ?? []);
        return CidrSet.Of(texts.Select(t => Cidr.TryParse(t, out var cidr) ? cidr : null).OfType<Cidr>());
    }

    /// <summary>
    /// Into a transit gateway through the VPC's attachment: the attachment must have a subnet in the source's availability
    /// zone (resources in a zone without one cannot reach the gateway); the gateway then routes by the route table associated
    /// with the attachment, in its owner's scope.
    /// </summary>
    private void ThroughTransitGateway(Node node, string transitGatewayId, Walk walk, Trace trace, PathQuery query, int depth)
    {
        var vpcId = node.Subnet.VpcId;
        var attachments = Model.VpcAttachments(vpcId, transitGatewayId).Where(a => a.State is "available" or "modifying").ToList();
        if (attachments.Count == 0)
        {
            if (Model.GapFor(vpcId, NetworkModel.NameOf(Aws.Calls.AwsCalls.DescribeTransitGatewayVpcAttachments)) is { } gap)
                trace.Unsupported(transitGatewayId, $"the VPC's transit gateway attachments cannot be read ({gap.Describe()})", walk.Hops, gap.File);
            else
                trace.Block(transitGatewayId, $"{vpcId} has no available attachment to it: the route is a blackhole", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        foreach (var attachment in attachments)
        {
            var zones = attachment.SubnetIds.Select(Model.Subnet).OfType<Subnet>().ToList();
            var inZone = zones.Where(z => SameZone(z, walk.Origin)).ToList();
            if (inZone.Count == 0)
            {
                trace.Block(attachment.TransitGatewayAttachmentId,
                    $"has no subnet in {walk.Origin.AvailabilityZone} (its subnets: {string.Join(", ", attachment.SubnetIds)}): traffic from that zone cannot reach {transitGatewayId}",
                    () => walk.Current.Describe(), walk.Hops);
                continue;
            }

            var branch = walk.With(walk.Current, Hop(attachment.TransitGatewayAttachmentId,
                $"transit gateway attachment of {vpcId} to {transitGatewayId}, entering at {inZone[0].SubnetId} ({inZone[0].AvailabilityZone})"));
            if (inZone[0].SubnetId == node.Subnet.SubnetId)
            {
                // AWS evaluates the subnet's ACL for traffic to a transit gateway interface of the same subnet: outbound, by destination.
                if (!LeaveSubnet(node, branch, trace)) continue;
            }
            else
            {
                if (!ApplyAcl(branch, trace, node.Subnet, egress: true, FlowDimension.Server, FlowDimension.ServerPort)) continue;
                if (!ApplyAcl(branch, trace, inZone[0], egress: false, FlowDimension.Client, FlowDimension.ServerPort)) continue;
                branch.Returns.Add(new ReturnStage(branch.Legs.Count - 1, ReturnAcl(node.Subnet, egress: false, FlowDimension.Server, FlowDimension.ClientPort)));
                branch.Returns.Add(new ReturnStage(branch.Legs.Count - 1, ReturnAcl(inZone[0], egress: true, FlowDimension.Client, FlowDimension.ClientPort)));
            }

            if (Approved(query, transitGatewayId) || Approved(query, attachment.TransitGatewayAttachmentId))
            {
                Finish(branch, trace, PathEnd.ApprovedExit, transitGatewayId, $"{transitGatewayId}, an approved exit (posture build.approvedEgress): not followed further");
                continue;
            }

            IntoTransitGateway(attachment.TransitGatewayAttachmentId, transitGatewayId, branch, trace, query, depth + 1);
        }
    }

    /// <summary>Traffic arriving at a transit gateway from one of its attachments: the attachment's associated route table decides.</summary>
    private void IntoTransitGateway(string attachmentId, string transitGatewayId, Walk walk, Trace trace, PathQuery query, int depth)
    {
        if (depth > MaxGatewayHops)
        {
            trace.Unsupported(transitGatewayId, $"the path crosses more than {MaxGatewayHops} gateways", walk.Hops);
            return;
        }

        if (Model.AttachmentOf(attachmentId, transitGatewayId) is not { } owned)
        {
            var owner = Model.AnyViewOf(attachmentId)?.TransitGatewayOwnerId;
            if (owner is not null && !Model.HoldsAccount(owner))
                Finish(walk, trace, PathEnd.Edge, transitGatewayId, $"exits via {transitGatewayId}, owned by account {owner}",
                    $"transit gateway {transitGatewayId} of account {owner}, which the snapshot does not hold (its route tables decide where the traffic goes)");
            else
                trace.Unsupported(transitGatewayId, $"the owner's view of {attachmentId} (its route table association) is not in the snapshot " +
                    $"({Model.AnyGapOf(NetworkModel.NameOf(Aws.Calls.AwsCalls.DescribeTransitGatewayAttachments))?.Describe() ?? "describe-transit-gateway-attachments of the owner's account does not list it"})",
                    walk.Hops, Model.AnyGapOf(NetworkModel.NameOf(Aws.Calls.AwsCalls.DescribeTransitGatewayAttachments))?.File);
            return;
        }

        if (owned.Attachment.Association is not { State: "associated" } association)
        {
            trace.Block(transitGatewayId, $"{attachmentId} is associated with no route table: the transit gateway routes nothing it sends", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        var tableId = association.TransitGatewayRouteTableId;
        if (walk.Visited.Contains(tableId))
        {
            trace.Block(tableId, "routing loop: the traffic comes back to this transit gateway route table with the same destinations (dropped)", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        walk = walk with { Visited = walk.Visited.Add(tableId) };

        var routes = Model.TransitRoutesOf(tableId, owned.Scope, walk.Current.Family);
        if (routes.Gap is { } gap)
        {
            trace.Unsupported(tableId, $"the routes of this transit gateway route table are not known ({gap.Describe()})", walk.Hops, gap.File ?? routes.File);
            return;
        }

        var partition = Partition(walk.Current, tableId, routes.Ordered.Select(c => new Destination<TransitGatewayRoute>(c.Cidr, c.Order, c.Route)).ToList(),
            routes.Unresolved.Select(u => ($"route {u.Route.Destination}", u.Gap)).ToList(), FlowDimension.Server, trace, walk.Hops, routes.File);
        if (!partition.Unrouted.IsEmpty)
            trace.Block($"{tableId} (transit gateway {transitGatewayId})", "no route covers the destination", () => partition.Unrouted.Describe(), walk.Hops);
        foreach (var (route, part) in partition.Routed)
        {
            var targets = route.TransitGatewayAttachments ?? [];
            var routeText = $"{route.Type} route {route.Destination} -> {(targets.Count == 0 ? "(none)" : string.Join(", ", targets.Select(t => t.TransitGatewayAttachmentId)))}";
            if (route.State == "blackhole" || targets.Count == 0)
            {
                trace.Block(tableId, $"{routeText} is a blackhole: traffic is dropped", () => part.Describe(), walk.Hops);
                continue;
            }

            // Equal-cost paths: every attachment of the route is a path.
            foreach (var target in targets.Where(t => t.TransitGatewayAttachmentId is not null))
            {
                var branch = walk.With(part, Hop(tableId, $"transit gateway {transitGatewayId} route table{(targets.Count > 1 ? $" (one of {targets.Count} equal-cost attachments)" : "")}: {routeText}"));
                OutOfTransitGateway(target, transitGatewayId, branch, trace, query, depth);
            }
        }
    }

    /// <summary>From a transit gateway out through one of its attachments, by the attachment's kind.</summary>
    private void OutOfTransitGateway(TransitGatewayRouteAttachment target, string transitGatewayId, Walk walk, Trace trace, PathQuery query, int depth)
    {
        var attachmentId = target.TransitGatewayAttachmentId!;
        var kind = target.ResourceType ?? Model.AttachmentOf(attachmentId, transitGatewayId)?.Attachment.ResourceType;
        if (Approved(query, attachmentId) || (target.ResourceId is { } resource && Approved(query, resource)))
        {
            Finish(walk, trace, PathEnd.ApprovedExit, attachmentId, $"{attachmentId} ({kind}), an approved exit (posture build.approvedEgress): not followed further");
            return;
        }

        switch (kind)
        {
            case "vpc":
                IntoVpcFromTransitGateway(attachmentId, transitGatewayId, walk, trace, query, depth);
                return;
            case "peering":
            {
                // The peer gateway sees the same attachment id; its own association decides from there.
                var peer = target.ResourceId ?? Model.AttachmentOf(attachmentId, transitGatewayId)?.Attachment.ResourceId;
                var peerOwner = Model.AttachmentOf(attachmentId, transitGatewayId)?.Attachment.ResourceOwnerId;
                var branch = walk.With(walk.Current, Hop(attachmentId, $"transit gateway peering attachment to {peer ?? "(unnamed)"}{(peerOwner is null ? "" : $" of account {peerOwner}")}"));
                if (peer is null || (peerOwner is not null && !Model.HoldsAccount(peerOwner)))
                {
                    Finish(branch, trace, PathEnd.Edge, attachmentId, $"exits via {attachmentId} toward {peer ?? "a peer transit gateway"}",
                        $"transit gateway {peer ?? "(unnamed)"}{(peerOwner is null ? "" : $" of account {peerOwner}")}, which the snapshot does not hold");
                    return;
                }

                IntoTransitGateway(attachmentId, peer, branch, trace, query, depth + 1);
                return;
            }
            case "vpn":
            {
                var vpn = Model.VpnConnection(target.ResourceId ?? "");
                Finish(walk, trace, PathEnd.Edge, attachmentId, $"exits via {attachmentId} (Site-to-Site VPN {target.ResourceId})",
                    $"premises over VPN {target.ResourceId}{(vpn is null ? "" : $" (customer gateway {vpn.CustomerGatewayId}; {Tunnels(vpn)})")}");
                return;
            }
            case "direct-connect-gateway":
                Finish(walk, trace, PathEnd.Edge, attachmentId, $"exits via {attachmentId} (Direct Connect gateway {target.ResourceId})",
                    $"premises over Direct Connect gateway {target.ResourceId} (Direct Connect is the edge of the modelled world)");
                return;
            default:
                trace.Unsupported(attachmentId, $"a {kind ?? "(unknown)"} transit gateway attachment is not modelled", walk.Hops);
                return;
        }
    }

    /// <summary>
    /// Out of a transit gateway into a VPC: at the attachment's subnet in the traffic's availability zone (else any of its
    /// subnets), whose route table and network ACL then apply as for any interface there (the attachment's own interface
    /// has no security group).
    /// </summary>
    private void IntoVpcFromTransitGateway(string attachmentId, string transitGatewayId, Walk walk, Trace trace, PathQuery query, int depth)
    {
        if (Model.VpcAttachment(attachmentId) is not { } attachment)
        {
            var resource = Model.AttachmentOf(attachmentId, transitGatewayId)?.Attachment;
            if (resource?.ResourceOwnerId is { } owner && !Model.HoldsAccount(owner))
                Finish(walk, trace, PathEnd.Edge, attachmentId, $"exits via {attachmentId} toward {resource.ResourceId}",
                    $"{resource.ResourceId} in account {owner}, which the snapshot does not hold");
            else
                trace.Unsupported(attachmentId, "the VPC attachment (its subnets) is not in the snapshot's describe-transit-gateway-vpc-attachments", walk.Hops,
                    Model.AnyGapOf(NetworkModel.NameOf(Aws.Calls.AwsCalls.DescribeTransitGatewayVpcAttachments))?.File);
            return;
        }

        if (Model.ScopeOfVpc(attachment.VpcId) is null)
        {
            Finish(walk, trace, PathEnd.Edge, attachmentId, $"exits via {attachmentId} toward {attachment.VpcId}",
                $"{attachment.VpcId} (account {attachment.VpcOwnerId ?? "unknown"}), whose network the snapshot does not hold");
            return;
        }

        var subnets = attachment.SubnetIds.Select(Model.Subnet).OfType<Subnet>().ToList();
        if (subnets.Count == 0)
        {
            trace.Unsupported(attachmentId, $"none of its subnets ({string.Join(", ", attachment.SubnetIds)}) is in the snapshot", walk.Hops);
            return;
        }

        var appliance = attachment.Options?.ApplianceModeSupport == "enable";
        var same = subnets.Where(s => SameZone(s, walk.Origin)).ToList();
        // Without appliance mode the gateway stays in the traffic's zone when the attachment has a subnet there; with it (or
        // without such a subnet) it picks one subnet for the flow: any of them may be the one.
        var entries = !appliance && same.Count > 0 ? same : subnets;
        foreach (var subnet in entries)
        {
            var node = new Node($"{attachmentId} interface in {subnet.SubnetId}", subnet, null, [], [], TransitGateway: true);
            var branch = walk.With(walk.Current, Hop(attachmentId,
                $"into {attachment.VpcId} at {subnet.SubnetId} ({subnet.AvailabilityZone}){(appliance ? ", appliance mode" : "")}: routed by that subnet's route table"));
            RouteFrom(node, branch with { Origin = subnet }, trace, query, depth + 1);
        }
    }

    /// <summary>
    /// A virtual private gateway attached to the VPC: toward premises over its VPN connections, or over Direct Connect when
    /// it has none (Direct Connect is not collected: the gateway is the edge either way).
    /// </summary>
    private void ThroughVpnGateway(Node node, string gatewayId, Walk walk, Trace trace, PathQuery query)
    {
        var vpcId = node.Subnet.VpcId;
        if (Model.VpnGateway(gatewayId) is not { } found)
        {
            NotInSnapshot(gatewayId, "virtual private gateway", vpcId, Aws.Calls.AwsCalls.DescribeVpnGateways, walk, trace);
            return;
        }

        var gateway = found.Gateway;
        if (gateway.State != "available" || !gateway.VpcAttachments.Any(a => a.VpcId == vpcId && a.State == "attached"))
        {
            trace.Block(gatewayId, $"is {gateway.State} and not attached to {vpcId}: traffic is dropped", () => walk.Current.Describe(), walk.Hops);
            return;
        }

        if (!LeaveSubnet(node, walk, trace)) return;
        var connections = Model.VpnConnectionsOn(gatewayId).ToList();
        if (Approved(query, gatewayId) || connections.Any(c => Approved(query, c.VpnConnectionId)))
        {
            Finish(walk, trace, PathEnd.ApprovedExit, gatewayId, $"{gatewayId}, an approved exit (posture build.approvedEgress): not followed further");
            return;
        }

        var connectionsGap = Model.GapFor(vpcId, NetworkModel.NameOf(Aws.Calls.AwsCalls.DescribeVpnConnections));
        var toward = connections.Count > 0
            ? $"premises over VPN {string.Join(", ", connections.Select(c => $"{c.VpnConnectionId} (customer gateway {c.CustomerGatewayId}; {Tunnels(c)})"))}"
            : connectionsGap is null
                ? "premises over Direct Connect (no VPN connection uses the gateway; Direct Connect is the edge of the modelled world)"
                : $"premises over VPN or Direct Connect (the VPN connections cannot be read: {connectionsGap.Describe()})";
        Finish(walk, trace, PathEnd.Edge, gatewayId, $"virtual private gateway attached to {vpcId}: exits the modelled world", toward);
    }

    /// <summary>A route target the snapshot does not list: unknown when its listing was not collected, else a blackhole.</summary>
    private void NotInSnapshot(string id, string what, string vpcId, Aws.Calls.AwsCall listing, Walk walk, Trace trace)
    {
        if (Model.GapFor(vpcId, NetworkModel.NameOf(listing)) is { } gap)
            trace.Unsupported(id, $"the {what} cannot be read ({gap.Describe()})", walk.Hops, gap.File);
        else
            trace.Block(id, $"is not among the snapshot's {what}s: the route is a blackhole", () => walk.Current.Describe(), walk.Hops);
    }

    private static string Tunnels(VpnConnection connection)
    {
        var tunnels = connection.VgwTelemetry ?? [];
        return tunnels.Count == 0 ? "tunnel state not reported" : $"tunnels up {tunnels.Count(t => t.Status == "UP")}/{tunnels.Count}";
    }

    /// <summary>Two subnets in the same availability zone (zone ids when both have them: names differ between accounts).</summary>
    private static bool SameZone(Subnet a, Subnet b) =>
        a.AvailabilityZoneId is { } x && b.AvailabilityZoneId is { } y ? x == y : a.AvailabilityZone == b.AvailabilityZone;

    private static bool Approved(PathQuery query, string id) => query.ApprovedEgress?.Contains(id) == true;
}
