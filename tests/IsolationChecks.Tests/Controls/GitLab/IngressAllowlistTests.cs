using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.GitLab.GL1_IngressAllowlist;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.GitLab;

/// <summary>GL-1 on the reference and hand-made variants of it: the allowlist is derived from the live NAT gateway.</summary>
public class IngressAllowlistTests
{
    private const string SecurityGroups = ReferenceVariant.Dev + "SecurityGroups.json";
    private const string Instance = "i-09641b72b2c23831c";

    private static Finding Single(ReferenceVariant variant)
    {
        var findings = variant.Evaluate<IngressAllowlist>();
        Assert.That(findings, Has.Count.EqualTo(1), () => string.Join("\n", findings.Select(f => $"{f.Status} {f.Message}")));
        return findings[0];
    }

    private static JsonArray HttpsRanges(JsonNode sg) => sg["SecurityGroups"]![1]!["IpPermissions"]![1]!["IpRanges"]!.AsArray();

    private static ReferenceVariant EditPosture(ReferenceVariant variant, Action<JsonNode> edit) => variant.Edit("posture.json", edit);

    [Test]
    public void The_reference_passes_and_shows_the_nat_ip_read_from_the_dev_account()
    {
        var finding = Single(ReferenceVariant.Load());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
            Assert.That(finding.TestName, Is.EqualTo($"GL-1 {Instance} admits inbound traffic only from the allowed sources"));
            Assert.That(finding.Message, Does.Contain("198.51.100.20/32 (nat-0ba146328338d5775)").And.Contain("192.0.2.0/28 (declared)"));
            Assert.That(finding.Evidence.Select(e => e.ToString()), Has.Some.Contains("public IP(s) 198.51.100.20").And.Some.Contains("NatGateways.json"));
            Assert.That(finding.Evidence.Select(e => e.Fact), Has.Some.Contains("admits tcp 22 from 192.0.2.0/28: within the allowed sources"));
        }
    }

    [TestCase("198.51.100.0/24", "wider than the allowed address(es) 198.51.100.20/32")]
    [TestCase("198.51.100.20/31", "198.51.100.21/32")]
    [TestCase("192.0.2.0/27", "192.0.2.16/28")]
    [TestCase("0.0.0.0/0", "0.0.0.0/0")]
    public void A_range_wider_than_an_allowed_address_fails_and_names_what_it_adds(string cidr, string expected)
    {
        var finding = Single(ReferenceVariant.Load().Edit(SecurityGroups, sg => HttpsRanges(sg)[0]!["CidrIp"] = cidr));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain($"sg-0af10ea0709bb96da (gitlab-sg) on eni-0bb3064d44e97f6a8 admits tcp 443 from {cidr}").And.Contain(expected));
    }

    [Test]
    public void A_narrower_range_inside_the_allowed_set_passes()
    {
        var finding = Single(ReferenceVariant.Load().Edit(SecurityGroups, sg => HttpsRanges(sg)[1]!["CidrIp"] = "192.0.2.8/29"));

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
    }

    [Test]
    public void Ipv6_everywhere_fails()
    {
        var finding = Single(ReferenceVariant.Load().Edit(SecurityGroups, sg =>
            sg["SecurityGroups"]![1]!["IpPermissions"]![0]!["Ipv6Ranges"]!.AsArray().Add(new JsonObject { ["CidrIpv6"] = "::/0" })));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("admits tcp 22 from ::/0"));
    }

    [Test]
    public void An_all_traffic_rule_names_the_protocol_as_all_traffic()
    {
        var finding = Single(ReferenceVariant.Load().Edit(SecurityGroups, sg => sg["SecurityGroups"]![1]!["IpPermissions"]!.AsArray().Add(
            JsonNode.Parse("""{"IpProtocol":"-1","IpRanges":[{"CidrIp":"10.0.0.0/8"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}"""))));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("admits all traffic from 10.0.0.0/8"));
    }

    [Test]
    public void A_replaced_nat_gateway_makes_the_old_ip_an_offender_and_says_the_new_one_is_not_admitted()
    {
        var finding = Single(ReferenceVariant.Load().Edit(ReferenceVariant.Dev + "NatGateways.json",
            n => n["NatGateways"]![0]!["NatGatewayAddresses"]![0]!["PublicIp"] = "198.51.100.77"));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("admits tcp 443 from 198.51.100.20/32").And.Contain("198.51.100.77/32 (nat-0ba146328338d5775) are not admitted"));
    }

    [Test]
    public void A_security_group_reference_passes_only_when_declared()
    {
        var referenced = ReferenceVariant.Load().Edit(SecurityGroups, sg => sg["SecurityGroups"]![1]!["IpPermissions"]![1]!["UserIdGroupPairs"]!.AsArray()
            .Add(new JsonObject { ["UserId"] = "111111111111", ["GroupId"] = "sg-023c757925cd59f37" }));
        var undeclared = Single(referenced);
        var declared = Single(EditPosture(referenced, p => p["gitLab"]!["allowedSecurityGroups"]!.AsArray().Add("sg-023c757925cd59f37")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(undeclared.Status, Is.EqualTo(Status.Fail));
            Assert.That(undeclared.Message, Does.Contain("from security group sg-023c757925cd59f37, which gitLab.allowedSecurityGroups does not declare"));
            Assert.That(declared.Status, Is.EqualTo(Status.Pass), declared.Message);
        }
    }

    [Test]
    public void A_prefix_list_is_judged_by_its_entries()
    {
        ReferenceVariant WithEntries(params string[] cidrs) => ReferenceVariant.Load()
            .Put(ReferenceVariant.Dev + "ManagedPrefixListEntries/pl-0aaaaaaaaaaaaaaaa.json",
                new JsonObject { ["Entries"] = new JsonArray(cidrs.Select(c => (JsonNode)new JsonObject { ["Cidr"] = c }).ToArray()) }.ToJsonString())
            .Edit(SecurityGroups, sg => sg["SecurityGroups"]![1]!["IpPermissions"]![1]!["PrefixListIds"]!.AsArray()
                .Add(new JsonObject { ["PrefixListId"] = "pl-0aaaaaaaaaaaaaaaa" }));

        var exact = Single(WithEntries("198.51.100.20/32", "192.0.2.0/28"));
        var extra = Single(WithEntries("198.51.100.20/32", "203.0.113.7/32"));
        var missing = Single(WithEntries().Delete(ReferenceVariant.Dev + "ManagedPrefixListEntries/pl-0aaaaaaaaaaaaaaaa.json"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exact.Status, Is.EqualTo(Status.Pass), exact.Message);
            Assert.That(extra.Status, Is.EqualTo(Status.Fail));
            Assert.That(extra.Message, Does.Contain("203.0.113.7/32 (an entry of prefix list pl-0aaaaaaaaaaaaaaaa)"));
            Assert.That(missing.Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(missing.Message, Does.Contain("ec2:GetManagedPrefixListEntries"));
        }
    }

    [Test]
    public void Every_security_group_on_every_interface_of_the_host_is_judged()
    {
        var finding = Single(ReferenceVariant.Load()
            .Edit(ReferenceVariant.Dev + "NetworkInterfaces.json", n => n["NetworkInterfaces"]![2]!["Attachment"] = new JsonObject { ["InstanceId"] = Instance, ["Status"] = "attached", ["DeviceIndex"] = 1 })
            .Edit(SecurityGroups, sg => sg["SecurityGroups"]![2]!["IpPermissions"]!.AsArray().Add(
                JsonNode.Parse("""{"IpProtocol":"tcp","FromPort":8443,"ToPort":8443,"IpRanges":[{"CidrIp":"203.0.113.0/24"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}"""))));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("sg-023c757925cd59f37 (codeconnections-host-sg) on eni-0a10454bcc3745666 admits tcp 8443 from 203.0.113.0/24"));
    }

    [TestCase("NetworkInterfaces.json", "ec2:DescribeNetworkInterfaces")]
    [TestCase("SecurityGroups.json", "ec2:DescribeSecurityGroups")]
    [TestCase("Reservations.json", "ec2:DescribeInstances")]
    [TestCase("NatGateways.json", "ec2:DescribeNatGateways")]
    public void Missing_data_is_inconclusive_and_names_the_call(string file, string call)
    {
        var finding = Single(ReferenceVariant.Load().Delete(ReferenceVariant.Dev + file));

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain(call));
    }

    [Test]
    public void A_host_found_by_tag_is_the_same_instance()
    {
        var finding = Single(EditPosture(ReferenceVariant.Load(), p => p["gitLab"]!["hosts"] = JsonNode.Parse("""[{"tag":{"key":"Name","value":"gitlab"}}]""")));

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
        Assert.That(finding.Resource.Id, Is.EqualTo(Instance));
    }

    [TestCase("""{"instanceId":"i-0000000000000dead"}""", "lists no running instance")]
    [TestCase("""{"tag":{"key":"Name","value":"nope"}}""", "lists no running instance")]
    [TestCase("""{"loadBalancerArn":"arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/gitlab/50dc6c495c0c9188"}""", "lists no load balancer with ARN")]
    [TestCase("""{"ecsService":{"cluster":"gitlab","service":"gitlab-ce"}}""", "ecs:DescribeServices was not collected (accounts/111111111111/ap-northeast-1/ecs/describe-services/gitlab/gitlab-ce.json")]
    public void A_host_that_cannot_be_resolved_is_inconclusive(string host, string expected)
    {
        var finding = Single(EditPosture(ReferenceVariant.Load(), p => p["gitLab"]!["hosts"] = new JsonArray(JsonNode.Parse(host))));

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain(expected));
    }
}
