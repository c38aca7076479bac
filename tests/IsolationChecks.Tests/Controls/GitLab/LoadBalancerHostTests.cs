using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.GitLab.GL1_IngressAllowlist;
using IsolationChecks.Controls.GitLab.GL2_NoPathFromInternet;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.GitLab;

/// <summary>GitLab behind an internet-facing load balancer: its interfaces ("ELB app/NAME/ID") and their security group are the host.</summary>
public class LoadBalancerHostTests
{
    private const string Arn = "arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/gitlab-alb/50dc6c495c0c9188";
    private const string AlbGroup = "sg-0e1d2c3b4a5968778";

    private const string Listing = ReferenceVariant.Dev + "elbv2/describe-load-balancers.json";

    private static string LoadBalancers(string groups) => $$"""
        {"LoadBalancers":[{"LoadBalancerArn":"{{Arn}}","LoadBalancerName":"gitlab-alb","Scheme":"internet-facing","Type":"application",
          "VpcId":"vpc-09e8a6b349374e463","State":{"Code":"active"},"SecurityGroups":{{groups}},
          "AvailabilityZones":[{"ZoneName":"ap-northeast-1a","SubnetId":"subnet-0dfdcfb14cacf067d"}]}]}
        """;

    /// <summary>The reference with an ALB in the public subnet (public IP 198.51.100.60) whose group admits <paramref name="sources"/> on 443.</summary>
    private static ReferenceVariant WithAlb(params string[] sources) => ReferenceVariant.Load()
        .Edit("posture.json", p => p["gitLab"]!["hosts"] = new JsonArray(new JsonObject { ["loadBalancerArn"] = Arn }))
        .Put(Listing, LoadBalancers($"""["{AlbGroup}"]"""))
        .Put(ReferenceVariant.Dev + "elbv2/describe-listeners/app/gitlab-alb/50dc6c495c0c9188.json",
            $$"""{"Listeners":[{"ListenerArn":"{{Arn.Replace(":loadbalancer/", ":listener/", StringComparison.Ordinal)}}/0a1b2c3d4e5f6071","LoadBalancerArn":"{{Arn}}","Port":443,"Protocol":"HTTPS"}]}""")
        .Edit(ReferenceVariant.Dev + "SecurityGroups.json", sg => sg["SecurityGroups"]!.AsArray().Add(new JsonObject
        {
            ["GroupId"] = AlbGroup,
            ["GroupName"] = "gitlab-alb-sg",
            ["VpcId"] = "vpc-09e8a6b349374e463",
            ["IpPermissions"] = new JsonArray(new JsonObject
            {
                ["IpProtocol"] = "tcp", ["FromPort"] = 443, ["ToPort"] = 443,
                ["IpRanges"] = new JsonArray(sources.Select(c => (JsonNode)new JsonObject { ["CidrIp"] = c }).ToArray()),
                ["Ipv6Ranges"] = new JsonArray(), ["PrefixListIds"] = new JsonArray(), ["UserIdGroupPairs"] = new JsonArray(),
            }),
            ["IpPermissionsEgress"] = new JsonArray(),
        }))
        .Edit(ReferenceVariant.Dev + "NetworkInterfaces.json", n => n["NetworkInterfaces"]!.AsArray().Add(JsonNode.Parse($$$"""
            {"NetworkInterfaceId":"eni-0a1b2c3d4e5f60718","SubnetId":"subnet-0dfdcfb14cacf067d","VpcId":"vpc-09e8a6b349374e463","AvailabilityZone":"ap-northeast-1a","InterfaceType":"interface","Ipv6Addresses":[],
             "Description":"ELB app/gitlab-alb/50dc6c495c0c9188","PrivateIpAddress":"10.10.0.80","RequesterId":"amazon-elb","RequesterManaged":true,
             "Association":{"PublicIp":"198.51.100.60","IpOwnerId":"amazon-elb"},
             "PrivateIpAddresses":[{"PrivateIpAddress":"10.10.0.80","Primary":true,"Association":{"PublicIp":"198.51.100.60","IpOwnerId":"amazon-elb"}}],
             "Groups":[{"GroupId":"{{{AlbGroup}}}","GroupName":"gitlab-alb-sg"}],"Status":"in-use"}
            """)));

    [Test]
    public void A_load_balancer_admitting_only_the_allowed_sources_passes_both_controls()
    {
        var variant = WithAlb("198.51.100.20/32", "192.0.2.0/28");
        var gl1 = variant.Evaluate<IngressAllowlist>().Single();
        var gl2 = variant.Evaluate<NoPathFromInternet>().Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gl1.Status, Is.EqualTo(Status.Pass), gl1.Message);
            Assert.That(gl1.Resource.Id, Is.EqualTo(Arn));
            Assert.That(gl1.Resource.Name, Is.EqualTo("gitlab-alb"));
            Assert.That(gl1.Message, Does.Contain(AlbGroup));
            Assert.That(gl2.Status, Is.EqualTo(Status.Pass), gl2.Message);
        }
    }

    [Test]
    public void A_load_balancer_open_to_the_world_fails_both_controls_with_the_path()
    {
        var variant = WithAlb("0.0.0.0/0");
        var gl1 = variant.Evaluate<IngressAllowlist>().Single();
        var gl2 = variant.Evaluate<NoPathFromInternet>().Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gl1.Status, Is.EqualTo(Status.Fail));
            Assert.That(gl1.Message, Does.Contain($"{AlbGroup} (gitlab-alb-sg) on eni-0a1b2c3d4e5f60718 admits tcp 443 from 0.0.0.0/0"));
            Assert.That(gl2.Status, Is.EqualTo(Status.Fail));
            Assert.That(gl2.Message, Does.Contain("public IP 198.51.100.60 maps to 10.10.0.80").And.Contain("reply route 0.0.0.0/0 -> igw-02963ad2c55c2480d"));
        }
    }

    [Test]
    public void A_group_the_load_balancer_has_but_its_interfaces_do_not_show_is_judged_too()
    {
        const string Open = "sg-0f0e0d0c0b0a09080";
        var variant = WithAlb("198.51.100.20/32")
            .Put(Listing, LoadBalancers($"""["{AlbGroup}","{Open}"]"""))
            .Edit(ReferenceVariant.Dev + "SecurityGroups.json", sg => sg["SecurityGroups"]!.AsArray().Add(JsonNode.Parse($$"""
                {"GroupId":"{{Open}}","GroupName":"alb-debug","VpcId":"vpc-09e8a6b349374e463","IpPermissionsEgress":[],
                 "IpPermissions":[{"IpProtocol":"tcp","FromPort":8443,"ToPort":8443,"IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]}
                """)));

        var gl1 = variant.Evaluate<IngressAllowlist>().Single();

        Assert.That(gl1.Status, Is.EqualTo(Status.Fail));
        Assert.That(gl1.Message, Does.Contain($"{Open} (alb-debug) on load balancer gitlab-alb admits tcp 8443 from 0.0.0.0/0"));
    }

    [Test]
    public void A_load_balancer_not_in_describe_load_balancers_is_inconclusive()
    {
        var variant = WithAlb("198.51.100.20/32").Put(Listing, """{"LoadBalancers":[]}""");

        var gl1 = variant.Evaluate<IngressAllowlist>().Single();

        Assert.That(gl1.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(gl1.Message, Does.Contain("lists no load balancer with ARN " + Arn));
    }

    [Test]
    public void Without_the_load_balancer_listing_both_controls_name_the_call()
    {
        var variant = WithAlb("198.51.100.20/32").Delete(Listing);

        var findings = variant.Evaluate<IngressAllowlist>().Concat(variant.Evaluate<NoPathFromInternet>()).ToList();

        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive));
        Assert.That(findings.Select(f => f.Message), Is.All.Contain("elasticloadbalancing:DescribeLoadBalancers"));
    }

    [Test]
    public void A_load_balancer_without_security_groups_is_not_judged_as_if_it_filtered()
    {
        var variant = WithAlb("198.51.100.20/32").Put(Listing, LoadBalancers("[]"));

        var findings = variant.Evaluate<IngressAllowlist>().Concat(variant.Evaluate<NoPathFromInternet>()).ToList();

        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive));
        Assert.That(findings[0].Message, Does.Contain("has no security group"));
    }
}
