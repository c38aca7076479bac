using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Tests.Support;
using static IsolationChecks.Tests.Support.BuildNetwork;
using static IsolationChecks.Tests.Support.NetworkScope;
using static IsolationChecks.Tests.Support.TransitWorld;

namespace IsolationChecks.Tests.Network;

/// <summary>
/// Hand-worked cases for what joins VPCs and accounts (<see cref="TransitWorld"/>): each asserts the verdict and the hop
/// that decides it.
/// </summary>
public class TransitPathTests
{
    private static readonly PathSource BuildA = new PathSource.SubnetWithGroups(BuildNetwork.BuildA, [BuildGroup]);

    private static PathAnswer Ask(PathSource source, string destination, int port, params NetworkScope[] scopes) =>
        new PathEngine(NetworkModel.Build(NetworkScope.Snapshot(scopes))).Ask(new PathQuery(source, [Cidr.Parse(destination)],
            Interval.Single(Protocols.Tcp), Interval.Single((UInt128)port), PathQuery.EphemeralPorts));

    private static PathAnswer ToInternet(IReadOnlyCollection<string>? approved, params NetworkScope[] scopes) =>
        new PathEngine(NetworkModel.Build(NetworkScope.Snapshot(scopes))).Ask(PathQuery.ToInternet(BuildA, approved));

    private static string Components(ReachedPath path) => string.Join(" > ", path.Hops.Select(h => h.Component));

    [Test]
    public void A_transit_gateway_route_to_an_egress_vpc_of_another_account_reaches_the_internet_through_its_nat_gateway()
    {
        var (prd, egress) = TransitWorld.Build();
        RouteBuilds(prd, RouteTo("0.0.0.0/0", TransitGatewayId: Tgw));

        var answer = ToInternet(null, prd, egress);

        var path = answer.Paths.Single(p => p.End == PathEnd.Internet);
        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Reachable), answer.Describe());
        Assert.That(Components(path), Does.Match($"rtb-private.*{BuildAttachment}.*{TgwTable}.*{EgressAttachment}.*rtb-egress-tgw.*{EgressNat}.*rtb-egress-public.*{EgressIgw}"));
        Assert.That(path.Hops.Single(h => h.Component == EgressIgw).Detail, Does.Contain("203.0.113.50"));
        Assert.That(path.Hops.First(h => h.Component.StartsWith("rtb-egress-tgw", StringComparison.Ordinal)).Name, Is.EqualTo("egress-tgw-rt"), "hops carry Name tags");
    }

    [Test]
    public void An_approved_transit_gateway_is_where_the_path_stops()
    {
        var (prd, egress) = TransitWorld.Build();
        RouteBuilds(prd, RouteTo("0.0.0.0/0", TransitGatewayId: Tgw));

        var answer = ToInternet([Tgw], prd, egress);

        Assert.That(answer.Paths.Select(p => p.End), Has.None.EqualTo(PathEnd.Internet), answer.Describe());
        Assert.That(answer.Paths.Single(p => p.End == PathEnd.ApprovedExit).Target, Is.EqualTo(Tgw));
    }

    [Test]
    public void A_transit_gateway_whose_owner_is_not_in_the_snapshot_is_the_edge_of_the_world()
    {
        var (prd, _) = TransitWorld.Build();
        RouteBuilds(prd, RouteTo("0.0.0.0/0", TransitGatewayId: Tgw));

        var answer = ToInternet(null, prd);

        var edge = answer.Paths.Single(p => p.End == PathEnd.Edge);
        Assert.That(edge.Target, Is.EqualTo(Tgw));
        Assert.That(edge.Toward, Does.Contain($"account {TransitWorld.Network}, which the snapshot does not hold"));
    }

    [Test]
    public void A_more_specific_blackhole_in_the_transit_gateway_route_table_drops_the_traffic()
    {
        var (prd, egress) = TransitWorld.Build();
        RouteBuilds(prd, RouteTo("0.0.0.0/0", TransitGatewayId: Tgw));
        egress.TransitGatewayRoutes[TgwTable].Add(new TransitGatewayRoute("static", "blackhole", "198.51.100.0/24"));

        var blocked = Ask(BuildA, "198.51.100.7", 443, prd, egress);
        var elsewhere = Ask(BuildA, "192.0.2.7", 443, prd, egress);

        Assert.That(blocked.Verdict, Is.EqualTo(PathVerdict.Unreachable), blocked.Describe());
        Assert.That(blocked.Blocks.Single().Component, Is.EqualTo(TgwTable));
        Assert.That(blocked.Blocks.Single().Reason, Does.Contain("198.51.100.0/24").And.Contain("blackhole"));
        Assert.That(elsewhere.Verdict, Is.EqualTo(PathVerdict.Reachable), elsewhere.Describe());
    }

    [Test]
    public void A_zone_without_an_attachment_subnet_cannot_reach_the_transit_gateway()
    {
        var (prd, egress) = TransitWorld.Build();
        RouteBuilds(prd, RouteTo("0.0.0.0/0", TransitGatewayId: Tgw));
        prd.Replace(prd.TransitGatewayVpcAttachments, a => a.TransitGatewayAttachmentId == BuildAttachment, a => a with { SubnetIds = [Endpoints] });

        var fromC = Ask(new PathSource.SubnetWithGroups(BuildC, [BuildGroup]), "192.0.2.7", 443, prd, egress);
        var fromA = Ask(BuildA, "192.0.2.7", 443, prd, egress);

        Assert.That(fromC.Verdict, Is.EqualTo(PathVerdict.Unreachable), fromC.Describe());
        Assert.That(fromC.Blocks.Single().Component, Is.EqualTo(BuildAttachment));
        Assert.That(fromC.Blocks.Single().Reason, Does.Contain("has no subnet in ap-northeast-1c"));
        Assert.That(fromA.Verdict, Is.EqualTo(PathVerdict.Reachable), fromA.Describe());
    }

    [Test]
    public void The_transit_gateway_carries_a_reply_path_back_to_the_builds_across_accounts()
    {
        var (prd, egress) = TransitWorld.Build();
        RouteBuilds(prd, RouteTo("10.50.0.0/16", TransitGatewayId: Tgw));
        egress.TransitGatewayRoutes[TgwTable].Add(Static("10.50.0.0/16", EgressAttachment, EgressVpc));

        var answer = Ask(BuildA, "10.50.100.20", 443, prd, egress);

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Reachable), answer.Describe());
        Assert.That(answer.Paths.Single().Target, Is.EqualTo("eni-egress-web"));
        Assert.That(Components(answer.Paths.Single()), Does.Contain(EgressAttachment).And.Contain("sg-egress-web").Or.Contain("eni-egress-web security group ingress"));
    }

    [Test]
    public void Equal_cost_attachments_are_every_one_a_path()
    {
        var (prd, egress) = TransitWorld.Build();
        RouteBuilds(prd, RouteTo("192.168.0.0/16", TransitGatewayId: Tgw));
        egress.VpnConnections.AddRange([
            new VpnConnection("vpn-0000000000000000a", "available", "cgw-0000000000000000a", TransitGatewayId: Tgw, VgwTelemetry: [new VpnTunnelTelemetry("UP"), new VpnTunnelTelemetry("DOWN")]),
            new VpnConnection("vpn-0000000000000000b", "available", "cgw-0000000000000000b", TransitGatewayId: Tgw),
        ]);
        egress.TransitGatewayRoutes[TgwTable].Add(new TransitGatewayRoute("propagated", "active", "192.168.0.0/16", TransitGatewayAttachments:
        [
            new TransitGatewayRouteAttachment("tgw-attach-vpn-a", "vpn-0000000000000000a", "vpn"),
            new TransitGatewayRouteAttachment("tgw-attach-vpn-b", "vpn-0000000000000000b", "vpn"),
        ]));

        var answer = Ask(BuildA, "192.168.1.1", 22, prd, egress);

        Assert.That(answer.Paths.Select(p => p.Target), Is.EquivalentTo(new[] { "tgw-attach-vpn-a", "tgw-attach-vpn-b" }), answer.Describe());
        Assert.That(answer.Paths.Select(p => p.End), Is.All.EqualTo(PathEnd.Edge));
        Assert.That(answer.Paths.Single(p => p.Target == "tgw-attach-vpn-a").Toward, Does.Contain("premises over VPN vpn-0000000000000000a").And.Contain("tunnels up 1/2"));
    }

    [Test]
    public void A_peering_connection_is_not_transitive_even_to_a_vpc_with_a_nat_route()
    {
        var (prd, egress) = TransitWorld.Build();
        Peer(prd, egress);
        RouteBuilds(prd, RouteTo("0.0.0.0/0", VpcPeeringConnectionId: "pcx-build-egress"));

        var internet = Ask(BuildA, "198.51.100.7", 443, prd, egress);
        var peer = Ask(BuildA, "10.50.100.20", 443, prd, egress);

        Assert.That(internet.Verdict, Is.EqualTo(PathVerdict.Unreachable), internet.Describe());
        Assert.That(internet.Blocks.Single().Component, Is.EqualTo("pcx-build-egress"));
        Assert.That(internet.Blocks.Single().Reason, Does.Contain("peering is not transitive"));
        Assert.That(peer.Verdict, Is.EqualTo(PathVerdict.Reachable), peer.Describe());
        Assert.That(Components(peer.Paths.Single()), Does.Contain("pcx-build-egress"));
    }

    [Test]
    public void A_security_group_reference_across_a_peering_admits_the_peer_group_members()
    {
        var (prd, egress) = TransitWorld.Build();
        Peer(prd, egress);
        RouteBuilds(prd, RouteTo("10.50.0.0/16", VpcPeeringConnectionId: "pcx-build-egress"));
        egress.Replace(egress.SecurityGroups, g => g.GroupId == "sg-egress-web", g => g with
        {
            IpPermissions = [Permission("tcp", 443, 443, UserIdGroupPairs: [new UserIdGroupPair(EndpointGroup, UserId: "222222222222", VpcPeeringConnectionId: "pcx-build-egress")])],
        });
        prd.NetworkInterfaces.Add(Interface("eni-build-host", BuildNetwork.BuildA, VpcId, "10.0.1.50", [EndpointGroup, BuildGroup]));
        prd.NetworkInterfaces.Add(Interface("eni-build-other", BuildNetwork.BuildA, VpcId, "10.0.1.60", [BuildGroup]));

        var member = Ask(new PathSource.Interface("eni-build-host"), "10.50.100.20", 443, prd, egress);
        var stranger = Ask(new PathSource.Interface("eni-build-other"), "10.50.100.20", 443, prd, egress);

        Assert.That(member.Verdict, Is.EqualTo(PathVerdict.Reachable), member.Describe());
        Assert.That(stranger.Verdict, Is.EqualTo(PathVerdict.Unreachable), stranger.Describe());
        Assert.That(stranger.Blocks.Single().Component, Does.Contain("eni-egress-web security group ingress"));
    }

    [Test]
    public void A_pending_peering_connection_carries_nothing()
    {
        var (prd, egress) = TransitWorld.Build();
        Peer(prd, egress, "pending-acceptance");
        RouteBuilds(prd, RouteTo("10.50.0.0/16", VpcPeeringConnectionId: "pcx-build-egress"));

        var answer = Ask(BuildA, "10.50.100.20", 443, prd, egress);

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Unreachable));
        Assert.That(answer.Blocks.Single().Reason, Does.Contain("is pending-acceptance, not active"));
    }

    [Test]
    public void A_peering_to_a_vpc_outside_the_snapshot_is_an_edge_naming_the_vpc_and_account()
    {
        var (prd, egress) = TransitWorld.Build();
        Peer(prd, egress);
        RouteBuilds(prd, RouteTo("10.50.0.0/16", VpcPeeringConnectionId: "pcx-build-egress"));

        var answer = Ask(BuildA, "10.50.100.20", 443, prd);

        var edge = answer.Paths.Single();
        Assert.That(edge.End, Is.EqualTo(PathEnd.Edge));
        Assert.That(edge.Toward, Does.Contain($"{EgressVpc} in account {TransitWorld.Network}"));
    }

    [Test]
    public void A_virtual_private_gateway_exits_toward_premises_over_its_vpn_or_direct_connect()
    {
        var prd = BuildNetwork.Compliant();
        prd.VpnGateways.Add(new VpnGateway("vgw-0000000000000000a", "available", [new VpcAttachment(VpcId, "attached")]));
        RouteBuilds(prd, RouteTo("0.0.0.0/0", GatewayId: "vgw-0000000000000000a"));

        var overDirectConnect = ToInternet(null, prd);
        prd.VpnConnections.Add(new VpnConnection("vpn-0000000000000000a", "available", "cgw-0000000000000000a", VpnGatewayId: "vgw-0000000000000000a"));
        var overVpn = ToInternet(null, prd);
        var approved = ToInternet(["vpn-0000000000000000a"], prd);

        Assert.That(overDirectConnect.Paths.Single(p => p.End == PathEnd.Edge).Toward, Does.Contain("Direct Connect"));
        Assert.That(overVpn.Paths.Single(p => p.End == PathEnd.Edge).Toward, Does.Contain("premises over VPN vpn-0000000000000000a (customer gateway cgw-0000000000000000a"));
        Assert.That(approved.Paths.Select(p => p.End), Has.None.EqualTo(PathEnd.Edge).And.Some.EqualTo(PathEnd.ApprovedExit));
    }

    [Test]
    public void A_direct_connect_gateway_attachment_is_the_edge()
    {
        var (prd, egress) = TransitWorld.Build();
        RouteBuilds(prd, RouteTo("172.16.0.0/12", TransitGatewayId: Tgw));
        egress.TransitGatewayRoutes[TgwTable].Add(new TransitGatewayRoute("propagated", "active", "172.16.0.0/12",
            TransitGatewayAttachments: [new TransitGatewayRouteAttachment("tgw-attach-dx", "5f3f0a4e-1111-2222-3333-444455556666", "direct-connect-gateway")]));

        var answer = Ask(BuildA, "172.16.0.10", 443, prd, egress);

        Assert.That(answer.Paths.Single().End, Is.EqualTo(PathEnd.Edge));
        Assert.That(answer.Paths.Single().Toward, Does.Contain("Direct Connect gateway 5f3f0a4e-1111-2222-3333-444455556666"));
    }

    [Test]
    public void A_prefix_list_route_whose_entries_are_unknown_makes_the_answer_inconclusive_instead_of_falling_back()
    {
        var prd = BuildNetwork.Compliant();
        RouteBuilds(prd, RouteTo("0.0.0.0/0", NatGatewayId: Nat));
        RouteBuilds(prd, RouteTo("pl-0000000000000000e", GatewayId: "vgw-0000000000000000a"));

        var answer = Ask(BuildA, "198.51.100.7", 443, prd);

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Inconclusive), answer.Describe());
        Assert.That(answer.Paths, Is.Empty, "the NAT route must not decide what a more specific prefix-list route may take");
        Assert.That(answer.Unsupported.Single().Reason, Does.Contain("pl-0000000000000000e").And.Contain("may be more specific"));
    }

    [Test]
    public void An_aws_managed_prefix_list_resolves_from_describe_prefix_lists_when_its_entries_were_not_collected()
    {
        var prd = BuildNetwork.Compliant();
        prd.PrefixLists.Remove(S3List);

        var unknown = ToInternet(null, prd);
        var snapshot = NetworkScope.Snapshot(prd);
        var withCidrs = new PathEngine(NetworkModel.Build(WithAwsPrefixList(snapshot))).Ask(PathQuery.ToInternet(BuildA));

        Assert.That(unknown.Verdict, Is.EqualTo(PathVerdict.Inconclusive), unknown.Describe());
        Assert.That(withCidrs.Paths.Select(p => p.End), Has.Some.EqualTo(PathEnd.GatewayEndpoint), withCidrs.Describe());
    }

    private static IsolationChecks.Snapshots.Snapshot WithAwsPrefixList(IsolationChecks.Snapshots.Snapshot snapshot)
    {
        var files = new Dictionary<string, byte[]>(snapshot.Files!.Files)
        {
            ["PrefixLists.json"] = System.Text.Encoding.UTF8.GetBytes("""{"PrefixLists":[{"PrefixListId":"pl-s3","PrefixListName":"com.amazonaws.ap-northeast-1.s3","Cidrs":["52.219.0.0/20","3.5.152.0/21"]}]}"""),
        };
        var manifest = snapshot.Manifest! with { Files = files.ToDictionary(f => f.Key, f => IsolationChecks.Collection.FileDigest.Sha256Hex(f.Value)) };
        return IsolationChecks.Snapshots.SnapshotReader.Read(new IsolationChecks.Collection.SnapshotFiles("test", files, manifest));
    }

    private static void Peer(NetworkScope prd, NetworkScope egress, string status = "active")
    {
        var peering = new VpcPeeringConnection("pcx-build-egress",
            new PeeringVpcInfo(EgressVpc, TransitWorld.Network, "ap-northeast-1", "10.50.0.0/16"),
            new PeeringVpcInfo(VpcId, "222222222222", "ap-northeast-1", "10.0.0.0/16"),
            new PeeringStatus(status));
        prd.VpcPeeringConnections.Add(peering);
        egress.VpcPeeringConnections.Add(peering);
        egress.Replace(egress.RouteTables, t => t.RouteTableId == "rtb-egress-public", t => t with
        {
            Routes = [.. t.Routes.Where(r => r.DestinationCidrBlock != "10.0.0.0/16"), RouteTo("10.0.0.0/16", VpcPeeringConnectionId: "pcx-build-egress")],
        });
    }
}
