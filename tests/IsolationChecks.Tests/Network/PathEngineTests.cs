using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Tests.Support;
using static IsolationChecks.Tests.Support.BuildNetwork;
using static IsolationChecks.Tests.Support.NetworkScope;

namespace IsolationChecks.Tests.Network;

/// <summary>Hand-worked cases, one per primitive of the engine, on <see cref="BuildNetwork"/>.</summary>
public class PathEngineTests
{
    private static readonly PathSource Build = new PathSource.SubnetWithGroups(BuildA, [BuildGroup]);

    private static PathAnswer Ask(NetworkScope network, PathSource source, string destination, int port = 443, int protocol = Protocols.Tcp,
        Quantifier quantifier = Quantifier.Any) =>
        new PathEngine(NetworkModel.Build(network.Build())).Ask(new PathQuery(source, [Cidr.Parse(destination)],
            Interval.Single((UInt128)protocol), Interval.Single((UInt128)port), PathQuery.EphemeralPorts, quantifier));

    private static PathAnswer ToInternet(NetworkScope network, PathSource? source = null) =>
        new PathEngine(NetworkModel.Build(network.Build())).Ask(PathQuery.ToInternet(source ?? Build));

    private static void RouteBuildSubnetsToNat(NetworkScope network, params Route[] more) =>
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-private",
            t => t with { Routes = [.. t.Routes!, NetworkScope.RouteTo("0.0.0.0/0", NatGatewayId: Nat), .. more] });

    private static string Text(PathAnswer answer) => answer.Describe();

    [Test]
    public void The_compliant_build_network_has_no_path_to_the_internet_but_reaches_s3_through_the_gateway_endpoint()
    {
        var answer = ToInternet(Compliant());

        Assert.That(answer.Paths.Select(p => p.End), Is.All.EqualTo(PathEnd.GatewayEndpoint), Text(answer));
        Assert.That(answer.Paths, Is.Not.Empty);
        Assert.That(answer.Blocks.Select(b => b.Reason), Has.Some.Contains("no route covers the destination"));
    }

    [Test]
    public void A_nat_route_whose_nat_subnet_reaches_an_igw_is_a_path_named_hop_by_hop()
    {
        var network = Compliant();
        RouteBuildSubnetsToNat(network);

        var answer = Ask(network, Build, "198.51.100.7");

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(answer));
        var hops = answer.Paths.Single().Hops.Select(h => h.Component).ToList();
        Assert.That(string.Join(" > ", hops), Does.Match("sg-build.*rtb-private.*acl-default.*nat-public.*rtb-public.*igw-build"));
        Assert.That(answer.Paths.Single().Hops.Last(h => h.Component == Igw).Detail, Does.Contain("203.0.113.5"));
    }

    [Test]
    public void A_more_specific_blackhole_route_wins_over_the_default_route()
    {
        var network = Compliant();
        RouteBuildSubnetsToNat(network, NetworkScope.RouteTo("198.51.100.0/24", NatGatewayId: "nat-deleted", State: "blackhole"));

        var blocked = Ask(network, Build, "198.51.100.7");
        var elsewhere = Ask(network, Build, "192.0.2.7");

        Assert.That(blocked.Verdict, Is.EqualTo(PathVerdict.Unreachable), Text(blocked));
        Assert.That(blocked.Blocks.Single().Reason, Does.Contain("route 198.51.100.0/24 -> nat-deleted").And.Contain("blackhole"));
        Assert.That(elsewhere.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(elsewhere));
    }

    [Test]
    public void A_nacl_deny_numbered_before_an_allow_blocks_and_is_named()
    {
        var network = Compliant();
        RouteBuildSubnetsToNat(network);
        network.NetworkAcls.Add(new NetworkAcl("acl-build", VpcId, false,
            [Entry(90, true, "deny", "6", "0.0.0.0/0", 443), Entry(100, true, "allow"), Entry(100, false, "allow")],
            [new NetworkAclAssociation("acl-build", BuildA, "a1")]));

        var https = Ask(network, Build, "198.51.100.7", 443);
        var http = Ask(network, Build, "198.51.100.7", 80);

        Assert.That(https.Verdict, Is.EqualTo(PathVerdict.Unreachable), Text(https));
        Assert.That(https.Blocks.Single().Component, Does.Contain("acl-build").And.Contain("outbound"));
        Assert.That(https.Blocks.Single().Reason, Does.StartWith("rule 90 deny tcp 443-443"));
        Assert.That(http.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(http));
    }

    [Test]
    public void A_nacl_that_allows_the_request_but_not_the_ephemeral_return_blocks_the_connection()
    {
        var network = Compliant();
        RouteBuildSubnetsToNat(network);
        network.NetworkAcls.Add(new NetworkAcl("acl-build", VpcId, false,
            [Entry(100, true, "allow"), Entry(100, false, "allow", "6", "10.0.0.0/16", 22)],
            [new NetworkAclAssociation("acl-build", BuildA, "a1")]));

        var answer = Ask(network, Build, "198.51.100.7");

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Unreachable), Text(answer));
        var block = answer.Blocks.Single();
        Assert.That(block.Component, Does.Contain("acl-build").And.Contain("inbound (return traffic, stateless)"));
        Assert.That(block.Reason, Does.Contain("implicit deny"));
        Assert.That(block.Flows, Does.Contain("ports 1024-65535").And.Contain("198.51.100.7"));
    }

    [Test]
    public void An_endpoint_nacl_that_returns_only_some_ephemeral_ports_fails_a_query_over_every_connection()
    {
        var network = Compliant();
        network.NetworkAcls.Add(new NetworkAcl("acl-endpoints", VpcId, false,
            [Entry(100, false, "allow", "6", "10.0.0.0/16", 443), Entry(100, true, "allow", "6", "10.0.0.0/16", 1024, 32767)],
            [new NetworkAclAssociation("acl-endpoints", Endpoints, "a1")]));

        var any = Ask(network, Build, "10.0.10.11");
        var every = Ask(network, Build, "10.0.10.11", quantifier: Quantifier.Every);

        Assert.That(any.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(any));
        Assert.That(every.Verdict, Is.EqualTo(PathVerdict.Unreachable), Text(every));
        Assert.That(every.Blocks.Single().Flows, Does.Contain("ports 32768-65535"));
    }

    [Test]
    public void A_security_group_referencing_another_group_admits_only_its_members()
    {
        var network = Compliant();
        network.SecurityGroups.Add(NetworkScope.Group("sg-other", "other", VpcId, IpPermissionsEgress: [AllTo("0.0.0.0/0")]));

        var member = Ask(network, Build, "10.0.10.11", quantifier: Quantifier.Every);
        var stranger = Ask(network, new PathSource.SubnetWithGroups(BuildA, ["sg-other"]), "10.0.10.11");

        Assert.That(member.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(member));
        Assert.That(member.Paths.Single().Hops.Select(h => h.Detail), Has.Some.Contains("ingress tcp port 443 from security group sg-build"));
        Assert.That(stranger.Verdict, Is.EqualTo(PathVerdict.Unreachable), Text(stranger));
        Assert.That(stranger.Blocks.Single().Component, Does.Contain("eni-ecr.api-a security group ingress"));
    }

    [Test]
    public void Prefix_list_rules_and_routes_are_resolved_to_their_entries()
    {
        var network = Compliant();
        network.Replace(network.SecurityGroups, g => g.GroupId == BuildGroup, g => g with
        {
            IpPermissionsEgress = [NetworkScope.Permission("tcp", 443, 443, PrefixListIds: [new PrefixListReference(S3List)])],
        });

        var s3 = Ask(network, Build, "52.219.3.4");
        var notS3 = Ask(network, Build, "52.220.0.1");

        Assert.That(s3.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(s3));
        Assert.That(s3.Paths.Single().End, Is.EqualTo(PathEnd.GatewayEndpoint));
        Assert.That(s3.Paths.Single().Hops.Select(h => h.Detail), Has.Some.Contains("route pl-s3 -> vpce-s3").And.Some.Contains("prefix list pl-s3"));
        Assert.That(notS3.Verdict, Is.EqualTo(PathVerdict.Unreachable));
        Assert.That(notS3.Blocks.Single().Component, Does.Contain("security group egress"));
    }

    [Test]
    public void Ipv6_leaves_through_an_egress_only_internet_gateway()
    {
        var network = Compliant();
        network.EgressOnlyInternetGateways.Add(new EgressOnlyInternetGateway("eigw-build", [new GatewayAttachment(VpcId, "attached")]));
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-private",
            t => t with { Routes = [.. t.Routes!, new Route(DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-build", State: "active")] });

        var answer = ToInternet(network);
        var fromSubnetWithoutIpv6 = ToInternet(network, new PathSource.SubnetWithGroups(BuildC, [BuildGroup]));

        var internet = answer.Paths.Where(p => p.End == PathEnd.Internet).ToList();
        Assert.That(internet, Has.Count.EqualTo(1), Text(answer));
        Assert.That(internet[0].Target, Is.EqualTo("eigw-build"));
        Assert.That(internet[0].Flows, Does.Contain("2000::/6"));
        Assert.That(fromSubnetWithoutIpv6.Paths.Where(p => p.End == PathEnd.Internet), Is.Empty, Text(fromSubnetWithoutIpv6));
    }

    [Test]
    public void A_public_ip_without_an_igw_route_reaches_nothing_and_is_reached_by_nothing()
    {
        var network = Compliant();
        network.SecurityGroups.Add(NetworkScope.Group("sg-web", "web", VpcId, IpPermissions: [Tcp(443, "0.0.0.0/0")], IpPermissionsEgress: [AllTo("0.0.0.0/0")]));
        network.NetworkInterfaces.Add(Interface("eni-web", BuildA, VpcId, "10.0.1.50", ["sg-web"], publicIp: "198.51.100.50"));
        var engine = new PathEngine(NetworkModel.Build(network.Build()));

        var outbound = Ask(network, new PathSource.Interface("eni-web"), "192.0.2.1");
        var inbound = engine.Ask(new InboundQuery(Cidr.Parse("192.0.2.1"), "eni-web", Interval.Single(Protocols.Tcp), Interval.Single(443), PathQuery.EphemeralPorts));

        Assert.That(outbound.Verdict, Is.EqualTo(PathVerdict.Unreachable), Text(outbound));
        Assert.That(outbound.Blocks.Single().Reason, Does.Contain("no route"));
        Assert.That(inbound.Verdict, Is.EqualTo(PathVerdict.Unreachable), Text(inbound));
        Assert.That(inbound.Blocks.Single().Reason, Does.Contain("no route for the reply"));
    }

    [Test]
    public void A_public_ip_with_an_igw_route_is_reachable_from_the_internet_and_the_path_names_the_translation()
    {
        var network = Compliant();
        network.SecurityGroups.Add(NetworkScope.Group("sg-web", "web", VpcId, IpPermissions: [Tcp(443, "0.0.0.0/0")]));
        network.NetworkInterfaces.Add(Interface("eni-web", Public, VpcId, "10.0.100.50", ["sg-web"], publicIp: "198.51.100.50"));
        var engine = new PathEngine(NetworkModel.Build(network.Build()));

        var https = engine.Ask(new InboundQuery(Cidr.Parse("192.0.2.1"), "eni-web", Interval.Single(Protocols.Tcp), Interval.Single(443), PathQuery.EphemeralPorts));
        var ssh = engine.Ask(new InboundQuery(Cidr.Parse("192.0.2.1"), "eni-web", Interval.Single(Protocols.Tcp), Interval.Single(22), PathQuery.EphemeralPorts));

        Assert.That(https.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(https));
        Assert.That(https.Paths.Single().Hops.Select(h => h.Detail), Has.Some.Contains("public IP 198.51.100.50 maps to 10.0.100.50"));
        Assert.That(ssh.Verdict, Is.EqualTo(PathVerdict.Unreachable));
        Assert.That(ssh.Blocks.Single().Component, Does.Contain("eni-web security group ingress"));
    }

    [Test]
    public void A_nat_gateway_whose_own_subnet_has_no_igw_route_goes_nowhere()
    {
        var network = Compliant();
        RouteBuildSubnetsToNat(network);
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-public", t => t with { Routes = [Local("10.0.0.0/16")] });

        var answer = ToInternet(network);

        Assert.That(answer.Paths.Where(p => p.End != PathEnd.GatewayEndpoint), Is.Empty, Text(answer));
        var natBlocks = answer.Blocks.Where(b => b.Before.Any(h => h.Component == Nat)).ToList();
        Assert.That(natBlocks.Select(b => $"{b.Component}: {b.Reason}"), Has.Some.StartsWith("rtb-public").And.Some.Contains("no route covers"));
    }

    [Test]
    public void An_unassociated_subnet_uses_the_main_route_table()
    {
        var network = Compliant();
        network.Subnets.Add(NetworkScope.Subnet("subnet-loose", VpcId, "10.0.50.0/24", "ap-northeast-1a"));
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-main", t => t with { Routes = [Local("10.0.0.0/16"), NetworkScope.RouteTo("0.0.0.0/0", GatewayId: Igw)] });
        network.NetworkInterfaces.Add(Interface("eni-loose", "subnet-loose", VpcId, "10.0.50.9", [BuildGroup], publicIp: "198.51.100.9"));

        var answer = Ask(network, new PathSource.Interface("eni-loose"), "192.0.2.1");

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(answer));
        Assert.That(answer.Paths.Single().Hops.Select(h => h.Component), Has.Some.Contains("rtb-main (main route table of vpc-build"));
    }

    [Test]
    public void An_approved_exit_ends_the_path_and_a_transit_gateway_the_vpc_is_not_attached_to_is_a_blackhole()
    {
        var network = Compliant();
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-private",
            t => t with { Routes = [.. t.Routes, NetworkScope.RouteTo("0.0.0.0/0", TransitGatewayId: "tgw-inspection")] });
        var model = NetworkModel.Build(network.Build());

        var unapproved = new PathEngine(model).Ask(PathQuery.ToInternet(Build));
        var approved = new PathEngine(model).Ask(PathQuery.ToInternet(Build, ["tgw-inspection"]));

        Assert.That(unapproved.Paths.Where(p => p.End is PathEnd.Edge or PathEnd.Internet), Is.Empty, Text(unapproved));
        Assert.That(unapproved.Blocks.Select(b => b.Reason), Has.Some.Contains("has no available attachment"));
        Assert.That(approved.Paths.Where(p => p.End == PathEnd.ApprovedExit).Select(p => p.Target), Has.Member("tgw-inspection"), Text(approved));
    }

    [Test]
    public void A_construct_the_engine_does_not_model_makes_the_answer_inconclusive_never_unreachable()
    {
        var network = Compliant();
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-private",
            t => t with { Routes = [.. t.Routes!, NetworkScope.RouteTo("0.0.0.0/0", NatGatewayId: Nat)] });
        network.Gaps["NatGateways"] = new IsolationChecks.Snapshots.DataGap("ec2", "DescribeNatGateways", "denied", "UnauthorizedOperation", "NatGateways.json");

        var answer = Ask(network, Build, "198.51.100.7");

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Inconclusive), Text(answer));
        Assert.That(answer.Unsupported.Single().Reason, Does.Contain("UnauthorizedOperation"));
    }

    [Test]
    public void Traffic_inside_one_subnet_is_not_filtered_by_its_network_acl()
    {
        var network = Compliant();
        network.NetworkAcls.Add(new NetworkAcl("acl-closed", VpcId, false, [], [new NetworkAclAssociation("acl-closed", BuildA, "a1")]));
        network.SecurityGroups.Add(NetworkScope.Group("sg-peer", "peer", VpcId, IpPermissions: [Tcp(8080, "10.0.0.0/16")]));
        network.NetworkInterfaces.Add(Interface("eni-peer", BuildA, VpcId, "10.0.1.77", ["sg-peer"]));

        var answer = Ask(network, Build, "10.0.1.77", 8080);

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(answer));
        Assert.That(answer.Paths.Single().Hops.Select(h => h.Detail), Has.Some.Contains("network ACLs do not apply"));
    }

    [Test]
    public void A_route_to_a_gateway_load_balancer_endpoint_is_inconclusive_not_an_s3_delivery()
    {
        var network = Compliant();
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-private",
            t => t with { Routes = [.. t.Routes!, NetworkScope.RouteTo("0.0.0.0/0", GatewayId: "vpce-0inspection")] });

        var answer = Ask(network, Build, "198.51.100.7");

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Inconclusive), Text(answer));
        Assert.That(answer.Unsupported.Single().Reason, Does.Contain("Gateway Load Balancer endpoint"));
    }

    [Test]
    public void The_nat_subnet_acl_judges_the_request_by_its_source_and_the_reply_by_the_clients_port()
    {
        var network = Compliant();
        RouteBuildSubnetsToNat(network);
        network.NetworkAcls.Add(new NetworkAcl("acl-public", VpcId, false,
            [
                Entry(100, false, "allow", "-1", "10.0.0.0/16"), Entry(110, false, "allow", "6", "0.0.0.0/0", 1024, 65535),
                Entry(100, true, "allow", "6", "0.0.0.0/0", 443), Entry(110, true, "allow", "6", "10.0.0.0/16", 1024, 65535),
            ],
            [new NetworkAclAssociation("acl-public", Public, "a1")]));

        var https = Ask(network, Build, "198.51.100.7", 443);
        var http = Ask(network, Build, "198.51.100.7", 80);

        Assert.That(https.Verdict, Is.EqualTo(PathVerdict.Reachable), Text(https));
        Assert.That(https.Paths.Single().Hops.Select(h => h.ToString()), Has.Some.StartsWith("acl-public (subnet-public) inbound: rule 100 allow all traffic 10.0.0.0/16"));
        Assert.That(http.Verdict, Is.EqualTo(PathVerdict.Unreachable), Text(http));
        Assert.That(http.Blocks.Single().Component, Is.EqualTo("acl-public (subnet-public) outbound"));
    }
}
