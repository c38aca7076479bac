using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;
using static IsolationChecks.Tests.Running.RunBuilders;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Running;

public class SuiteRunnerTests
{
    private static Task<IReadOnlyList<Finding>> EvaluateAsync(IReadOnlyList<IControl> controls, Snapshot snapshot, PostureDocument posture,
        DateTimeOffset? now = null) =>
        new SuiteRunner(controls, Clock(now)).EvaluateAsync(snapshot, posture, "/snapshots/test/posture.json", CancellationToken.None);

    [Test]
    public async Task A_control_that_throws_yields_one_error_naming_the_exception_and_the_others_still_run()
    {
        var broken = Control("CB-1");
        var healthy = ScriptedControl.Returning(Control("CB-4", Severity.Medium), ("app-build", Status.Pass));

        var findings = await EvaluateAsync(
            [ScriptedControl.Throwing(broken, new InvalidOperationException("route table rtb-1 has no routes array")), healthy],
            Snapshot(), PostureWith());

        Assert.That(findings, Has.Count.EqualTo(2));
        var error = findings[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Control.Id, Is.EqualTo("CB-1"));
            Assert.That(error.Status, Is.EqualTo(Status.Error));
            Assert.That(error.Message, Does.Contain("InvalidOperationException").And.Contain("route table rtb-1 has no routes array"));
            Assert.That(error.Evidence.Select(e => e.Fact), Has.Some.Contains("System.InvalidOperationException"));
            Assert.That(error.TestName, Does.StartWith("CB-1 "));
            Assert.That(findings[1].Status, Is.EqualTo(Status.Pass));
            Assert.That(healthy.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task A_control_that_says_nothing_yields_an_error_instead_of_vanishing()
    {
        var findings = await EvaluateAsync([new ScriptedControl(Control("CB-5", Severity.High), _ => [])], Snapshot(), PostureWith());

        Assert.That(findings, Has.Count.EqualTo(1));
        Assert.That(findings[0].Status, Is.EqualTo(Status.Error));
        Assert.That(findings[0].Message, Does.Contain("no finding"));
    }

    [Test]
    public void Cancellation_is_not_turned_into_an_error_finding()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var control = new ScriptedControl(Control("CB-1"), _ => throw new OperationCanceledException(cancelled.Token));

        Assert.That(async () => await new SuiteRunner([control], Clock()).EvaluateAsync(Snapshot(), PostureWith(), "p", cancelled.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Tampered_evidence_turns_every_pass_into_an_error_and_every_finding_names_the_problem()
    {
        var tampered = new IntegrityReport(true, ["RouteTables.json"], ["Subnets.json"], []);
        var control = ScriptedControl.Returning(Control("CB-2"), ("app-build", Status.Pass), ("web-build", Status.Fail));

        var findings = await EvaluateAsync([control], Snapshot(tampered), PostureWith());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(findings.Select(f => f.Status), Is.EqualTo(new[] { Status.Error, Status.Fail }));
            Assert.That(findings[0].Message, Does.Contain("RouteTables.json: SHA-256 does not match manifest.json")
                .And.Contain("Subnets.json: listed in manifest.json but absent"));
            foreach (var finding in findings)
                Assert.That(finding.Evidence, Has.Some.Matches<EvidenceFact>(e => e!.Subject == IntegrityGuard.Subject
                    && e.Fact.Contains("RouteTables.json", StringComparison.Ordinal) && e.Source == SnapshotLayout.ManifestFile), finding.TestName);
        }
    }

    [Test]
    public async Task Intact_evidence_leaves_verdicts_and_evidence_as_the_controls_gave_them()
    {
        var control = ScriptedControl.Returning(Control("CB-2"), ("app-build", Status.Pass));

        var findings = await EvaluateAsync([control], Snapshot(new IntegrityReport(true, [], [], ["notes.txt"])), PostureWith());

        Assert.That(findings.Single().Status, Is.EqualTo(Status.Pass));
        Assert.That(findings.Single().Evidence, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_folder_without_manifest_keeps_its_verdicts_but_says_they_are_unverified()
    {
        var control = ScriptedControl.Returning(Control("CB-2"), ("app-build", Status.Pass));

        var findings = await EvaluateAsync([control], Snapshot(IntegrityReport.Unverified), PostureWith());

        Assert.That(findings.Single().Status, Is.EqualTo(Status.Pass));
        Assert.That(findings.Single().Evidence.Select(e => e.Fact), Has.Some.Contains("without integrity verification"));
        Assert.That(findings.Single().Evidence.Last().Source, Is.Null, "there is no manifest.json to point at");
    }

    [Test]
    public async Task A_valid_waiver_turns_a_fail_into_waived_keeping_the_original_status_reason_and_approver()
    {
        var control = ScriptedControl.Returning(Control("CB-2"), ("app-build", Status.Fail), ("web-build", Status.Fail));
        var waiver = new Waiver("CB-2", "arn:aws:codebuild:ap-northeast-1:111122223333:project/app-build",
            "egress via inspected TGW until migration", "ciso@example.com", new DateOnly(2026, 6, 30));

        var findings = await EvaluateAsync([control], Snapshot(), PostureWith(waiver));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(findings.Select(f => f.Status), Is.EqualTo(new[] { Status.Waived, Status.Fail }), "only the waived resource changes");
            var note = findings[0].Evidence.Single(e => e.Subject == WaiverApplier.Subject);
            Assert.That(note.Fact, Does.Contain("original status fail").And.Contain("egress via inspected TGW until migration")
                .And.Contain("ciso@example.com").And.Contain("2026-06-30"));
            Assert.That(note.Source, Does.Contain("$.waivers[0]"));
            Assert.That(findings[0].Message, Does.StartWith("waived (fail): "));
        }
    }

    [Test]
    public async Task A_waiver_matches_by_resource_name_and_covers_inconclusive_until_the_end_of_its_last_day()
    {
        var control = ScriptedControl.Returning(Control("CB-3"), ("app-build", Status.Inconclusive));
        var waiver = new Waiver("cb-3", "app-build", "probe host not yet deployed", "lead", DateOnly.FromDateTime(Now.UtcDateTime));

        var findings = await EvaluateAsync([control], Snapshot(), PostureWith(waiver));

        Assert.That(findings.Single().Status, Is.EqualTo(Status.Waived));
        Assert.That(findings.Single().Evidence.Select(e => e.Fact), Has.Some.Contains("original status inconclusive"));
    }

    [Test]
    public async Task An_expired_waiver_is_ignored_and_noted()
    {
        var control = ScriptedControl.Returning(Control("CB-2"), ("app-build", Status.Fail));
        var waiver = new Waiver("CB-2", "app-build", "temporary", "lead", new DateOnly(2026, 3, 14));

        var findings = await EvaluateAsync([control], Snapshot(), PostureWith(waiver));

        Assert.That(findings.Single().Status, Is.EqualTo(Status.Fail));
        Assert.That(findings.Single().Evidence.Select(e => e.Fact), Has.Some.Contains("expired on 2026-03-14, not applied"));
    }

    [Test]
    public async Task A_waiver_for_another_control_or_resource_changes_nothing()
    {
        var control = ScriptedControl.Returning(Control("CB-2"), ("app-build", Status.Fail));

        var findings = await EvaluateAsync([control], Snapshot(), PostureWith(
            new Waiver("CB-3", "app-build", "other control", "lead", new DateOnly(2030, 1, 1)),
            new Waiver("CB-2", "web-build", "other resource", "lead", new DateOnly(2030, 1, 1))));

        Assert.That(findings.Single().Status, Is.EqualTo(Status.Fail));
        Assert.That(findings.Single().Evidence, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Errors_are_never_waived_not_even_a_pass_withheld_for_tampered_evidence()
    {
        var control = ScriptedControl.Returning(Control("CB-2"), ("app-build", Status.Pass));
        var waiver = new Waiver("CB-2", "app-build", "accepted", "lead", new DateOnly(2030, 1, 1));

        var findings = await EvaluateAsync([control], Snapshot(new IntegrityReport(true, ["Subnets.json"], [], [])), PostureWith(waiver));

        Assert.That(findings.Single().Status, Is.EqualTo(Status.Error));
        Assert.That(findings.Single().Evidence.Select(e => e.Fact), Has.Some.Contains("cannot be waived"));
    }

    [Test]
    public void Collection_scopes_are_the_posture_accounts_once_per_account_and_region_with_their_profile_and_role()
    {
        var posture = new PostureDocument(1, "p", new Dictionary<string, AccountTarget>
        {
            ["dev"] = new("111111111111", "ap-northeast-1", Profile: "dev-audit"),
            ["prd"] = new("222222222222", "ap-northeast-1", RoleArn: "arn:aws:iam::222222222222:role/audit"),
            ["prd-again"] = new("222222222222", "AP-NORTHEAST-1"),
        });

        var scopes = LiveCollection.ScopesOf(posture);

        Assert.That(scopes, Is.EqualTo(new[]
        {
            new IsolationChecks.Aws.AuditScope("dev", "111111111111", "ap-northeast-1", "dev-audit"),
            new IsolationChecks.Aws.AuditScope("prd", "222222222222", "ap-northeast-1", null, "arn:aws:iam::222222222222:role/audit"),
        }));
    }

    [Test]
    public void The_region_setting_moves_every_posture_account_so_controls_find_the_scopes_collected_there()
    {
        var moved = SuiteRunner.WithRegion(PostureWith(), "eu-west-1");

        Assert.That(moved.Account("prd"), Is.EqualTo(new AccountTarget("111122223333", "eu-west-1")));
    }
}
