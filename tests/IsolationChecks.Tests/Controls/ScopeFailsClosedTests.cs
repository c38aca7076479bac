using System.Text;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.CodeBuild.CB1_ProjectRunsInVpc;
using IsolationChecks.Controls.Ecr.ECR2_ImmutableTags;
using IsolationChecks.Posture;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Tests.Running;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls;

/// <summary>
/// Scope fails closed (issue 12): every resource of a judged kind in the section's account is judged; named resources
/// must exist; anything left out is an exclusion with a reason, shown in the reports; nothing to judge is never a pass.
/// </summary>
public sealed class ScopeFailsClosedTests
{
    private const string Vpc = "vpc-0b0000000000000001";

    private static Project InVpc(string name) => new(name, Arn: $"arn:aws:codebuild:ap-northeast-1:222222222222:project/{name}",
        VpcConfig: new ProjectVpcConfig(Vpc, ["subnet-0a000000000000001"], ["sg-0b000000000000001"]),
        LogsConfig: new ProjectLogsConfig(new CloudWatchLogsConfig("ENABLED", $"/codebuild/{name}")),
        Environment: new ProjectEnvironment("LINUX_CONTAINER", "aws/codebuild/standard:7.0", "BUILD_GENERAL1_SMALL", false));

    private static IEnumerable<IControl> Family(string family) => ControlCatalog.Discover().Controls.Where(c => c.Metadata.Family == family);

    private static IReadOnlyList<Finding> Run(IControl control, EvaluationContext context) => control.EvaluateAsync(context, CancellationToken.None).GetAwaiter().GetResult();

    [Test]
    public void An_unlisted_project_that_runs_outside_the_vpc_is_judged_and_fails_CB1()
    {
        var environment = new ScopeBuilder { Projects = [InVpc("app-build"), InVpc("hotfix-build") with { VpcConfig = null }] };

        var findings = Evaluate.With<ProjectRunsInVpc>(environment.Context(new BuildPosture("prd", ["app-build"])));

        Assert.That(findings.Select(f => (f.Resource.Name, f.Status)), Is.EquivalentTo(new[] { ("app-build", Status.Pass), ("hotfix-build", Status.Fail) }));
        Assert.That(findings.Single(f => f.Status == Status.Fail).Message, Does.Contain("hotfix-build"));
    }

    [TestCase("CodeBuild")]
    [TestCase("ECR")]
    public void A_star_that_matches_nothing_is_never_a_pass(string family)
    {
        var codeBuild = new ScopeBuilder().Context(ScopeBuilder.AllProjects());
        var ecr = new EcrBuilder().Context(new EcrPosture("prd", ["*"]));

        // ECR-5 judges the account's ECR Public listing, not the private repositories the posture selects.
        foreach (var control in Family(family).Where(c => c.Metadata.Id != "ECR-5"))
        {
            var findings = Run(control, family == "ECR" ? ecr : codeBuild);
            Assert.That(findings.Select(f => f.Status), Is.EqualTo(new[] { Status.Inconclusive }), control.Metadata.Id);
            Assert.That(findings[0].Message, Does.Contain("nothing to judge").And.Contain("0 listed"), control.Metadata.Id);
        }
    }

    [Test]
    public void A_star_in_the_wrong_region_is_inconclusive_naming_what_is_missing()
    {
        var environment = new ScopeBuilder(Region: "eu-west-1") { Projects = [InVpc("app-build")] };
        var posture = new PostureDocument(1, "t", new Dictionary<string, AccountTarget> { ["prd"] = new("222222222222", "ap-northeast-1") },
            Build: ScopeBuilder.AllProjects());
        var context = new EvaluationContext(environment.Context(null).Snapshot, posture, TimeProvider.System);

        var findings = Evaluate.With<ProjectRunsInVpc>(context);

        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive));
        Assert.That(findings[0].Message, Does.Contain("ap-northeast-1").And.Contain("is not in the snapshot"));
    }

    [Test]
    public void A_named_repository_that_does_not_exist_fails_with_the_listing_as_evidence()
    {
        var ecr = new EcrBuilder().WithRepository(EcrBuilder.Compliant("app"));

        var findings = Evaluate.With<ImmutableTags>(ecr.Context(new EcrPosture("prd", ["app", "base-images"])));

        var missing = findings.Single(f => f.Resource.Name == "base-images");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(missing.Status, Is.EqualTo(Status.Fail));
            Assert.That(missing.Message, Does.Contain("does not exist").And.Contain("ecr.repositories"));
            Assert.That(missing.Evidence.Single().Fact, Is.EqualTo("1 listed: app"));
            Assert.That(missing.EffectiveRemediation, Does.Contain("Create private ECR repository base-images"));
        }
    }

    [Test]
    public void An_excluded_project_is_not_judged_and_the_reports_show_it_with_its_reason()
    {
        var environment = new ScopeBuilder { Projects = [InVpc("app-build"), InVpc("legacy-build") with { VpcConfig = null }] };
        var build = new BuildPosture("prd", ["*"], Exclude: [new ResourceExclusion("legacy-build", "retired, deleted in the next release")]);
        var context = environment.Context(build);

        var findings = Family("CodeBuild").SelectMany(c => Run(c, context)).ToList();
        var excluded = ExcludedFromJudgement.Of(context, ControlCatalog.Discover().Controls.Select(c => c.Metadata).ToList());
        var run = RunBuilders.Run(findings) with { Exclusions = excluded };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(findings.Select(f => f.Resource.Name), Has.None.EqualTo("legacy-build"));
            Assert.That(findings.Select(f => f.Status), Has.None.EqualTo(Status.Fail));
            Assert.That(excluded, Is.EqualTo(new[]
            {
                new JudgementExclusion("CodeBuild project", "arn:aws:codebuild:ap-northeast-1:222222222222:project/legacy-build", "legacy-build",
                    "222222222222", "ap-northeast-1", "retired, deleted in the next release", "$.build.exclude[0]"),
            }));
            Assert.That(MarkdownReport.Render(run), Does.Contain("## Excluded from judgement (1)").And.Contain("retired, deleted in the next release"));
            Assert.That(HtmlReport.Render(run), Does.Contain("Excluded from judgement (1)").And.Contain("legacy-build"));
            var json = Encoding.UTF8.GetString(FindingsJson.Serialize(run));
            Assert.That(json, Does.Contain("\"excluded\"").And.Contain("\"reason\": \"retired, deleted in the next release\"").And.Contain("\"posture\": \"$.build.exclude[0]\""));
            Assert.That(run.Counts.Total, Is.EqualTo(findings.Count), "an exclusion is no finding: it is never counted as a pass");
        }
    }

    [Test]
    public void An_exclusion_that_matches_nothing_is_inconclusive_in_every_control_of_the_scope()
    {
        var environment = new ScopeBuilder { Projects = [InVpc("app-build")] };
        var build = new BuildPosture("prd", ["*"], Exclude: [new ResourceExclusion("legcy-build", "retired")]);

        foreach (var control in Family("CodeBuild"))
        {
            var stale = Run(control, environment.Context(build)).Where(f => f.Resource.Id == "posture:build.exclude[0]").ToList();
            Assert.That(stale.Select(f => f.Status), Is.EqualTo(new[] { Status.Inconclusive }), control.Metadata.Id);
            Assert.That(stale[0].Message, Does.Contain("legcy-build").And.Contain("matches nothing"), control.Metadata.Id);
        }
    }

    [Test]
    public void Excluding_every_project_leaves_nothing_to_judge_which_is_not_a_pass()
    {
        var environment = new ScopeBuilder { Projects = [InVpc("app-build")] };
        var build = new BuildPosture("prd", ["*"], Exclude: [new ResourceExclusion("app-build", "moving to another account")]);

        var findings = Evaluate.With<ProjectRunsInVpc>(environment.Context(build));

        Assert.That(findings.Select(f => f.Status), Is.EqualTo(new[] { Status.Inconclusive }));
        Assert.That(findings[0].Message, Does.Contain("1 excluded by the posture"));
    }

    [Test]
    public async Task An_excluded_control_is_not_evaluated_has_no_failing_case_and_is_listed_with_its_reason()
    {
        var context = ReferenceVariant.Load().Edit("posture.json", p =>
            p["excludedControls"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"control": "NET-1", "reason": "runs outside the build network"}]""")).Context();
        var catalog = ControlCatalog.Discover();

        var findings = await new ControlEvaluator(catalog.Controls).EvaluateAsync(context, CancellationToken.None);
        var run = RunBuilders.Run(findings, catalog.Controls.Select(c => c.Metadata).ToList()) with
        {
            Exclusions = ExcludedFromJudgement.Of(context, catalog.Controls.Select(c => c.Metadata).ToList()),
        };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(findings.Select(f => f.Control.Id), Has.None.EqualTo("NET-1"));
            Assert.That(findings.Select(f => f.Control.Id), Has.Some.EqualTo("NET-2"));
            Assert.That(SuiteCases.From(run).Select(c => c.Name), Has.None.StartsWith("NET-1"));
            Assert.That(run.Exclusions.Single().Subject, Is.EqualTo("NET-1"));
            Assert.That(MarkdownReport.Render(run), Does.Contain("NET-1").And.Contain("runs outside the build network"));
        }
    }

    [Test]
    public async Task Excluding_a_control_the_suite_does_not_have_stops_the_run_naming_the_line()
    {
        var posture = PostureLoader.Parse(Encoding.UTF8.GetBytes("""
            {
              "version": 1, "name": "t",
              "accounts": { "prd": { "accountId": "222222222222", "region": "ap-northeast-1" } },
              "excludedControls": [ { "control": "NET-9", "reason": "typo" } ]
            }
            """), "posture.json");
        var context = new EvaluationContext(RunBuilders.Snapshot(), posture, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InputException>(() => new ControlEvaluator(ControlCatalog.Discover().Controls).EvaluateAsync(context, CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("posture.json: $.excludedControls[0].control at line 4, column 38: expected the id of a control of this suite (CB-1,"));
    }
}
