using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Plans;

/// <summary>
/// Terraform plans (test data under Plans/Cases, written to HashiCorp's `terraform show -json` format with before, after and
/// after_unknown) judged against the embedded reference: each risky change turns exactly the expected controls red and names
/// the resource addresses responsible; values known only after apply and unmapped changes touching audited resources leave the
/// gate undecided; a plan that changes nothing relevant moves no verdict; and the snapshot folder is never written.
/// </summary>
public class PlanJudgementTests
{
    public static string Case(string name) => Path.Combine(RepositoryPaths.Root, "tests", "IsolationChecks.Tests", "Plans", "Cases", name + ".json");

    public static async Task<RunResult> JudgeAsync(string plan, string? target = null)
    {
        var folder = target ?? RepositoryPaths.Reference;
        var settings = new SuiteSettings(new TargetSpec.SnapshotFolder(folder), Path.Combine(folder, "posture.json"), Path.GetTempPath()) { Plan = plan };
        return await new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System).RunAsync(settings, null, CancellationToken.None);
    }

    private static IEnumerable<string> Controls(IEnumerable<PlannedVerdict> verdicts) => verdicts.Select(v => v.Change.Control).Distinct().Order();

    public static IEnumerable<TestCaseData> RiskyChanges()
    {
        yield return new TestCaseData("gitlab-sg-open-to-world", new[] { "GL-1", "GL-2" }, "aws_security_group.gitlab").SetName("Opening GitLab's security group to 0.0.0.0/0 fails GL-1 and GL-2");
        yield return new TestCaseData("nat-route-in-build-subnet", new[] { "CB-2" }, "aws_route.build_1c_default").SetName("A NAT route in a build subnet fails CB-2");
        yield return new TestCaseData("ecr-policy-public", new[] { "ECR-1" }, "aws_ecr_repository_policy.app").SetName("A public ECR repository policy fails ECR-1");
        yield return new TestCaseData("pull-user-in-push-group", new[] { "IAM-1", "IAM-2" }, "aws_iam_user_group_membership.isolated_pull").SetName("The pull user in a push group fails IAM-1 and IAM-2");
        yield return new TestCaseData("codebuild-privileged-without-logs", new[] { "CB-4", "CB-5" }, "aws_codebuild_project.app").SetName("A build project made privileged and without logs fails CB-4 and CB-5");
        yield return new TestCaseData("delete-logs-endpoint", new[] { "EP-1" }, "module.build_network.aws_vpc_endpoint.interface[\"logs\"]").SetName("Deleting the logs endpoint fails EP-1");
    }

    [TestCaseSource(nameof(RiskyChanges))]
    public async Task A_risky_change_turns_exactly_the_expected_controls_red(string plan, string[] red, string address)
    {
        var run = await JudgeAsync(Case(plan));
        var report = run.Plan!;

        Assert.That(Controls(report.WouldNewlyFail), Is.EqualTo(red), string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        Assert.That(report.WouldNewlyFail.SelectMany(v => v.Addresses).Distinct(), Does.Contain(address));
        Assert.That(report.WouldNewlyFail.Select(v => v.Change.Before), Has.All.EqualTo(Status.Pass));
        Assert.That(report.WouldNewlyPass, Is.Empty);
        Assert.That(report.Overlay.Unjudged, Is.Empty);
        Assert.That(run.Gate.Passed, Is.False);
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.GateFailed));
        Assert.That(run.Gate.Describe(), Does.Contain("hypothetical"));
    }

    [Test]
    public async Task A_transit_gateway_route_to_a_newly_attached_vpc_fails_CB_2_and_CB_3_across_the_two_accounts()
    {
        using var based = await BuildOnTransitGatewayAsync();
        var run = await JudgeAsync(Case("tgw-route-to-a-newly-attached-vpc"), based.Folder);
        var report = run.Plan!;

        Assert.That(Controls(report.WouldNewlyFail), Is.EqualTo(new[] { "CB-2", "CB-3" }), string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        Assert.That(report.WouldNewlyFail.Select(v => v.Change.Before), Has.All.EqualTo(Status.Pass));
        Assert.That(report.WouldBecomeInconclusive.Concat(report.OtherChanges), Is.Empty, string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        var attachment = report.Overlay.StandIns["aws_ec2_transit_gateway_vpc_attachment.gitlab"];
        var cb3 = report.WouldNewlyFail.First(v => v.Change.Control == "CB-3");
        Assert.That(cb3.Hypothetical!.Message, Does.Contain(attachment).And.Contain("nat-0ba146328338d5775"));
        Assert.That(cb3.Addresses, Does.Contain("aws_ec2_transit_gateway_route.default_to_gitlab").And.Contain("aws_route.build_1c_default"));
        Assert.That(report.Overlay.Unknowns, Is.Empty, "the attachment id is taken from the planned attachment, not left unknown");
    }

    [Test]
    public async Task A_transit_gateway_route_to_a_new_vpc_fails_CB_2_and_CB_3_with_the_vpc_placed_in_the_account_its_provider_assumes()
    {
        using var based = await BuildOnTransitGatewayAsync();
        var run = await JudgeAsync(Case("tgw-route-to-a-new-vpc"), based.Folder);
        var report = run.Plan!;
        var verdicts = string.Join('\n', report.Verdicts.Select(v => v.Describe()).Concat(report.Overlay.Unjudged.Select(u => u.Describe())).Concat(report.Overlay.Unknowns.Select(u => u.Describe())));

        Assert.That(Controls(report.WouldNewlyFail), Is.EqualTo(new[] { "CB-2", "CB-3" }), verdicts);
        Assert.That(report.WouldNewlyFail.Select(v => v.Change.Before), Has.All.EqualTo(Status.Pass));
        Assert.That(report.WouldBecomeInconclusive.Concat(report.OtherChanges), Is.Empty, verdicts);
        Assert.That(report.Overlay.Unjudged, Is.Empty, verdicts);
        Assert.That(report.Overlay.Unknowns, Is.Empty, "every id the new network takes is a planned resource's stand-in");
        var vpc = report.Overlay.StandIns["aws_vpc.egress"];
        Assert.That(report.Overlay.Placed.Single(p => p.Address == "aws_vpc.egress").Files, Does.Contain("accounts/111111111111/ap-northeast-1/Vpcs.json"),
            "the network provider assumes a role in 111111111111");
        var cb3 = report.WouldNewlyFail.First(v => v.Change.Control == "CB-3");
        Assert.That(cb3.Hypothetical!.Message, Does.Contain(report.Overlay.StandIns["aws_ec2_transit_gateway_vpc_attachment.egress"])
            .And.Contain(report.Overlay.StandIns["aws_nat_gateway.egress"]), vpc);
        Assert.That(cb3.Addresses, Does.Contain("aws_ec2_transit_gateway_route.default_to_egress").And.Contain("aws_route.build_1c_default"));
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.GateFailed));
    }

    [Test]
    public async Task Deleting_the_logs_endpoint_leaves_what_rested_on_it_inconclusive_and_nothing_else()
    {
        var report = (await JudgeAsync(Case("delete-logs-endpoint"))).Plan!;

        Assert.That(Controls(report.WouldBecomeInconclusive), Is.EqualTo(new[] { "EP-2", "EP-3", "EP-4" }), string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        Assert.That(report.Overlay.Placed.Single().Files, Does.Contain("accounts/222222222222/ap-northeast-1/NetworkInterfaces.json"),
            "the endpoint's network interfaces go with it");
    }

    [Test]
    public async Task The_gitlab_verdict_names_the_rule_and_the_address()
    {
        var report = (await JudgeAsync(Case("gitlab-sg-open-to-world"))).Plan!;
        var gl1 = report.WouldNewlyFail.Single(v => v.Change.Control == "GL-1");

        Assert.That(gl1.Change.Resource, Is.EqualTo("i-09641b72b2c23831c"));
        Assert.That(gl1.Hypothetical!.Message, Does.Contain("0.0.0.0/0").And.Contain("sg-0af10ea0709bb96da"));
        Assert.That(gl1.Addresses, Is.EqualTo(new[] { "aws_security_group.gitlab" }));
    }

    [Test]
    public async Task A_cidr_known_only_after_apply_makes_the_verdicts_that_rest_on_it_inconclusive_naming_the_attribute()
    {
        var run = await JudgeAsync(Case("unknown-cidr-on-gitlab-sg"));
        var report = run.Plan!;

        Assert.That(report.Overlay.Unknowns.Select(u => (u.Address, u.Attribute)), Is.EqualTo(new[] { ("aws_vpc_security_group_ingress_rule.vendor_https", "cidr_ipv4") }));
        Assert.That(Controls(report.WouldBecomeInconclusive), Is.EqualTo(new[] { "GL-1", "GL-2" }), string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        Assert.That(report.WouldBecomeInconclusive.Select(v => v.Hypothetical!.Message), Has.All.Contain("cidr_ipv4").And.All.Contain("known only after apply"));
        Assert.That(report.WouldNewlyFail, Is.Empty);
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.Undecided), run.Gate.Describe());
    }

    [Test]
    public async Task An_unmapped_change_touching_audited_resources_is_listed_and_leaves_the_gate_undecided()
    {
        var run = await JudgeAsync(Case("unmapped-type-in-scope"));
        var report = run.Plan!;

        Assert.That(report.Overlay.Unjudged.Select(u => u.Address), Is.EqualTo(new[] { "aws_ec2_client_vpn_network_association.build" }));
        Assert.That(report.Overlay.Unjudged.Single().Reason, Does.Contain("subnet-0ba1c848456a7183e"));
        Assert.That(report.Overlay.NotInScope, Is.EqualTo(new[] { "aws_s3_bucket.reports" }));
        Assert.That(report.Verdicts.Where(v => v.Effect != PlanEffect.UnchangedFailure), Is.Empty);
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.Undecided), run.Gate.Describe());
    }

    [Test]
    public async Task A_plan_that_changes_nothing_relevant_moves_no_verdict_and_passes()
    {
        var run = await JudgeAsync(Case("nothing-relevant"));
        var report = run.Plan!;

        Assert.That(report.Verdicts, Is.Empty, string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        Assert.That(report.Overlay.Placed.Select(p => p.Address), Is.EqualTo(new[] { "aws_security_group.gitlab" }), "the no-op and the data source change nothing");
        Assert.That(run.Findings.Select(f => (f.Control.Id, f.Resource.Id, f.Status)),
            Is.EquivalentTo((await FixtureRun.EvaluateAsync(RepositoryPaths.Reference)).Select(f => (f.Control.Id, f.Resource.Id, f.Status))));
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.GatePassed), run.Gate.Describe());
    }

    [Test]
    public async Task A_new_group_open_to_the_world_but_attached_to_nothing_moves_no_verdict_and_is_not_undecided()
    {
        var run = await JudgeAsync(Case("new-open-group-attached-to-nothing"));
        var report = run.Plan!;

        Assert.That(report.Overlay.Placed.Select(p => p.Address), Is.EqualTo(new[] { "aws_security_group.debug", "aws_vpc_security_group_ingress_rule.debug_https" }));
        Assert.That(report.Overlay.Unknowns, Is.Empty, "a new group's ingress and egress are outputs the configuration does not set, and the rule's group is the planned group");
        Assert.That(report.Verdicts, Is.Empty, string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.GatePassed), run.Gate.Describe());
    }

    [Test]
    public async Task A_new_repository_is_judged_where_the_audited_registry_is_and_a_verdict_appears_for_it()
    {
        var report = (await JudgeAsync(Case("new-mutable-repository"))).Plan!;

        // Mutable tags fail ECR-2 for the new repository; its lifecycle policy (planned with it) satisfies ECR-4; no policy is private.
        var appeared = report.Verdicts.Where(v => v.Change.Resource.EndsWith("repository/scratch", StringComparison.Ordinal)).ToList();
        Assert.That(appeared.Select(v => (v.Change.Control, v.Change.Before, v.Change.After)),
            Is.EquivalentTo(new (string, Status?, Status?)[] { ("ECR-1", null, Status.Pass), ("ECR-2", null, Status.Fail), ("ECR-3", null, Status.Pass), ("ECR-4", null, Status.Pass) }),
            string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        Assert.That(appeared.Single(v => v.Change.Control == "ECR-2").Addresses, Is.EqualTo(new[] { "aws_ecr_repository.scratch" }));
        Assert.That(Controls(report.WouldNewlyFail), Is.EqualTo(new[] { "ECR-2" }));
        Assert.That(report.Verdicts.Where(v => !v.Change.Resource.EndsWith("repository/scratch", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task The_overlay_never_writes_the_snapshot_folder()
    {
        var before = Directory.EnumerateFiles(RepositoryPaths.Reference, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

        foreach (var (plan, _, _) in RiskyChanges().Select(c => ((string)c.Arguments[0]!, 0, 0)))
            await JudgeAsync(Case(plan));

        var after = Directory.EnumerateFiles(RepositoryPaths.Reference, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
        Assert.That(after, Is.EqualTo(before));
    }

    /// <summary>The reference with its build network behind a transit gateway (Plans/Bases/build-on-transit-gateway).</summary>
    private static Task<IsolationChecks.TestSupport.MaterialisedFixture> BuildOnTransitGatewayAsync() =>
        IsolationChecks.TestSupport.FixtureOverlay.MaterialiseAsync(
            Path.Combine(RepositoryPaths.Root, "tests", "IsolationChecks.Tests", "Plans", "Bases", "build-on-transit-gateway"));
}
