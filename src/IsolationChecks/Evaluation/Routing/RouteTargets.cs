using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Routing;

/// <summary>What a route sends traffic to, as far as leaving the VPC is concerned.</summary>
public enum RouteTargetKind
{
    Local,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    /// <summary>An instance or network interface: possibly a NAT instance or appliance.</summary>
    InstanceOrInterface,
    TransitGateway,
    PeeringConnection,
    VirtualPrivateGateway,
    GatewayEndpoint,
    /// <summary>Local gateway (Outposts), carrier gateway (Wavelength) or Cloud WAN core network.</summary>
    OtherGateway,
    Unknown,
}

public static class RouteTargets
{
    public static RouteTargetKind Classify(Route route) => route switch
    {
        { GatewayId: "local" } => RouteTargetKind.Local,
        { GatewayId: { } g } when g.StartsWith("igw-", StringComparison.Ordinal) => RouteTargetKind.InternetGateway,
        { GatewayId: { } g } when g.StartsWith("vgw-", StringComparison.Ordinal) => RouteTargetKind.VirtualPrivateGateway,
        { GatewayId: { } g } when g.StartsWith("vpce-", StringComparison.Ordinal) => RouteTargetKind.GatewayEndpoint,
        { EgressOnlyInternetGatewayId: not null } => RouteTargetKind.EgressOnlyInternetGateway,
        { GatewayId: { } g } when g.StartsWith("eigw-", StringComparison.Ordinal) => RouteTargetKind.EgressOnlyInternetGateway,
        { NatGatewayId: not null } => RouteTargetKind.NatGateway,
        { TransitGatewayId: not null } => RouteTargetKind.TransitGateway,
        { VpcPeeringConnectionId: not null } => RouteTargetKind.PeeringConnection,
        { InstanceId: not null } or { NetworkInterfaceId: not null } => RouteTargetKind.InstanceOrInterface,
        { LocalGatewayId: not null } or { CarrierGatewayId: not null } or { CoreNetworkArn: not null } => RouteTargetKind.OtherGateway,
        _ => RouteTargetKind.Unknown,
    };

    /// <summary>Targets through which traffic can leave the VPC towards the internet or another network (CB-2).</summary>
    public static bool LeavesVpc(RouteTargetKind kind) => kind is not (RouteTargetKind.Local or RouteTargetKind.GatewayEndpoint);

    public static string Describe(RouteTargetKind kind) => kind switch
    {
        RouteTargetKind.Local => "local",
        RouteTargetKind.InternetGateway => "internet gateway",
        RouteTargetKind.EgressOnlyInternetGateway => "egress-only internet gateway",
        RouteTargetKind.NatGateway => "NAT gateway",
        RouteTargetKind.InstanceOrInterface => "instance/network interface (possible NAT instance)",
        RouteTargetKind.TransitGateway => "transit gateway",
        RouteTargetKind.PeeringConnection => "VPC peering connection",
        RouteTargetKind.VirtualPrivateGateway => "virtual private gateway",
        RouteTargetKind.GatewayEndpoint => "gateway VPC endpoint",
        RouteTargetKind.OtherGateway => "local/carrier gateway or core network",
        _ => "unrecognised target",
    };
}
