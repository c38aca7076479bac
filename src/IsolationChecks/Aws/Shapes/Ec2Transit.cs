// Records in the JSON shapes the AWS CLI prints for what connects a VPC to other networks: peering, transit
// gateways, VPN, Client VPN and the AWS-managed prefix lists. Only what the path engine reads is declared.
namespace IsolationChecks.Aws.Shapes;

public sealed record PeeringCidrBlock(string CidrBlock);

public sealed record PeeringIpv6CidrBlock(string Ipv6CidrBlock);

/// <summary>One side of a peering connection.</summary>
public sealed record PeeringVpcInfo(
    string VpcId,
    string OwnerId,
    [AbsentMeans("the side is in the requester's region")] string? Region = null,
    [AbsentMeans("the side's CIDR is not known yet (the peering is not active)")] string? CidrBlock = null,
    [AbsentMeans("only CidrBlock is routed through the peering")] IReadOnlyList<PeeringCidrBlock>? CidrBlockSet = null,
    [AbsentMeans("no IPv6 CIDR is routed through the peering")] IReadOnlyList<PeeringIpv6CidrBlock>? Ipv6CidrBlockSet = null);

public sealed record PeeringStatus(string Code, [AbsentMeans("no status message")] string? Message = null);

public sealed record VpcPeeringConnection(
    string VpcPeeringConnectionId,
    PeeringVpcInfo AccepterVpcInfo,
    PeeringVpcInfo RequesterVpcInfo,
    PeeringStatus Status,
    [AbsentMeans("the peering connection has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record TransitGatewayAttachmentAssociation(string TransitGatewayRouteTableId, string State);

/// <summary>An attachment of any kind: vpc, vpn, direct-connect-gateway, peering, connect, tgw-peering, network-function.</summary>
public sealed record TransitGatewayAttachment(
    string TransitGatewayAttachmentId,
    string TransitGatewayId,
    string ResourceType,
    string State,
    [AbsentMeans("the attached resource is not named (a peering attachment still pending)")] string? ResourceId = null,
    [AbsentMeans("the transit gateway is owned by the scope's account")] string? TransitGatewayOwnerId = null,
    [AbsentMeans("the attached resource is owned by the scope's account")] string? ResourceOwnerId = null,
    [AbsentMeans("the attachment is associated with no route table: the transit gateway routes nothing it sends")] TransitGatewayAttachmentAssociation? Association = null,
    [AbsentMeans("the attachment has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record TransitGatewayVpcAttachmentOptions(
    [AbsentMeans("appliance mode is disabled (the default)")] string? ApplianceModeSupport = null,
    [AbsentMeans("IPv6 is disabled (the default)")] string? Ipv6Support = null);

public sealed record TransitGatewayVpcAttachment(
    string TransitGatewayAttachmentId,
    string TransitGatewayId,
    string VpcId,
    string State,
    IReadOnlyList<string> SubnetIds,
    [AbsentMeans("the VPC is owned by the scope's account")] string? VpcOwnerId = null,
    [AbsentMeans("the default options (appliance mode disabled)")] TransitGatewayVpcAttachmentOptions? Options = null,
    [AbsentMeans("the attachment has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record TransitGatewayRouteTable(
    string TransitGatewayRouteTableId,
    string TransitGatewayId,
    string State,
    [AbsentMeans("the table is not the default association table")] bool? DefaultAssociationRouteTable = null,
    [AbsentMeans("the table has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record TransitGatewayRouteAttachment(
    [AbsentMeans("the route has no attachment (a blackhole)")] string? TransitGatewayAttachmentId = null,
    [AbsentMeans("the attached resource is not named")] string? ResourceId = null,
    [AbsentMeans("the attachment's type is not given")] string? ResourceType = null);

public sealed record TransitGatewayRoute(
    string Type,
    string State,
    [AbsentMeans("the route's destination is a prefix list")] string? DestinationCidrBlock = null,
    [AbsentMeans("the route's destination is a CIDR")] string? PrefixListId = null,
    [AbsentMeans("the route sends to no attachment (a blackhole)")] IReadOnlyList<TransitGatewayRouteAttachment>? TransitGatewayAttachments = null) : IValidatedShape
{
    public string Destination => DestinationCidrBlock ?? PrefixListId ?? "(none)";

    public string? Problem() =>
        DestinationCidrBlock is null && PrefixListId is null ? "the route has neither DestinationCidrBlock nor PrefixListId"
        : State == "active" && TransitGatewayAttachments is not { Count: > 0 } ? $"the active route {Destination} names no attachment (an active route always has one; a blackhole route has none)"
        : null;
}

public sealed record VpcAttachment(string VpcId, string State);

public sealed record VpnGateway(
    string VpnGatewayId,
    string State,
    IReadOnlyList<VpcAttachment> VpcAttachments,
    [AbsentMeans("the gateway type is not recorded")] string? Type = null,
    [AbsentMeans("the gateway has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record VpnStaticRoute(string DestinationCidrBlock, [AbsentMeans("the route's state is not recorded")] string? State = null);

public sealed record VpnTunnelTelemetry(string Status, [AbsentMeans("the tunnel's outside address is not recorded")] string? OutsideIpAddress = null);

public sealed record VpnConnectionOptions([AbsentMeans("the connection uses BGP (dynamic routing)")] bool? StaticRoutesOnly = null);

/// <summary>A Site-to-Site VPN connection, on a virtual private gateway or a transit gateway.</summary>
public sealed record VpnConnection(
    string VpnConnectionId,
    string State,
    string CustomerGatewayId,
    [AbsentMeans("the connection is not on a virtual private gateway")] string? VpnGatewayId = null,
    [AbsentMeans("the connection is not on a transit gateway")] string? TransitGatewayId = null,
    [AbsentMeans("the default options (BGP)")] VpnConnectionOptions? Options = null,
    [AbsentMeans("the connection has no static routes")] IReadOnlyList<VpnStaticRoute>? Routes = null,
    [AbsentMeans("the tunnels' state is not reported")] IReadOnlyList<VpnTunnelTelemetry>? VgwTelemetry = null,
    [AbsentMeans("the connection has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record ClientVpnStatus(string Code, [AbsentMeans("no status message")] string? Message = null);

public sealed record ClientVpnEndpoint(
    string ClientVpnEndpointId,
    ClientVpnStatus Status,
    string ClientCidrBlock,
    [AbsentMeans("the endpoint is associated with no VPC yet")] string? VpcId = null,
    [AbsentMeans("the endpoint's target networks use the VPC's default security group")] IReadOnlyList<string>? SecurityGroupIds = null,
    [AbsentMeans("split tunnel is off: every client route goes through the endpoint")] bool? SplitTunnel = null,
    [AbsentMeans("the endpoint has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record ClientVpnTargetNetwork(
    string TargetNetworkId,
    string VpcId,
    ClientVpnStatus Status,
    [AbsentMeans("no association id is recorded")] string? AssociationId = null,
    [AbsentMeans("the endpoint's security groups apply")] IReadOnlyList<string>? SecurityGroups = null);

public sealed record ClientVpnAuthorizationRule(
    string DestinationCidr,
    ClientVpnStatus Status,
    [AbsentMeans("the rule is limited to a group (GroupId)")] bool? AccessAll = null,
    [AbsentMeans("the rule is for every client (AccessAll)")] string? GroupId = null);

public sealed record ClientVpnRoute(
    string DestinationCidr,
    string TargetSubnet,
    ClientVpnStatus Status,
    [AbsentMeans("the route's origin is not recorded")] string? Origin = null);

/// <summary>An AWS-managed prefix list of a gateway endpoint service (S3, DynamoDB), with its CIDRs.</summary>
public sealed record AwsPrefixList(
    string PrefixListId,
    [AbsentMeans("the list has no name")] string? PrefixListName = null,
    [AbsentMeans("the list's CIDRs are not given: get-managed-prefix-list-entries must resolve it")] IReadOnlyList<string>? Cidrs = null);

public sealed record DescribeVpcPeeringConnectionsOutput(IReadOnlyList<VpcPeeringConnection> VpcPeeringConnections);

public sealed record DescribeTransitGatewayAttachmentsOutput(IReadOnlyList<TransitGatewayAttachment> TransitGatewayAttachments);

public sealed record DescribeTransitGatewayVpcAttachmentsOutput(IReadOnlyList<TransitGatewayVpcAttachment> TransitGatewayVpcAttachments);

public sealed record DescribeTransitGatewayRouteTablesOutput(IReadOnlyList<TransitGatewayRouteTable> TransitGatewayRouteTables);

/// <param name="AdditionalRoutesAvailable">True when the table holds more routes than one search returns: the listing is incomplete.</param>
public sealed record SearchTransitGatewayRoutesOutput(IReadOnlyList<TransitGatewayRoute> Routes, bool AdditionalRoutesAvailable);

public sealed record DescribeVpnGatewaysOutput(IReadOnlyList<VpnGateway> VpnGateways);

public sealed record DescribeVpnConnectionsOutput(IReadOnlyList<VpnConnection> VpnConnections);

public sealed record DescribeClientVpnEndpointsOutput(IReadOnlyList<ClientVpnEndpoint> ClientVpnEndpoints);

public sealed record DescribeClientVpnTargetNetworksOutput(IReadOnlyList<ClientVpnTargetNetwork> ClientVpnTargetNetworks);

public sealed record DescribeClientVpnAuthorizationRulesOutput(IReadOnlyList<ClientVpnAuthorizationRule> AuthorizationRules);

public sealed record DescribeClientVpnRoutesOutput(IReadOnlyList<ClientVpnRoute> Routes);

public sealed record DescribePrefixListsOutput(IReadOnlyList<AwsPrefixList> PrefixLists);
