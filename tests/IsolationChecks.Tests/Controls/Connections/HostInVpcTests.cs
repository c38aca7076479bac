using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Connections.CONN1_HostInVpc;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.Connections;

/// <summary>CONN-1 on the reference and hand-made variants: the host's subnets must leave through a declared NAT gateway.</summary>
public class HostInVpcTests
{
    private const string Hosts = ReferenceVariant.Dev + "codeconnections/list-hosts.json";
    private const string RouteTables = ReferenceVariant.Dev + "RouteTables.json";
    private const string HostArn = "arn:aws:codeconnections:ap-northeast-1:111111111111:host/gitlab-dev-3f9c2e1a";
    private const string PrivateTable = "rtb-03ee72a519e0b4061";

    private static Finding Single(ReferenceVariant variant)
    {
        var findings = variant.Evaluate<HostInVpc>();
        Assert.That(findings, Has.Count.EqualTo(1), () => string.Join("\n", findings.Select(f => $"{f.Status} {f.Message}")));
        return findings[0];
    }

    private static ReferenceVariant WithDefaultRoute(string json) => ReferenceVariant.Load().Edit(RouteTables, t =>
    {
        var routes = t["RouteTables"]!.AsArray().Single(r => (string?)r!["RouteTableId"] == PrivateTable)!["Routes"]!.AsArray();
        var index = routes.IndexOf(routes.Single(r => (string?)r!["DestinationCidrBlock"] == "0.0.0.0/0"));
        routes[index] = JsonNode.Parse(json);
    });

    [Test]
    public void The_reference_host_passes_through_the_declared_nat_gateway()
    {
        var finding = Single(ReferenceVariant.Load());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
            Assert.That(finding.Resource.Id, Is.EqualTo(HostArn));
            Assert.That(finding.Message, Does.Contain("subnet-00344aeac69be4126 -> nat-0ba146328338d5775"));
            Assert.That(finding.Evidence.Select(e => e.ToString()), Has.Some.Contains("0.0.0.0/0 -> nat-0ba146328338d5775").And.Some.Contains("codeconnections/list-hosts.json"));
            Assert.That(finding.Evidence.Select(e => e.ToString()), Has.Some.Contains("igw-02963ad2c55c2480d"), "the path is the engine's, out to the internet gateway");
        }
    }

    [Test]
    public void A_host_without_vpc_configuration_fails()
    {
        var finding = Single(ReferenceVariant.Load().Edit(Hosts, h => h["Hosts"]![0]!.AsObject().Remove("VpcConfiguration")));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain($"{HostArn} has no VPC configuration"));
    }

    [Test]
    public void A_vpc_configuration_without_security_groups_fails()
    {
        var finding = Single(ReferenceVariant.Load().Edit(Hosts, h => h["Hosts"]![0]!["VpcConfiguration"]!["SecurityGroupIds"] = new JsonArray()));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("incomplete VPC configuration"));
    }

    [Test]
    public void Leaving_through_a_nat_gateway_the_posture_does_not_declare_fails()
    {
        const string other = "nat-0fffffffffffffff0";
        var variant = WithDefaultRoute($$"""{"DestinationCidrBlock":"0.0.0.0/0","NatGatewayId":"{{other}}","Origin":"CreateRoute","State":"active"}""")
            .Edit(ReferenceVariant.Dev + "NatGateways.json", n =>
            {
                var copy = n["NatGateways"]![0]!.DeepClone();
                copy["NatGatewayId"] = other;
                copy["NatGatewayAddresses"]![0]!["PublicIp"] = "198.51.100.77";
                n["NatGateways"]!.AsArray().Add(copy);
            });

        var finding = Single(variant);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail), finding.Message);
        Assert.That(finding.Message, Does.Contain("subnet-00344aeac69be4126 reaches the internet through nat-0fffffffffffffff0")
            .And.Contain("not among the declared NAT gateways"));
    }

    [TestCase("""{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-02963ad2c55c2480d","Origin":"CreateRoute","State":"active"}""", "has no public IPv4 address")]
    [TestCase("""{"DestinationCidrBlock":"0.0.0.0/0","TransitGatewayId":"tgw-0123456789abcdef0","Origin":"CreateRoute","State":"active"}""", "has no available attachment")]
    [TestCase("""{"DestinationCidrBlock":"0.0.0.0/0","NatGatewayId":"nat-0ba146328338d5775","Origin":"CreateRoute","State":"blackhole"}""", "blackhole")]
    public void A_default_route_that_carries_nothing_to_the_internet_is_inconclusive_with_the_blocking_hop(string route, string blocked)
    {
        var finding = Single(WithDefaultRoute(route));

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive), finding.Message);
        Assert.That(finding.Message, Does.Contain("no connection from subnet-00344aeac69be4126"));
        Assert.That(finding.Evidence.Select(e => e.ToString()), Has.Some.Contains(blocked));
    }

    [Test]
    public void A_subnet_without_a_default_route_is_inconclusive()
    {
        var finding = Single(WithDefaultRoute("""{"DestinationCidrBlock":"10.99.0.0/16","TransitGatewayId":"tgw-0123456789abcdef0","State":"active"}"""));

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("no connection from subnet-00344aeac69be4126").And.Contain("reaches the internet"));
    }

    [Test]
    public void Missing_list_hosts_output_is_inconclusive_and_names_the_call()
    {
        var findings = ReferenceVariant.Load().Delete(Hosts).Evaluate<HostInVpc>();

        Assert.That(findings.Select(f => f.Resource.Id), Is.EquivalentTo(new[] { "*", HostArn }), "every host of the account, and the named one");
        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive));
        Assert.That(findings.Select(f => f.Message), Is.All.Contain("codeconnections:ListHosts"));
    }

    [Test]
    public void A_named_host_that_is_not_listed_fails_and_nothing_else_is_judged()
    {
        var findings = ReferenceVariant.Load().Edit(Hosts, h => h["Hosts"] = new JsonArray()).Evaluate<HostInVpc>();

        Assert.That(findings.Select(f => (f.Resource.Id, f.Status)), Is.EquivalentTo(new[] { (HostArn, Status.Fail), ("*", Status.Inconclusive) }));
        Assert.That(findings.Single(f => f.Status == Status.Fail).Message, Does.Contain("does not exist").And.Contain("connections.hosts"));
    }

    [Test]
    public void A_codestar_connections_arn_names_the_same_host()
    {
        var finding = Single(ReferenceVariant.Load().Edit("posture.json",
            p => p["connections"]!["hosts"] = new JsonArray("arn:aws:codestar-connections:ap-northeast-1:111111111111:host/gitlab-dev-3f9c2e1a")));

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
    }

    [Test]
    public void A_host_of_another_provider_is_inconclusive()
    {
        var finding = Single(ReferenceVariant.Load().Edit(Hosts, h => h["Hosts"]![0]!["ProviderType"] = "GitHubEnterpriseServer"));

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("GitHubEnterpriseServer"));
    }
}
