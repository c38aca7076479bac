using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.CodeBuild.CB3_NoPathToInternet;
using IsolationChecks.Controls.Endpoints.EP1_EndpointExists;
using IsolationChecks.Controls.Endpoints.EP2_PrivateDnsEnabled;
using IsolationChecks.Controls.Endpoints.EP3_EndpointInEveryBuildZone;
using IsolationChecks.Controls.Endpoints.EP4_PathToEndpoint;
using IsolationChecks.Controls.Endpoints.EP5_S3GatewayOnBuildRoutes;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Tests.Support;
using static IsolationChecks.Tests.Support.BuildNetwork;
using static IsolationChecks.Tests.Support.NetworkScope;

namespace IsolationChecks.Tests.Controls.Network;

/// <summary>CB-3 and EP-1..EP-5 on <see cref="BuildNetwork"/>: green as drawn, red for exactly the change each control exists to catch.</summary>
public class NetworkControlTests
{
    private static readonly BuildPosture AllProjects = new("prd", ["*"]);

    private static IReadOnlyList<Finding> Run<TControl>(NetworkScope network, BuildPosture? build = null) where TControl : IControl, new() =>
        Evaluate.With<TControl>(network.Context(build ?? AllProjects));

    private static Finding For<TControl>(NetworkScope network, string service, BuildPosture? build = null) where TControl : IControl, new() =>
        Run<TControl>(network, build).Single(f => f.Resource.Name.StartsWith($"{VpcId} {service}", StringComparison.Ordinal)
            && (f.Resource.Name.Length == $"{VpcId} {service}".Length || f.Resource.Name[$"{VpcId} {service}".Length] == ' '));

    private static string Explain(IEnumerable<Finding> findings) => string.Join("\n", findings.Select(f => $"{f.Control.Id} {f.Resource.Name} {f.Status}: {f.Message}"));

    [Test]
    public void Every_network_control_passes_the_compliant_build_network()
    {
        var network = Compliant();
        var findings = new[]
        {
            Run<NoPathToInternet>(network), Run<EndpointExists>(network), Run<PrivateDnsEnabled>(network),
            Run<EndpointInEveryBuildZone>(network), Run<PathToEndpoint>(network), Run<S3GatewayOnBuildRoutes>(network),
        }.SelectMany(f => f).ToList();

        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Pass), Explain(findings));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(findings.Count(f => f.Control.Id == "EP-1"), Is.EqualTo(5), "one EP-1 finding per default required service");
            Assert.That(findings.Count(f => f.Control.Id == "EP-4"), Is.EqualTo(4), "s3 is a gateway service: EP-5 judges it, not EP-4");
            Assert.That(findings.Single(f => f.Control.Id == "CB-3").TestName, Is.EqualTo("CB-3 app-build has no network path to the internet"));
            Assert.That(findings.First(f => f.Control.Id == "EP-1").TestName, Does.StartWith("EP-1 vpc-build "));
        }
    }

    [Test]
    public void CB3_fails_a_nat_route_and_prints_the_path_hop_by_hop()
    {
        var network = Compliant();
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-private",
            t => t with { Routes = [.. t.Routes!, NetworkScope.RouteTo("0.0.0.0/0", NatGatewayId: Nat)] });

        var finding = Run<NoPathToInternet>(network).Single();

        Assert.That(finding.Status, Is.EqualTo(Status.Fail), finding.Message);
        Assert.That(finding.Message, Does.Contain("app-build has a network path to the internet")
            .And.Contain("sg-build").And.Contain("rtb-private").And.Contain("nat-public").And.Contain("rtb-public").And.Contain("igw-build"));
    }

    [Test]
    public void CB3_passes_when_a_route_exists_but_the_network_acl_blocks_it()
    {
        var network = Compliant();
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-private",
            t => t with { Routes = [.. t.Routes!, NetworkScope.RouteTo("0.0.0.0/0", NatGatewayId: Nat)] });
        network.NetworkAcls.Add(new NetworkAcl("acl-build", VpcId, false,
            [Entry(100, true, "allow", cidr: "10.0.0.0/16"), Entry(110, true, "allow", cidr: "52.219.0.0/20"), Entry(120, true, "allow", cidr: "3.5.152.0/21"),
             Entry(100, false, "allow")],
            [new NetworkAclAssociation("acl-build", BuildA, "a1"), new NetworkAclAssociation("acl-build", BuildC, "a2")]));

        var finding = Run<NoPathToInternet>(network).Single();

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
        Assert.That(finding.Evidence.Select(e => e.ToString()), Has.Some.Contains("acl-build").And.Some.Contains("implicit deny"));
    }

    [Test]
    public void CB3_is_inconclusive_when_security_groups_were_not_collected()
    {
        var network = Compliant();
        network.Gaps["SecurityGroups"] = new DataGap("ec2", "DescribeSecurityGroups", "denied", "UnauthorizedOperation", "SecurityGroups.json");

        var finding = Run<NoPathToInternet>(network).Single();

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("DescribeSecurityGroups"));
    }

    [Test]
    public void EP1_fails_a_missing_endpoint_and_an_s3_endpoint_that_is_not_a_gateway()
    {
        var network = Compliant();
        network.VpcEndpoints.RemoveAll(e => e.ServiceName.EndsWith(".logs", StringComparison.Ordinal));
        network.Replace(network.VpcEndpoints, e => e.VpcEndpointId == "vpce-s3", e => e with { VpcEndpointType = "Interface" });

        var logs = For<EndpointExists>(network, "logs");
        var s3 = For<EndpointExists>(network, "s3");
        var sts = For<EndpointExists>(network, "sts");

        Assert.That(logs.Status, Is.EqualTo(Status.Fail));
        Assert.That(logs.Message, Does.Contain("com.amazonaws.ap-northeast-1.logs"));
        Assert.That(s3.Status, Is.EqualTo(Status.Fail));
        Assert.That(s3.Message, Does.Contain("no Gateway endpoint"));
        Assert.That(sts.Status, Is.EqualTo(Status.Pass));
    }

    [Test]
    public void EP1_uses_the_posture_required_endpoints_and_build_vpcs()
    {
        var findings = Run<EndpointExists>(Compliant(), new BuildPosture("prd", ["*"], Vpcs: [VpcId], RequiredEndpoints: ["codeartifact.api"]));

        Assert.That(findings.Single().Status, Is.EqualTo(Status.Fail));
        Assert.That(findings.Single().Resource.Name, Is.EqualTo("vpc-build codeartifact.api"));
    }

    [Test]
    public void EP2_fails_an_endpoint_with_private_dns_off()
    {
        var network = Compliant();
        network.Replace(network.VpcEndpoints, e => e.VpcEndpointId == "vpce-logs", e => e with { PrivateDnsEnabled = false });

        var finding = For<PrivateDnsEnabled>(network, "logs");

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("vpce-logs").And.Contain("private DNS disabled"));
    }

    [Test]
    public void EP3_fails_an_endpoint_missing_from_a_build_zone()
    {
        var network = Compliant();
        network.Replace(network.VpcEndpoints, e => e.VpcEndpointId == "vpce-sts",
            e => e with { SubnetIds = [Endpoints], NetworkInterfaceIds = ["eni-sts-a"] });
        network.NetworkInterfaces.RemoveAll(n => n.NetworkInterfaceId == "eni-sts-c");

        var finding = For<EndpointInEveryBuildZone>(network, "sts");

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("ap-northeast-1c").And.Contain("vpce-sts"));
    }

    [Test]
    public void EP4_fails_when_the_endpoint_security_group_no_longer_admits_the_build_group_and_names_the_hop()
    {
        var network = Compliant();
        network.Replace(network.SecurityGroups, g => g.GroupId == EndpointGroup, g => g with { IpPermissions = [Tcp(443, "10.99.0.0/16")] });

        var finding = For<PathToEndpoint>(network, "logs");

        Assert.That(finding.Status, Is.EqualTo(Status.Fail), finding.Message);
        Assert.That(finding.Message, Does.Contain("builds cannot open TCP 443 to vpce-logs").And.Contain("eni-logs-a security group ingress")
            .And.Contain("no rule of sg-endpoint admits it"));
    }

    [Test]
    public void EP4_fails_when_the_endpoint_subnet_acl_drops_the_replies_to_ephemeral_ports()
    {
        var network = Compliant();
        network.NetworkAcls.Add(new NetworkAcl("acl-endpoints", VpcId, false,
            [Entry(100, false, "allow", "6", "10.0.0.0/16", 443), Entry(100, true, "allow", "6", "10.0.0.0/16", 443)],
            [new NetworkAclAssociation("acl-endpoints", Endpoints, "a1"), new NetworkAclAssociation("acl-endpoints", EndpointsC, "a2")]));

        var finding = For<PathToEndpoint>(network, "ecr.dkr");

        Assert.That(finding.Status, Is.EqualTo(Status.Fail), finding.Message);
        Assert.That(finding.Message, Does.Contain("acl-endpoints").And.Contain("outbound (return traffic, stateless)").And.Contain("ports 32768-60999"));
    }

    [Test]
    public void EP5_fails_a_build_route_table_without_the_s3_gateway_endpoint()
    {
        var network = Compliant();
        network.RouteTables.Add(new RouteTable("rtb-build-c", VpcId, [Local("10.0.0.0/16")], [Association(BuildC)]));
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-private",
            t => t with { Associations = t.Associations!.Where(a => a.SubnetId != BuildC).ToList() });

        var finding = For<S3GatewayOnBuildRoutes>(network, "s3");

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("rtb-build-c").And.Contain(BuildC));
        Assert.That(finding.EffectiveRemediation, Does.Contain("--add-route-table-ids rtb-build-c"));
    }

    [Test]
    public void Endpoint_controls_are_inconclusive_not_silent_when_endpoints_were_not_collected()
    {
        var network = Compliant();
        network.Gaps["VpcEndpoints"] = new DataGap("ec2", "DescribeVpcEndpoints", "denied", "UnauthorizedOperation", "VpcEndpoints.json");

        var findings = new[] { Run<EndpointExists>(network), Run<PrivateDnsEnabled>(network), Run<PathToEndpoint>(network), Run<S3GatewayOnBuildRoutes>(network) }
            .SelectMany(f => f).ToList();

        Assert.That(findings, Is.Not.Empty);
        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive), Explain(findings));
    }

    [Test]
    public void A_build_vpc_the_account_does_not_have_is_inconclusive_not_a_missing_endpoint()
    {
        var findings = Run<EndpointExists>(Compliant(), new BuildPosture("prd", ["*"], Vpcs: ["vpc-elsewhere"]));

        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive));
        Assert.That(findings[0].Message, Does.Contain("vpc-elsewhere is not among the account's VPCs"));
    }
}
