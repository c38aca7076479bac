using IsolationChecks.Aws.Shapes;
using static IsolationChecks.Tests.Support.NetworkScope;

namespace IsolationChecks.Tests.Support;

/// <summary>
/// Two accounts joined the way the design documents join them, for hand-worked cross-account cases:
/// <code>
/// prd 222222222222: BuildNetwork (vpc-build 10.0.0.0/16; subnet-build-a in ap-northeast-1a = apne1-az4, subnet-build-c in 1c = apne1-az1)
///   tgw-attach-build: vpc-build to tgw-shared in subnet-endpoints (az4) and subnet-endpoints-c (az1)
/// network 333333333333: vpc-egress 10.50.0.0/16
///   subnet-egress-tgw-a 10.50.1.0/24 (az4), subnet-egress-tgw-c 10.50.2.0/24 (az1): rtb-egress-tgw 0.0.0.0/0 -> nat-egress, 10.0.0.0/16 -> tgw-shared
///   subnet-egress-public 10.50.100.0/24: rtb-egress-public 0.0.0.0/0 -> igw-egress, 10.0.0.0/16 -> tgw-shared; nat-egress 10.50.100.5 (public 203.0.113.50)
///   tgw-shared (owned here), tgw-rtb-shared associated with both attachments: 10.0.0.0/16 -> tgw-attach-build, 0.0.0.0/0 -> tgw-attach-egress
///   eni-egress-web 10.50.100.20 in subnet-egress-public, sg-egress-web: tcp 443 from 10.0.0.0/16
/// </code>
/// Nothing routes to the transit gateway until a test adds the route.
/// </summary>
public static class TransitWorld
{
    public const string Network = "333333333333";
    public const string Tgw = "tgw-shared";
    public const string TgwTable = "tgw-rtb-shared";
    public const string BuildAttachment = "tgw-attach-build";
    public const string EgressAttachment = "tgw-attach-egress";
    public const string EgressVpc = "vpc-egress";
    public const string EgressNat = "nat-egress";
    public const string EgressIgw = "igw-egress";

    public static (NetworkScope Prd, NetworkScope Egress) Build()
    {
        var prd = BuildNetwork.Compliant();
        prd.Replace(prd.Subnets, s => s.SubnetId == BuildNetwork.Endpoints, s => s with { AvailabilityZoneId = "apne1-az4" });
        prd.Replace(prd.Subnets, s => s.SubnetId == BuildNetwork.EndpointsC, s => s with { AvailabilityZoneId = "apne1-az1" });
        prd.Replace(prd.Subnets, s => s.SubnetId == BuildNetwork.BuildA, s => s with { AvailabilityZoneId = "apne1-az4" });
        prd.Replace(prd.Subnets, s => s.SubnetId == BuildNetwork.BuildC, s => s with { AvailabilityZoneId = "apne1-az1" });
        prd.TransitGatewayVpcAttachments.Add(new TransitGatewayVpcAttachment(BuildAttachment, Tgw, BuildNetwork.VpcId, "available",
            [BuildNetwork.Endpoints, BuildNetwork.EndpointsC], prd.AccountId));
        prd.TransitGatewayAttachments.Add(new TransitGatewayAttachment(BuildAttachment, Tgw, "vpc", "available", BuildNetwork.VpcId, Network, prd.AccountId,
            new TransitGatewayAttachmentAssociation(TgwTable, "associated")));

        var egress = new NetworkScope { AccountId = Network };
        egress.Vpcs.Add(new Vpc(EgressVpc, "10.50.0.0/16", "available", Tags: [new Tag("Name", "egress")]));
        egress.Subnets.AddRange([
            NetworkScope.Subnet("subnet-egress-tgw-a", EgressVpc, "10.50.1.0/24", "ap-northeast-1a") with { AvailabilityZoneId = "apne1-az4" },
            NetworkScope.Subnet("subnet-egress-tgw-c", EgressVpc, "10.50.2.0/24", "ap-northeast-1c") with { AvailabilityZoneId = "apne1-az1" },
            NetworkScope.Subnet("subnet-egress-public", EgressVpc, "10.50.100.0/24", "ap-northeast-1a") with { AvailabilityZoneId = "apne1-az4" },
        ]);
        egress.RouteTables.AddRange([
            new RouteTable("rtb-egress-tgw", EgressVpc, [Local("10.50.0.0/16"), RouteTo("0.0.0.0/0", NatGatewayId: EgressNat), RouteTo("10.0.0.0/16", TransitGatewayId: Tgw)],
                [Association("subnet-egress-tgw-a"), Association("subnet-egress-tgw-c")], Tags: [new Tag("Name", "egress-tgw-rt")]),
            new RouteTable("rtb-egress-public", EgressVpc, [Local("10.50.0.0/16"), RouteTo("0.0.0.0/0", GatewayId: EgressIgw), RouteTo("10.0.0.0/16", TransitGatewayId: Tgw)],
                [Association("subnet-egress-public")]),
            new RouteTable("rtb-egress-main", EgressVpc, [Local("10.50.0.0/16")], [MainAssociation()]),
        ]);
        egress.NetworkAcls.Add(OpenAcl("acl-egress", EgressVpc, isDefault: true, "subnet-egress-tgw-a", "subnet-egress-tgw-c", "subnet-egress-public"));
        egress.InternetGateways.Add(new InternetGateway(EgressIgw, [new GatewayAttachment(EgressVpc, "available")]));
        egress.NatGateways.Add(PublicNat(EgressNat, EgressVpc, "subnet-egress-public", "203.0.113.50", "10.50.100.5"));
        egress.SecurityGroups.Add(Group("sg-egress-web", "web", EgressVpc, IpPermissions: [Tcp(443, "10.0.0.0/16")], IpPermissionsEgress: [AllTo("0.0.0.0/0")]));
        egress.NetworkInterfaces.Add(Interface("eni-egress-web", "subnet-egress-public", EgressVpc, "10.50.100.20", ["sg-egress-web"]));
        egress.TransitGatewayVpcAttachments.Add(new TransitGatewayVpcAttachment(EgressAttachment, Tgw, EgressVpc, "available",
            ["subnet-egress-tgw-a", "subnet-egress-tgw-c"], Network));
        egress.TransitGatewayAttachments.AddRange([
            new TransitGatewayAttachment(BuildAttachment, Tgw, "vpc", "available", BuildNetwork.VpcId, Network, "222222222222",
                new TransitGatewayAttachmentAssociation(TgwTable, "associated")),
            new TransitGatewayAttachment(EgressAttachment, Tgw, "vpc", "available", EgressVpc, Network, Network,
                new TransitGatewayAttachmentAssociation(TgwTable, "associated")),
        ]);
        egress.TransitGatewayRouteTables.Add(new TransitGatewayRouteTable(TgwTable, Tgw, "available", true));
        egress.TransitGatewayRoutes[TgwTable] =
        [
            Static("10.0.0.0/16", BuildAttachment, BuildNetwork.VpcId),
            Static("0.0.0.0/0", EgressAttachment, EgressVpc),
        ];
        return (prd, egress);
    }

    public static TransitGatewayRoute Static(string destination, string attachment, string resource, string type = "vpc") =>
        new("static", "active", destination, TransitGatewayAttachments: [new TransitGatewayRouteAttachment(attachment, resource, type)]);

    /// <summary>Routes the build subnets' <paramref name="destination"/> to a target.</summary>
    public static void RouteBuilds(NetworkScope prd, Route route) =>
        prd.Replace(prd.RouteTables, t => t.RouteTableId == "rtb-private", t => t with { Routes = [.. t.Routes, route] });
}
