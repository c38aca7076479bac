using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Tests.Support;
using static IsolationChecks.Tests.Support.NetworkScope;

namespace IsolationChecks.Tests.Network;

/// <summary>
/// Hand-worked cases for traffic from outside to a host: through its own public address, a load balancer (ALB, NLB with
/// and without security groups, client IP preserved or not), Client VPN, and the edges (VPN). Each asserts the verdict,
/// where the traffic entered and the hop that decides.
/// <code>
/// vpc-app 10.30.0.0/16, igw-app attached
///   subnet-app-public 10.30.0.0/24: rtb-app-public 0.0.0.0/0 -> igw-app; load balancer nodes eni-lb-a 10.30.0.10 (public 198.51.100.60)
///   subnet-app-private 10.30.10.0/24: rtb-app-private local only; GitLab eni-gitlab 10.30.10.20 (i-gitlab), sg-gitlab
/// </code>
/// </summary>
public class InboundPathTests
{
    private const string Vpc = "vpc-app";
    private const string GitLab = "eni-gitlab";
    private const string Node = "eni-lb-a";
    private const string LbArn = "arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/net/gitlab/0123456789abcdef";
    private const string TgArn = "arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:targetgroup/gitlab/0123456789abcdef";

    private static NetworkScope App(params IpPermission[] gitLabIngress)
    {
        var network = new NetworkScope { AccountId = "111111111111" };
        network.Vpcs.Add(new Vpc(Vpc, "10.30.0.0/16", "available"));
        network.Subnets.AddRange([Subnet("subnet-app-public", Vpc, "10.30.0.0/24"), Subnet("subnet-app-private", Vpc, "10.30.10.0/24")]);
        network.RouteTables.AddRange([
            new RouteTable("rtb-app-public", Vpc, [Local("10.30.0.0/16"), RouteTo("0.0.0.0/0", GatewayId: "igw-app")], [Association("subnet-app-public")]),
            new RouteTable("rtb-app-private", Vpc, [Local("10.30.0.0/16")], [Association("subnet-app-private"), MainAssociation()]),
        ]);
        network.NetworkAcls.Add(OpenAcl("acl-app", Vpc, true, "subnet-app-public", "subnet-app-private"));
        network.InternetGateways.Add(new InternetGateway("igw-app", [new GatewayAttachment(Vpc, "available")]));
        network.SecurityGroups.Add(Group("sg-gitlab", "gitlab", Vpc, IpPermissions: gitLabIngress, IpPermissionsEgress: [AllTo("0.0.0.0/0")]));
        network.NetworkInterfaces.Add(Interface(GitLab, "subnet-app-private", Vpc, "10.30.10.20", ["sg-gitlab"]) with
        {
            Attachment = new NetworkInterfaceAttachment("attached", InstanceId: "i-gitlab", DeviceIndex: 0),
        });
        return network;
    }

    /// <summary>An internet-facing load balancer in the public subnet forwarding TCP 443 to GitLab on 443.</summary>
    private static void AddLoadBalancer(NetworkScope network, string type, string targetType, IReadOnlyList<string>? groups, bool? preserve = null)
    {
        var arn = type == "application" ? LbArn.Replace("/net/", "/app/", StringComparison.Ordinal) : LbArn;
        network.LoadBalancers.Add(new LoadBalancer(arn, "gitlab", "internet-facing", type, Vpc, new LoadBalancerState("active"),
            [new LoadBalancerZone("ap-northeast-1a", "subnet-app-public")], groups));
        network.Listeners[arn] = [new Listener($"{arn}/listener", arn, type == "application" ? "HTTPS" : "TCP", 443)];
        network.TargetGroups.Add(new TargetGroup(TgArn, "gitlab", targetType, [arn], type == "application" ? "HTTPS" : "TCP", 443, Vpc));
        network.TargetHealth[TgArn] = [new TargetHealthDescription(new TargetDescription(targetType == "instance" ? "i-gitlab" : "10.30.10.20", 443), new TargetHealth("healthy"))];
        if (preserve is { } value) network.TargetGroupAttributes[TgArn] = [new TargetGroupAttribute("preserve_client_ip.enabled", value ? "true" : "false")];
        network.NetworkInterfaces.Add(Interface(Node, "subnet-app-public", Vpc, "10.30.0.10", groups?.ToArray() ?? [], publicIp: "198.51.100.60",
            type: type == "application" ? "interface" : "network_load_balancer") with { Description = $"ELB {arn[(arn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + 14)..]}" });
    }

    private static PathAnswer FromOutside(NetworkScope network, string from, int port = 443) =>
        new PathEngine(NetworkModel.Build(network.Build())).Ask(new InboundQuery(Cidr.Parse(from), GitLab, Interval.Single(Protocols.Tcp),
            Interval.Single((UInt128)port), PathQuery.EphemeralPorts));

    [Test]
    public void Behind_a_network_load_balancer_without_security_groups_the_target_group_sees_the_client_and_its_group_decides()
    {
        var closed = App(Tcp(443, "10.30.0.0/16"));
        AddLoadBalancer(closed, "network", "instance", null);
        var open = App(Tcp(443, "0.0.0.0/0"));
        AddLoadBalancer(open, "network", "instance", null);

        var blocked = FromOutside(closed, "198.51.100.7/32");
        var reached = FromOutside(open, "198.51.100.7/32");

        Assert.That(blocked.Verdict, Is.EqualTo(PathVerdict.Unreachable), blocked.Describe());
        Assert.That(blocked.Blocks.Select(b => b.Component), Has.Some.Contains($"{GitLab} security group ingress"));
        Assert.That(reached.Verdict, Is.EqualTo(PathVerdict.Reachable), reached.Describe());
        var path = reached.Paths.Single();
        Assert.That(path.Entry, Is.EqualTo("igw-app"));
        Assert.That(path.Hops.Select(h => h.Detail), Has.Some.Contains("network_load_balancer interface without security groups"));
        Assert.That(path.Hops.Single(h => h.Component == "gitlab").Detail, Does.Contain("the client's address is preserved"));
    }

    [Test]
    public void Without_client_ip_preservation_the_target_sees_the_load_balancer_and_a_vpc_wide_rule_lets_the_internet_in()
    {
        var network = App(Tcp(443, "10.30.0.0/16"));
        AddLoadBalancer(network, "network", "ip", null, preserve: false);

        var answer = FromOutside(network, "198.51.100.7/32");

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Reachable), answer.Describe());
        Assert.That(answer.Paths.Single().Hops.Single(h => h.Component == "gitlab").Detail, Does.Contain("the target sees the load balancer's address 10.30.0.10"));
    }

    [Test]
    public void A_load_balancer_security_group_stops_what_it_does_not_admit()
    {
        var network = App(Permission("tcp", 443, 443, UserIdGroupPairs: [new UserIdGroupPair("sg-lb")]));
        network.SecurityGroups.Add(Group("sg-lb", "lb", Vpc, IpPermissions: [Tcp(443, "192.0.2.0/24")], IpPermissionsEgress: [AllTo("10.30.0.0/16")]));
        AddLoadBalancer(network, "application", "instance", ["sg-lb"]);

        var terminal = FromOutside(network, "192.0.2.10/32");
        var stranger = FromOutside(network, "198.51.100.7/32");

        Assert.That(terminal.Verdict, Is.EqualTo(PathVerdict.Reachable), terminal.Describe());
        Assert.That(terminal.Paths.Single().Hops.Select(h => h.Component), Has.Some.Contains($"{Node} security group ingress").And.Some.Contains("gitlab"));
        Assert.That(stranger.Verdict, Is.EqualTo(PathVerdict.Unreachable), stranger.Describe());
        Assert.That(stranger.Blocks.Select(b => b.Component), Has.Some.Contains($"{Node} security group ingress"));
    }

    [Test]
    public void A_draining_target_gets_no_new_connection_and_missing_target_health_is_inconclusive()
    {
        var draining = App(Tcp(443, "0.0.0.0/0"));
        AddLoadBalancer(draining, "network", "instance", null);
        draining.TargetHealth[TgArn] = [new TargetHealthDescription(new TargetDescription("i-gitlab", 443), new TargetHealth("draining"))];
        var unknown = App(Tcp(443, "0.0.0.0/0"));
        AddLoadBalancer(unknown, "network", "instance", null);
        unknown.Gaps["DescribeTargetHealth"] = new IsolationChecks.Snapshots.DataGap("elasticloadbalancing", "DescribeTargetHealth", "denied", "AccessDenied", null);

        var answer = FromOutside(draining, "198.51.100.7/32");
        var undecided = FromOutside(unknown, "198.51.100.7/32");

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Unreachable), answer.Describe());
        Assert.That(answer.Blocks.Select(b => b.Reason), Has.Some.Contains("state draining"));
        Assert.That(undecided.Verdict, Is.EqualTo(PathVerdict.Inconclusive), undecided.Describe());
        Assert.That(undecided.Unsupported.Select(u => u.Reason), Has.Some.Contains("registered targets are not known").And.Some.Contains("AccessDenied"));
    }

    [Test]
    public void A_target_whose_port_neither_it_nor_its_target_group_declares_is_inconclusive_never_unreachable()
    {
        var network = App(Tcp(443, "0.0.0.0/0"));
        AddLoadBalancer(network, "network", "instance", null);
        network.TargetGroups[0] = network.TargetGroups[0] with { Port = null };
        network.TargetHealth[TgArn] = [new TargetHealthDescription(new TargetDescription("i-gitlab"), new TargetHealth("healthy"))];

        var answer = FromOutside(network, "198.51.100.7/32");

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Inconclusive), answer.Describe());
        Assert.That(answer.Unsupported.Select(u => u.Reason), Has.Some.Contains("the port it forwards to is not known"));
    }

    [Test]
    public void A_client_vpn_endpoint_authorised_for_the_host_is_a_way_in_from_the_internet()
    {
        var network = App(Tcp(443, "10.30.0.0/16"));
        network.SecurityGroups.Add(Group("sg-cvpn", "cvpn", Vpc, IpPermissionsEgress: [AllTo("10.30.0.0/16")]));
        const string endpoint = "cvpn-endpoint-0123456789abcdef0";
        network.ClientVpnEndpoints.Add(new ClientVpnEndpoint(endpoint, new ClientVpnStatus("available"), "172.31.0.0/22", Vpc, ["sg-cvpn"]));
        network.ClientVpnTargetNetworks[endpoint] = [new ClientVpnTargetNetwork("subnet-app-public", Vpc, new ClientVpnStatus("associated"))];
        network.ClientVpnRoutes[endpoint] = [new ClientVpnRoute("10.30.0.0/16", "subnet-app-public", new ClientVpnStatus("active"))];
        network.ClientVpnAuthorizationRules[endpoint] = [new ClientVpnAuthorizationRule("10.30.10.0/24", new ClientVpnStatus("active"), AccessAll: true)];

        var reached = FromOutside(network, "198.51.100.7/32");
        network.ClientVpnAuthorizationRules[endpoint] = [new ClientVpnAuthorizationRule("10.30.99.0/24", new ClientVpnStatus("active"), AccessAll: true)];
        var unauthorised = FromOutside(network, "198.51.100.7/32");

        Assert.That(reached.Verdict, Is.EqualTo(PathVerdict.Reachable), reached.Describe());
        Assert.That(reached.Paths.Single().Entry, Is.EqualTo(endpoint));
        Assert.That(reached.Paths.Single().Hops[0].Detail, Does.Contain("every authenticated client"));
        Assert.That(unauthorised.Verdict, Is.EqualTo(PathVerdict.Unreachable), unauthorised.Describe());
        Assert.That(unauthorised.Blocks.Select(b => b.Reason), Has.Some.Contains("no active authorization rule covers"));
    }

    [Test]
    public void A_client_vpn_association_without_groups_gets_the_vpc_default_group()
    {
        var network = App(Tcp(443, "10.30.0.0/16"));
        const string endpoint = "cvpn-endpoint-0123456789abcdef1";
        network.ClientVpnEndpoints.Add(new ClientVpnEndpoint(endpoint, new ClientVpnStatus("available"), "172.31.0.0/22", Vpc));
        network.ClientVpnTargetNetworks[endpoint] = [new ClientVpnTargetNetwork("subnet-app-public", Vpc, new ClientVpnStatus("associated"))];
        network.ClientVpnRoutes[endpoint] = [new ClientVpnRoute("10.30.0.0/16", "subnet-app-public", new ClientVpnStatus("active"))];
        network.ClientVpnAuthorizationRules[endpoint] = [new ClientVpnAuthorizationRule("10.30.0.0/16", new ClientVpnStatus("active"), AccessAll: true)];

        var unknown = FromOutside(network, "198.51.100.7/32");
        network.SecurityGroups.Add(Group("sg-app-default", "default", Vpc, IpPermissionsEgress: [AllTo("0.0.0.0/0")]));
        var reached = FromOutside(network, "198.51.100.7/32");

        Assert.That(unknown.Verdict, Is.EqualTo(PathVerdict.Inconclusive), unknown.Describe());
        Assert.That(unknown.Unsupported.Single().Reason, Does.Contain("default security group of vpc-app is not in the snapshot"));
        Assert.That(reached.Verdict, Is.EqualTo(PathVerdict.Reachable), reached.Describe());
        Assert.That(reached.Paths.Single().Hops[0].Detail, Does.Contain("security groups sg-app-default"));
    }

    [Test]
    public void Premises_behind_a_vpn_gateway_reach_the_host_from_private_addresses_the_internet_gateway_would_never_carry()
    {
        var network = App(Tcp(443, "10.0.0.0/8"));
        network.VpnGateways.Add(new VpnGateway("vgw-0000000000000000a", "available", [new VpcAttachment(Vpc, "attached")]));
        network.VpnConnections.Add(new VpnConnection("vpn-0000000000000000a", "available", "cgw-0000000000000000a", VpnGatewayId: "vgw-0000000000000000a"));

        var premises = FromOutside(network, "10.200.0.0/16");
        var internet = FromOutside(network, "198.51.100.7/32");

        Assert.That(premises.Verdict, Is.EqualTo(PathVerdict.Reachable), premises.Describe());
        Assert.That(premises.Paths.Single().Entry, Is.EqualTo("vgw-0000000000000000a"));
        Assert.That(premises.Paths.Single().Hops[0].Detail, Does.Contain("premises over VPN vpn-0000000000000000a"));
        Assert.That(internet.Verdict, Is.EqualTo(PathVerdict.Unreachable), internet.Describe());
    }

    [Test]
    public void Load_balancers_and_client_vpn_that_were_not_collected_make_the_answer_inconclusive()
    {
        var network = App(Tcp(443, "10.30.0.0/16"));
        network.Gaps["DescribeLoadBalancers"] = new IsolationChecks.Snapshots.DataGap("elasticloadbalancing", "DescribeLoadBalancers", "not asked", null, null);

        var answer = FromOutside(network, "198.51.100.7/32");

        Assert.That(answer.Verdict, Is.EqualTo(PathVerdict.Inconclusive), answer.Describe());
        Assert.That(answer.Unsupported.Single().Component, Does.StartWith("load balancers of 111111111111"));
    }
}
