using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.CodeBuild.CB1_ProjectRunsInVpc;
using IsolationChecks.Controls.CodeBuild.CB2_SubnetsArePrivate;
using IsolationChecks.Controls.CodeBuild.CB4_LogsToCloudWatch;
using IsolationChecks.Controls.CodeBuild.CB5_NoPrivilegedMode;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.CodeBuild;

/// <summary>Hand-worked cases for the CodeBuild controls on small in-memory snapshots.</summary>
public class CodeBuildControlTests
{
    private const string Vpc = "vpc-0b0000000000000001";
    private const string SubnetA = "subnet-0a000000000000001";
    private const string SubnetC = "subnet-0c000000000000001";

    private static readonly Project Compliant = new("app-build",
        Arn: "arn:aws:codebuild:ap-northeast-1:222222222222:project/app-build",
        VpcConfig: new ProjectVpcConfig(Vpc, [SubnetA, SubnetC], ["sg-0b000000000000001"]),
        LogsConfig: new ProjectLogsConfig(new CloudWatchLogsConfig("ENABLED", "/codebuild/app-build")),
        Environment: new ProjectEnvironment("LINUX_CONTAINER", "aws/codebuild/standard:7.0", "BUILD_GENERAL1_SMALL", false));

    private static RouteTable Private(string id, params string[] subnets) => new(id, Vpc,
        Routes: [new Route(DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", State: "active"),
                 new Route(DestinationPrefixListId: "pl-61a54008", GatewayId: "vpce-0s3", State: "active")],
        Associations: subnets.Select(s => new RouteTableAssociation(Main: false, SubnetId: s, AssociationState: new AssociationState("associated"))).ToList());

    private static ScopeBuilder Environment(Project project, params RouteTable[] tables) => new()
    {
        Subnets = [NetworkScope.Subnet(SubnetA, Vpc, "10.20.1.0/24", "ap-northeast-1a"), NetworkScope.Subnet(SubnetC, Vpc, "10.20.2.0/24", "ap-northeast-1c")],
        RouteTables = tables.Length > 0 ? [.. tables] : [Private("rtb-0private", SubnetA, SubnetC)],
        Projects = [project],
        PrefixLists = new() { ["pl-61a54008"] = [new PrefixListEntry("52.219.0.0/20"), new PrefixListEntry("3.5.152.0/21")] },
    };

    private static Finding Single<TControl>(ScopeBuilder environment, BuildPosture? build = null) where TControl : IControl, new()
    {
        var findings = Evaluate.With<TControl>(environment.Context(build ?? ScopeBuilder.AllProjects()));
        Assert.That(findings, Has.Count.EqualTo(1), () => string.Join("\n", findings.Select(f => $"{f.Status} {f.Message}")));
        return findings[0];
    }

    [Test]
    public void Every_codebuild_control_passes_a_compliant_project()
    {
        var environment = Environment(Compliant);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Single<ProjectRunsInVpc>(environment).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<SubnetsArePrivate>(environment).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<LogsToCloudWatch>(environment).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<NoPrivilegedMode>(environment).Status, Is.EqualTo(Status.Pass));
        }
    }

    [Test]
    public void CB1_fails_a_project_without_vpc_config_and_names_it()
    {
        var finding = Single<ProjectRunsInVpc>(Environment(Compliant with { VpcConfig = null }));

        Assert.That(finding, Has.Property(nameof(Finding.Status)).EqualTo(Status.Fail)
            .And.Property(nameof(Finding.Message)).Contains("app-build").And.Property(nameof(Finding.Message)).Contains("no vpcConfig"));
        Assert.That(finding.TestName, Is.EqualTo("CB-1 app-build runs in a VPC"));
    }

    [TestCase(Vpc, new string[0], new[] { "sg-1" }, "at least one subnet")]
    [TestCase(Vpc, new[] { SubnetA }, new string[0], "at least one security group")]
    public void CB1_fails_an_incomplete_vpc_config(string vpcId, string[] subnets, string[] groups, string missing)
    {
        var finding = Single<ProjectRunsInVpc>(Environment(Compliant with { VpcConfig = new ProjectVpcConfig(vpcId, subnets, groups) }));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain(missing));
    }

    [Test]
    public void CB1_fails_a_project_in_a_vpc_the_posture_does_not_declare()
    {
        var finding = Single<ProjectRunsInVpc>(Environment(Compliant), new BuildPosture("prd", ["*"], Vpcs: ["vpc-0d000000000000001"]));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain(Vpc).And.Contain("vpc-0d000000000000001"));
    }

    [TestCase("0.0.0.0/0", "nat-0123456789abcdef0", null, "NAT gateway")]
    [TestCase("52.0.0.0/8", null, "pcx-0123456789abcdef0", "VPC peering connection")]
    public void CB2_fails_a_route_to_internet_addresses_and_names_table_and_route(string destination, string? nat, string? peering, string kind)
    {
        var table = Private("rtb-0private", SubnetA, SubnetC) with { };
        table = table with { Routes = [.. table.Routes!, new Route(DestinationCidrBlock: destination, NatGatewayId: nat, VpcPeeringConnectionId: peering, State: "active")] };

        var finding = Single<SubnetsArePrivate>(Environment(Compliant, table));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("rtb-0private").And.Contain(destination).And.Contain(nat ?? peering).And.Contain(kind));
    }

    [Test]
    public void CB2_uses_the_main_table_for_an_unassociated_subnet()
    {
        var own = Private("rtb-0private", SubnetA);
        var main = new RouteTable("rtb-0main", Vpc,
            Routes: [new Route(DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0123456789abcdef0", State: "active")],
            Associations: [new RouteTableAssociation(Main: true, AssociationState: new AssociationState("associated"))]);

        var finding = Single<SubnetsArePrivate>(Environment(Compliant, own, main));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain(SubnetC).And.Contain("rtb-0main").And.Contain("main route table").And.Contain("internet gateway"));
        Assert.That(finding.Message, Does.Not.Contain(SubnetA + " uses"));
    }

    [Test]
    public void CB2_ignores_private_destinations_blackholes_and_approved_egress()
    {
        var table = Private("rtb-0private", SubnetA, SubnetC);
        table = table with
        {
            Routes =
            [
                .. table.Routes!,
                new Route(DestinationCidrBlock: "10.0.0.0/8", TransitGatewayId: "tgw-0123456789abcdef0", State: "active"),
                new Route(DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-0dead", State: "blackhole"),
                new Route(DestinationIpv6CidrBlock: "::/0", TransitGatewayId: "tgw-0inspected", State: "active"),
            ],
        };

        var finding = Single<SubnetsArePrivate>(Environment(Compliant, table), new BuildPosture("prd", ["*"], ApprovedEgress: ["tgw-0inspected"]));

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
        Assert.That(finding.Evidence.Select(e => e.Fact), Has.Some.Contains("blackhole"));
    }

    [Test]
    public void CB2_fails_a_prefix_list_route_whose_entries_are_public_through_an_internet_gateway()
    {
        var table = Private("rtb-0private", SubnetA, SubnetC);
        table = table with { Routes = [.. table.Routes!, new Route(DestinationPrefixListId: "pl-61a54008", GatewayId: "igw-0abc", State: "active")] };

        var finding = Single<SubnetsArePrivate>(Environment(Compliant, table));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("pl-61a54008").And.Contain("52.219.0.0/20"));
    }

    [Test]
    public void CB2_is_inconclusive_when_route_tables_were_not_collected()
    {
        var environment = Environment(Compliant) with
        {
            RouteTablesGap = new DataGap("ec2", "DescribeRouteTables", "User is not authorized", "UnauthorizedOperation", "RouteTables.json"),
        };

        var finding = Single<SubnetsArePrivate>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("DescribeRouteTables").And.Contain("UnauthorizedOperation"));
    }

    [Test]
    public void CB4_fails_disabled_logs_and_is_inconclusive_when_the_setting_is_unseen()
    {
        var disabled = Single<LogsToCloudWatch>(Environment(Compliant with { LogsConfig = new ProjectLogsConfig(new CloudWatchLogsConfig("DISABLED")) }));
        var unseen = Single<LogsToCloudWatch>(Environment(Compliant with { LogsConfig = null }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(disabled.Status, Is.EqualTo(Status.Fail));
            Assert.That(disabled.Message, Does.Contain("DISABLED"));
            Assert.That(unseen.Status, Is.EqualTo(Status.Inconclusive));
        }
    }

    [Test]
    public void CB5_fails_privileged_mode_unless_the_posture_allows_that_project()
    {
        var privileged = Environment(Compliant with { Environment = Compliant.Environment! with { PrivilegedMode = true } });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Single<NoPrivilegedMode>(privileged).Status, Is.EqualTo(Status.Fail));
            Assert.That(Single<NoPrivilegedMode>(privileged, ScopeBuilder.AllProjects("app-build")).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<NoPrivilegedMode>(privileged, ScopeBuilder.AllProjects("image-build")).Status, Is.EqualTo(Status.Fail));
        }
    }

    [Test]
    public void Every_codebuild_control_is_inconclusive_naming_the_call_when_projects_were_not_collected()
    {
        var environment = Environment(Compliant) with
        {
            ProjectsGap = new DataGap("codebuild", "BatchGetProjects", "not authorized", "AccessDeniedException", "codebuild/batch-get-projects.json"),
        };
        var build = new BuildPosture("prd", ["app-build"]);

        foreach (var control in ControlCatalog.Discover().Controls.Where(c => c.Metadata.Family == "CodeBuild"))
        {
            // Every project of the account is in scope, and app-build must exist: neither can be judged.
            var findings = control.EvaluateAsync(environment.Context(build), CancellationToken.None).GetAwaiter().GetResult();
            Assert.That(findings, Has.Count.EqualTo(2).And.All.Property(nameof(Finding.Status)).EqualTo(Status.Inconclusive), control.Metadata.Id);
            Assert.That(findings.Select(f => f.Message), Is.All.Contain("BatchGetProjects").And.All.Contain("AccessDeniedException"), control.Metadata.Id);
        }
    }

    [Test]
    public void A_named_project_missing_from_the_account_fails_and_the_others_are_still_judged()
    {
        var findings = Evaluate.With<ProjectRunsInVpc>(Environment(Compliant).Context(new BuildPosture("prd", ["ghost-build"])));

        Assert.That(findings.Select(f => (f.Resource.Name, f.Status)), Is.EquivalentTo(new[] { ("ghost-build", Status.Fail), ("app-build", Status.Pass) }));
        Assert.That(findings.Single(f => f.Status == Status.Fail).Evidence.Single().Fact, Does.Contain("1 listed: app-build"));
    }

    [Test]
    public void An_account_without_projects_is_nothing_to_judge_which_is_never_a_pass()
    {
        var empty = new ScopeBuilder();

        foreach (var control in ControlCatalog.Discover().Controls.Where(c => c.Metadata.Family == "CodeBuild"))
        {
            var findings = control.EvaluateAsync(empty.Context(ScopeBuilder.AllProjects()), CancellationToken.None).GetAwaiter().GetResult();
            Assert.That(findings, Has.Count.EqualTo(1), control.Metadata.Id);
            Assert.That(findings[0].Status, Is.EqualTo(Status.Inconclusive), control.Metadata.Id);
            Assert.That(findings[0].Message, Does.Contain("nothing to judge"), control.Metadata.Id);
            Assert.That(findings[0].Remediation, Does.Contain("excludedControls"), control.Metadata.Id);
            Assert.That(findings[0].Evidence.Single().Fact, Does.Contain("0 listed"), control.Metadata.Id);
        }
    }
}
