using IsolationChecks.Evaluation.Routing;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Tests.Evaluation;

public class EffectiveRouteTableTests
{
    private static readonly Subnet Subnet = new("subnet-0aaaaaaaaaaaaaaaa", "vpc-0bbbbbbbbbbbbbbbb", "ap-northeast-1a", [], "10.0.0.0/24");

    private static readonly RouteTable Main = new("rtb-main", "vpc-0bbbbbbbbbbbbbbbb", Routes: [],
        Associations: [new RouteTableAssociation(Main: true, AssociationState: new AssociationState("associated"))]);

    [Test]
    public void Explicit_association_wins_over_the_main_table()
    {
        var own = new RouteTable("rtb-own", "vpc-0bbbbbbbbbbbbbbbb", Routes: [],
            Associations: [new RouteTableAssociation(Main: false, SubnetId: Subnet.SubnetId, AssociationState: new AssociationState("associated"))]);

        var effective = EffectiveRouteTable.For(Subnet, [Main, own]);

        Assert.That(effective, Is.EqualTo(new EffectiveRouteTable(own, ViaMainTable: false)));
    }

    [Test]
    public void Unassociated_subnet_uses_its_vpcs_main_table()
    {
        var otherVpcMain = Main with { RouteTableId = "rtb-other", VpcId = "vpc-0ccccccccccccccccc" };

        var effective = EffectiveRouteTable.For(Subnet, [otherVpcMain, Main]);

        Assert.That(effective, Is.EqualTo(new EffectiveRouteTable(Main, ViaMainTable: true)));
    }

    [Test]
    public void A_disassociated_association_does_not_count()
    {
        var stale = new RouteTable("rtb-stale", "vpc-0bbbbbbbbbbbbbbbb", Routes: [],
            Associations: [new RouteTableAssociation(Main: false, SubnetId: Subnet.SubnetId, AssociationState: new AssociationState("disassociated"))]);

        Assert.That(EffectiveRouteTable.For(Subnet, [stale, Main])?.Table.RouteTableId, Is.EqualTo("rtb-main"));
    }

    [Test]
    public void No_association_and_no_main_table_is_unknown() =>
        Assert.That(EffectiveRouteTable.For(Subnet, []), Is.Null);

    [TestCase("igw-1", null, RouteTargetKind.InternetGateway)]
    [TestCase("vgw-1", null, RouteTargetKind.VirtualPrivateGateway)]
    [TestCase("vpce-1", null, RouteTargetKind.GatewayEndpoint)]
    [TestCase("local", null, RouteTargetKind.Local)]
    [TestCase(null, "nat-1", RouteTargetKind.NatGateway)]
    public void Targets_are_classified_by_member_and_prefix(string? gateway, string? nat, RouteTargetKind expected) =>
        Assert.That(RouteTargets.Classify(new Route("active", DestinationCidrBlock: "0.0.0.0/0", GatewayId: gateway, NatGatewayId: nat)), Is.EqualTo(expected));
}
