using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Evaluation.Network;

/// <summary>A transit gateway attachment as its gateway's owner sees it (with its route table association), and where that view was read.</summary>
public sealed record TransitAttachment(TransitGatewayAttachment Attachment, ScopeSnapshot Scope)
{
    public string Id => Attachment.TransitGatewayAttachmentId;
}

/// <summary>A load balancer with the scope it was read from.</summary>
public sealed record ModelLoadBalancer(LoadBalancer LoadBalancer, ScopeSnapshot Scope)
{
    /// <summary>How EC2 describes the load balancer's interfaces: "ELB app/NAME/ID".</summary>
    public string InterfaceDescription => $"ELB {AwsCalls.DescribeListeners.KeyOf(LoadBalancer.LoadBalancerArn)}";

    public bool IsInternetFacing => LoadBalancer.Scheme == "internet-facing";
}

/// <summary>A target group with the scope it was read from.</summary>
public sealed record ModelTargetGroup(TargetGroup TargetGroup, ScopeSnapshot Scope);

/// <summary>A Client VPN endpoint with the scope it was read from.</summary>
public sealed record ModelClientVpn(ClientVpnEndpoint Endpoint, ScopeSnapshot Scope);

// What connects VPCs to each other and to the world outside the snapshot, and what lets traffic in.
public sealed partial class NetworkModel
{
    private readonly Dictionary<string, (VpcPeeringConnection Peering, ScopeSnapshot Scope)> _peerings = new(StringComparer.Ordinal);
    private readonly Dictionary<(string VpcId, string TgwId), List<TransitGatewayVpcAttachment>> _vpcAttachments = [];
    private readonly Dictionary<string, TransitGatewayVpcAttachment> _vpcAttachmentsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TransitAttachment>> _attachments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (TransitGatewayRouteTable Table, ScopeSnapshot Scope)> _tgwRouteTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (VpnGateway Gateway, ScopeSnapshot Scope)> _vpnGateways = new(StringComparer.Ordinal);
    private readonly List<(VpnConnection Connection, ScopeSnapshot Scope)> _vpnConnections = [];
    private readonly List<ModelLoadBalancer> _loadBalancers = [];
    private readonly List<ModelTargetGroup> _targetGroups = [];
    private readonly List<ModelClientVpn> _clientVpns = [];

    private void IndexTransit(ScopeSnapshot scope)
    {
        foreach (var peering in ReadDocument<DescribeVpcPeeringConnectionsOutput, VpcPeeringConnection>(scope, AwsCalls.DescribeVpcPeeringConnections, o => o.VpcPeeringConnections))
        {
            // Both sides list the connection; an active view wins over a stale one.
            if (!_peerings.TryGetValue(peering.VpcPeeringConnectionId, out var known) || (known.Peering.Status.Code != "active" && peering.Status.Code == "active"))
                _peerings[peering.VpcPeeringConnectionId] = (peering, scope);
            Name(peering.VpcPeeringConnectionId, peering.Tags);
        }

        foreach (var attachment in ReadDocument<DescribeTransitGatewayVpcAttachmentsOutput, TransitGatewayVpcAttachment>(scope, AwsCalls.DescribeTransitGatewayVpcAttachments, o => o.TransitGatewayVpcAttachments))
        {
            if (!_vpcAttachmentsById.TryAdd(attachment.TransitGatewayAttachmentId, attachment)) continue;
            var key = (attachment.VpcId, attachment.TransitGatewayId);
            if (!_vpcAttachments.TryGetValue(key, out var list)) _vpcAttachments[key] = list = [];
            list.Add(attachment);
            Name(attachment.TransitGatewayAttachmentId, attachment.Tags);
        }

        foreach (var attachment in ReadDocument<DescribeTransitGatewayAttachmentsOutput, TransitGatewayAttachment>(scope, AwsCalls.DescribeTransitGatewayAttachments, o => o.TransitGatewayAttachments))
        {
            if (!_attachments.TryGetValue(attachment.TransitGatewayAttachmentId, out var views)) _attachments[attachment.TransitGatewayAttachmentId] = views = [];
            views.Add(new TransitAttachment(attachment, scope));
            Name(attachment.TransitGatewayAttachmentId, attachment.Tags);
        }

        foreach (var table in ReadDocument<DescribeTransitGatewayRouteTablesOutput, TransitGatewayRouteTable>(scope, AwsCalls.DescribeTransitGatewayRouteTables, o => o.TransitGatewayRouteTables))
        {
            _tgwRouteTables.TryAdd(table.TransitGatewayRouteTableId, (table, scope));
            Name(table.TransitGatewayRouteTableId, table.Tags);
        }

        foreach (var gateway in ReadDocument<DescribeVpnGatewaysOutput, VpnGateway>(scope, AwsCalls.DescribeVpnGateways, o => o.VpnGateways))
        {
            _vpnGateways.TryAdd(gateway.VpnGatewayId, (gateway, scope));
            Name(gateway.VpnGatewayId, gateway.Tags);
        }

        foreach (var connection in ReadDocument<DescribeVpnConnectionsOutput, VpnConnection>(scope, AwsCalls.DescribeVpnConnections, o => o.VpnConnections))
        {
            _vpnConnections.Add((connection, scope));
            Name(connection.VpnConnectionId, connection.Tags);
        }
    }

    private void IndexIngress(ScopeSnapshot scope)
    {
        foreach (var loadBalancer in ReadDocument<LoadBalancerListing, LoadBalancer>(scope, AwsCalls.DescribeLoadBalancers, o => o.LoadBalancers))
            _loadBalancers.Add(new ModelLoadBalancer(loadBalancer, scope));
        foreach (var group in ReadDocument<TargetGroupListing, TargetGroup>(scope, AwsCalls.DescribeTargetGroups, o => o.TargetGroups))
            _targetGroups.Add(new ModelTargetGroup(group, scope));
        foreach (var endpoint in ReadDocument<DescribeClientVpnEndpointsOutput, ClientVpnEndpoint>(scope, AwsCalls.DescribeClientVpnEndpoints, o => o.ClientVpnEndpoints))
        {
            _clientVpns.Add(new ModelClientVpn(endpoint, scope));
            Name(endpoint.ClientVpnEndpointId, endpoint.Tags);
        }
    }

    // ---- peering ---------------------------------------------------------------------------------------

    public (VpcPeeringConnection Peering, ScopeSnapshot Scope)? Peering(string id) => _peerings.TryGetValue(id, out var p) ? p : null;

    /// <summary>Peering connections with one side in this VPC.</summary>
    public IEnumerable<VpcPeeringConnection> PeeringsOf(string vpcId) =>
        _peerings.Values.Select(p => p.Peering).Where(p => p.AccepterVpcInfo.VpcId == vpcId || p.RequesterVpcInfo.VpcId == vpcId);

    // ---- transit gateways ------------------------------------------------------------------------------

    /// <summary>The VPC's attachments to a transit gateway.</summary>
    public IReadOnlyList<TransitGatewayVpcAttachment> VpcAttachments(string vpcId, string transitGatewayId) =>
        _vpcAttachments.TryGetValue((vpcId, transitGatewayId), out var list) ? list : [];

    public TransitGatewayVpcAttachment? VpcAttachment(string attachmentId) => _vpcAttachmentsById.GetValueOrDefault(attachmentId);

    /// <summary>
    /// The attachment as the owner of <paramref name="transitGatewayId"/> sees it (the owner's listing carries the route
    /// table association); null when no scope of that owner lists it.
    /// </summary>
    public TransitAttachment? AttachmentOf(string attachmentId, string transitGatewayId) =>
        _attachments.TryGetValue(attachmentId, out var views)
            ? views.FirstOrDefault(v => v.Attachment.TransitGatewayId == transitGatewayId && (v.Attachment.TransitGatewayOwnerId ?? v.Scope.AccountId) == v.Scope.AccountId)
            : null;

    /// <summary>Any view of an attachment (to learn the gateway's owner when the owner is not in the snapshot).</summary>
    public TransitGatewayAttachment? AnyViewOf(string attachmentId) =>
        _attachments.TryGetValue(attachmentId, out var views) ? views[0].Attachment : null;

    /// <summary>Attachments of a transit gateway, as its owner sees them.</summary>
    public IEnumerable<TransitAttachment> AttachmentsOf(string transitGatewayId) =>
        _attachments.Values.Select(v => v.FirstOrDefault(a => a.Attachment.TransitGatewayId == transitGatewayId
                                                             && (a.Attachment.TransitGatewayOwnerId ?? a.Scope.AccountId) == a.Scope.AccountId))
            .OfType<TransitAttachment>();

    /// <summary>Every transit gateway some scope lists an attachment of.</summary>
    public IEnumerable<string> TransitGatewayIds => _attachments.Values.SelectMany(v => v).Select(a => a.Attachment.TransitGatewayId).Distinct(StringComparer.Ordinal);

    public (TransitGatewayRouteTable Table, ScopeSnapshot Scope)? TransitRouteTable(string id) => _tgwRouteTables.TryGetValue(id, out var t) ? t : null;

    /// <summary>Whether a scope of this account is in the snapshot (the edge of the modelled world is everything else).</summary>
    public bool HoldsAccount(string accountId) => Scopes.Any(s => s.AccountId == accountId);

    // ---- VPN -------------------------------------------------------------------------------------------

    public (VpnGateway Gateway, ScopeSnapshot Scope)? VpnGateway(string id) => _vpnGateways.TryGetValue(id, out var g) ? g : null;

    public IEnumerable<VpnConnection> VpnConnectionsOn(string gatewayId) =>
        _vpnConnections.Select(c => c.Connection).Where(c => c.VpnGatewayId == gatewayId || c.TransitGatewayId == gatewayId)
            .Where(c => c.State is not ("deleted" or "deleting"));

    public VpnConnection? VpnConnection(string id) => _vpnConnections.Select(c => c.Connection).FirstOrDefault(c => c.VpnConnectionId == id);

    /// <summary>Virtual private gateways attached to a VPC.</summary>
    public IEnumerable<VpnGateway> VpnGatewaysOf(string vpcId) =>
        _vpnGateways.Values.Select(g => g.Gateway).Where(g => g.VpcAttachments.Any(a => a.VpcId == vpcId && a.State == "attached"));

    // ---- load balancers and Client VPN -------------------------------------------------------------

    public IReadOnlyList<ModelLoadBalancer> LoadBalancers => _loadBalancers;

    public ModelLoadBalancer? LoadBalancer(string arnOrName) =>
        _loadBalancers.FirstOrDefault(l => l.LoadBalancer.LoadBalancerArn == arnOrName)
        ?? _loadBalancers.FirstOrDefault(l => l.LoadBalancer.LoadBalancerName == arnOrName);

    /// <summary>The load balancer an interface belongs to (EC2 describes it as "ELB app/NAME/ID"), if any.</summary>
    public ModelLoadBalancer? LoadBalancerOfInterface(string interfaceId) =>
        Interface(interfaceId)?.Description is { } description && description.StartsWith("ELB ", StringComparison.Ordinal)
            ? _loadBalancers.FirstOrDefault(l => l.InterfaceDescription == description)
            : null;

    /// <summary>Target groups a load balancer forwards to (by listener default actions or rules: every group that names it).</summary>
    public IEnumerable<ModelTargetGroup> TargetGroupsOf(string loadBalancerArn) =>
        _targetGroups.Where(g => g.TargetGroup.LoadBalancerArns.Contains(loadBalancerArn));

    public IReadOnlyList<ModelClientVpn> ClientVpnEndpoints => _clientVpns;
}

/// <summary>One destination of a transit gateway route (a CIDR, or one entry of its prefix list) with its priority rank.</summary>
public sealed record TransitRouteCandidate(Cidr Cidr, int Rank, int Order, TransitGatewayRoute Route);

/// <summary>A transit gateway route table's destinations of one family in priority order; or the gap that keeps them unknown.</summary>
public sealed record TransitRoutes(IReadOnlyList<TransitRouteCandidate> Ordered, IReadOnlyList<(TransitGatewayRoute Route, DataGap Gap)> Unresolved, DataGap? Gap, string File);

public sealed partial class NetworkModel
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, System.Net.Sockets.AddressFamily), TransitRoutes> _transitRoutes = new();

    /// <summary>
    /// A transit gateway route table's routes of one family (search-transit-gateway-routes in the owner's scope), in the
    /// order AWS evaluates them: longest prefix; then static, prefix-list, and propagated routes (VPC, Direct Connect
    /// gateway, Connect, VPN). A listing that says more routes exist than it holds is a gap, never a partial table.
    /// </summary>
    public TransitRoutes TransitRoutesOf(string tableId, ScopeSnapshot owner, System.Net.Sockets.AddressFamily family) =>
        _transitRoutes.GetOrAdd((tableId, family), _ =>
        {
            var file = owner.PathOf(AwsCalls.SearchTransitGatewayRoutes.FileFor(tableId));
            if (!owner.Read<SearchTransitGatewayRoutesOutput>(AwsCalls.SearchTransitGatewayRoutes, tableId).TryGet(out var output, out var gap))
                return new TransitRoutes([], [], gap, file);
            if (output.AdditionalRoutesAvailable)
                return new TransitRoutes([], [], new DataGap("ec2", "SearchTransitGatewayRoutes",
                    $"{tableId} holds more routes than one search returns (AdditionalRoutesAvailable): the listing is incomplete", null, file,
                    "Collect the table's routes in parts (search-transit-gateway-routes with route-search filters) or export them (export-transit-gateway-routes)."), file);
            var candidates = new List<TransitRouteCandidate>();
            var unresolved = new List<(TransitGatewayRoute, DataGap)>();
            for (var i = 0; i < output.Routes.Count; i++)
            {
                var route = output.Routes[i];
                var rank = route.Type == "static" ? 0 : 2 + (route.TransitGatewayAttachments?.FirstOrDefault()?.ResourceType switch
                {
                    "vpc" => 0, "direct-connect-gateway" => 1, "connect" => 2, _ => 3,
                });
                if (route.PrefixListId is { } listId)
                {
                    if (PrefixList(listId, owner).TryGet(out var entries, out var listGap))
                        candidates.AddRange(entries.Where(e => e.Family == family).Select(e => new TransitRouteCandidate(e, route.Type == "static" ? 1 : rank, i, route)));
                    else unresolved.Add((route, listGap));
                }
                else if (Cidr.TryParse(route.DestinationCidrBlock, out var cidr))
                {
                    if (cidr.Family == family) candidates.Add(new TransitRouteCandidate(cidr, rank, i, route));
                }
                else unresolved.Add((route, new DataGap("ec2", "SearchTransitGatewayRoutes", $"route destination '{route.Destination}' is not a CIDR", DataGap.MalformedEvidence, file)));
            }

            return new TransitRoutes(candidates.OrderByDescending(c => c.Cidr.PrefixLength).ThenBy(c => c.Rank).ThenBy(c => c.Order).ToList(), unresolved, null, file);
        });
}
