using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.GitLab.GL2_NoPathFromInternet;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.GitLab;

/// <summary>GL-2 on the reference and variants of it, and its agreement with GL-1 on every violation fixture.</summary>
public class NoPathFromInternetTests
{
    private const string SecurityGroups = ReferenceVariant.Dev + "SecurityGroups.json";

    private static Finding Single(ReferenceVariant variant)
    {
        var findings = variant.Evaluate<NoPathFromInternet>();
        Assert.That(findings, Has.Count.EqualTo(1), () => string.Join("\n", findings.Select(f => $"{f.Status} {f.Message}")));
        return findings[0];
    }

    private static ReferenceVariant Admit(ReferenceVariant variant, string cidr, int port = 443) => variant.Edit(SecurityGroups, sg =>
        sg["SecurityGroups"]![1]!["IpPermissions"]!.AsArray().Add(JsonNode.Parse(
            $$"""{"IpProtocol":"tcp","FromPort":{{port}},"ToPort":{{port}},"IpRanges":[{"CidrIp":"{{cidr}}"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}""")));

    [Test]
    public void The_reference_passes_because_the_security_group_admits_only_the_allowed_sources()
    {
        var finding = Single(ReferenceVariant.Load());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
            Assert.That(finding.TestName, Is.EqualTo("GL-2 i-09641b72b2c23831c is unreachable from the internet outside the allowed sources"));
            Assert.That(finding.Message, Does.Contain("sg-0af10ea0709bb96da"));
        }
    }

    [Test]
    public void The_outside_sources_are_every_internet_address_but_the_allowed_ones()
    {
        var outsiders = CidrSet.Of(NoPathFromInternet.Outsiders(CidrSet.Parse("198.51.100.20/32", "192.0.2.0/28")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outsiders.Contains(Cidr.Parse("198.51.100.20/32")), Is.False);
            Assert.That(outsiders.Contains(Cidr.Parse("192.0.2.5/32")), Is.False);
            Assert.That(outsiders.Contains(Cidr.Parse("198.51.100.21/32")), Is.True);
            Assert.That(outsiders.Contains(Cidr.Parse("192.0.2.16/28")), Is.True);
            Assert.That(outsiders.Contains(Cidr.Parse("10.0.0.1/32")), Is.False, "private addresses are not internet sources (the edges are judged by approved entries)");
            Assert.That(outsiders.Contains(Cidr.Parse("2001:db8::/32")), Is.True);
        }
    }

    [Test]
    public void A_complete_path_from_an_outside_range_fails_and_prints_every_hop()
    {
        var variant = Admit(ReferenceVariant.Load(), "203.0.113.0/24").Edit(ReferenceVariant.Dev + "RouteTables.json", t =>
            t["RouteTables"]!.AsArray().Single(r => (string?)r!["RouteTableId"] == "rtb-03ee72a519e0b4061")!["Routes"]!.AsArray()
                .Add(JsonNode.Parse("""{"DestinationCidrBlock":"203.0.113.0/24","GatewayId":"igw-02963ad2c55c2480d","Origin":"CreateRoute","State":"active"}""")));

        var finding = Single(variant);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("igw-02963ad2c55c2480d [public IP 198.51.100.41 maps to 10.10.10.24]")
            .And.Contain("sg-0af10ea0709bb96da ingress tcp port 443 from 203.0.113.0/24")
            .And.Contain("reply route 203.0.113.0/24 -> igw-02963ad2c55c2480d")
            .And.Contain("203.0.113.0/24"));
    }

    [Test]
    public void A_request_that_reaches_the_host_fails_even_when_its_reply_would_leave_by_the_nat_gateway()
    {
        var finding = Single(Admit(ReferenceVariant.Load(), "0.0.0.0/0", 8443));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("the request reaches the host; its reply would leave another way").And.Contain("nat-0ba146328338d5775"));
    }

    [Test]
    public void Without_a_public_address_an_open_security_group_has_no_internet_path()
    {
        var variant = Admit(ReferenceVariant.Load(), "0.0.0.0/0")
            .Edit(ReferenceVariant.Dev + "NetworkInterfaces.json", n =>
            {
                var eni = n["NetworkInterfaces"]![1]!.AsObject();
                eni.Remove("Association");
                foreach (var address in eni["PrivateIpAddresses"]!.AsArray()) address!.AsObject().Remove("Association");
            })
            .Edit(ReferenceVariant.Dev + "Addresses.json", a =>
            {
                var list = a["Addresses"]!.AsArray();
                foreach (var address in list.Where(x => (string?)x!["NetworkInterfaceId"] == "eni-0bb3064d44e97f6a8").ToList()) list.Remove(address);
            });

        var finding = Single(variant);

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
        Assert.That(finding.Message, Does.Contain("no public IPv4 address"));
    }

    [Test]
    public void Missing_network_acls_are_inconclusive_and_name_the_call()
    {
        var finding = Single(ReferenceVariant.Load().Delete(ReferenceVariant.Dev + "NetworkAcls.json"));

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("DescribeNetworkAcls"));
    }

    /// <summary>
    /// GL-2 agrees with GL-1 on every violation fixture, except where something other than the security group keeps the
    /// internet out: a network ACL, an interface without the address family, or a rule that admits a security group.
    /// </summary>
    [Test]
    public async Task GL2_agrees_with_GL1_on_every_fixture_but_where_another_layer_blocks_the_internet_or_an_unapproved_entry_opens_it()
    {
        var expectedDisagreements = new Dictionary<string, (Status Gl2, string Text)>
        {
            ["GL-1-open-but-nacl-blocks"] = (Status.Pass, "acl-05db89a5493b15b5d"),
            ["GL-1-ipv6-open-to-world"] = (Status.Pass, "has no IPv6 address"),
            ["GL-1-undeclared-sg-reference"] = (Status.Pass, "sg-0af10ea0709bb96da"),
            // The security group admits only declared sources, but they arrive through a VPN nobody approved.
            ["GL-2-vpn-to-premises-not-approved"] = (Status.Fail, "vgw-0b1c2d3e4f5a60789"),
        };
        var disagreements = new Dictionary<string, Finding>();
        foreach (var folder in RepositoryPaths.ViolationFixtures().Prepend(RepositoryPaths.Reference))
        {
            var findings = await FixtureRun.EvaluateAsync(folder);
            var gl1 = findings.Single(f => f.Control.Id == "GL-1");
            var gl2 = findings.Single(f => f.Control.Id == "GL-2");
            if (gl1.Status != gl2.Status) disagreements[Path.GetFileName(folder)] = gl2;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(disagreements.Keys, Is.EquivalentTo(expectedDisagreements.Keys));
            foreach (var (fixture, gl2) in disagreements.Where(d => expectedDisagreements.ContainsKey(d.Key)))
            {
                Assert.That(gl2.Status, Is.EqualTo(expectedDisagreements[fixture].Gl2), fixture);
                Assert.That(gl2.Message + string.Join(" ", gl2.Evidence.Select(e => e.ToString())), Does.Contain(expectedDisagreements[fixture].Text), fixture);
            }
        }
    }
}
