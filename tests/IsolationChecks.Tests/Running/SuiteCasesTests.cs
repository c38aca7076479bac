using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Running;

public class SuiteCasesTests
{
    [Test]
    public void Each_finding_becomes_a_case_named_by_control_id_with_control_severity_resource_and_family()
    {
        var cb1 = Control("CB-1");
        var ecr2 = Control("ECR-2", Severity.High, "ECR");
        var run = Run([Finding(cb1, "app-build", Status.Pass), Finding(ecr2, "images/app", Status.Fail)]);

        var cases = SuiteCases.From(run);

        Assert.That(cases, Has.Count.EqualTo(2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cases[0].Name, Is.EqualTo("CB-1 app-build runs in a VPC"));
            Assert.That(cases[0].Category, Is.EqualTo("CodeBuild"));
            Assert.That(cases[0].Properties, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["Control"] = "CB-1",
                ["Severity"] = "critical",
                ["Resource"] = "arn:aws:codebuild:ap-northeast-1:111122223333:project/app-build",
            }));
            Assert.That(cases[0].Finding, Is.SameAs(run.Findings[0]));
            Assert.That(cases[0].Failure, Is.Null);
            Assert.That(cases[1].Category, Is.EqualTo("ECR"));
            Assert.That(cases[1].Properties["Severity"], Is.EqualTo("high"));
        }
    }

    [Test]
    public void Repeated_test_names_are_told_apart_by_resource_id_then_by_number()
    {
        var ep1 = Control("EP-1");
        var sameName = new ResourceRef("vpc-1/ecr.api", "vpc-1", "1", "r");
        var run = Run([
            Finding(ep1, "vpc-1", Status.Pass) with { Resource = sameName },
            Finding(ep1, "vpc-1", Status.Pass) with { Resource = sameName with { Id = "vpc-1/logs" } },
            Finding(ep1, "vpc-2", Status.Pass) with { Resource = new ResourceRef("vpc-2", "vpc-2", "1", "r") },
            Finding(ep1, "vpc-2", Status.Pass) with { Resource = new ResourceRef("vpc-2", "vpc-2", "1", "r") },
        ]);

        var names = SuiteCases.From(run).Select(c => c.Name).ToList();

        Assert.That(names, Is.EqualTo(new[]
        {
            "EP-1 vpc-1 runs in a VPC (vpc-1/ecr.api)",
            "EP-1 vpc-1 runs in a VPC (vpc-1/logs)",
            "EP-1 vpc-2 runs in a VPC",
            "EP-1 vpc-2 runs in a VPC #2",
        }));
    }

    [Test]
    public void A_catalog_control_without_any_finding_gets_a_failing_case_of_its_own()
    {
        var run = Run([Finding(Control("CB-1"), "app-build", Status.Pass)], [Control("CB-1"), Control("GL-1", Severity.Critical, "GitLab")]);

        var silent = SuiteCases.From(run).Single(c => c.Properties["Control"] == "GL-1");

        Assert.That(silent.Finding, Is.Null);
        Assert.That(silent.Name, Does.StartWith("GL-1 "));
        Assert.That(silent.Category, Is.EqualTo("GitLab"));
        Assert.That(silent.Failure, Does.Contain("produced no finding"));
    }

    [Test]
    public void A_run_without_any_control_fails_instead_of_selecting_nothing()
    {
        var cases = SuiteCases.From(Run([], []));

        Assert.That(cases.Select(c => c.Name), Is.EqualTo(new[] { "Suite configuration" }));
        Assert.That(cases[0].Failure, Does.Contain("no control"));
    }

    [Test]
    public void A_configuration_failure_is_one_case_with_the_message_plus_a_short_failing_case_per_control()
    {
        var failure = new InputException("/work/posture.json", "$.build.account", "an account name declared under accounts", "\"dev\"");

        var cases = SuiteCases.ForFailure(new RunOutcome.ConfigurationError(failure.Message), [Control("CB-1"), Control("CB-2")]);

        Assert.That(cases.Select(c => c.Name), Is.EqualTo(new[]
        {
            "Suite configuration", "CB-1 CB-1 title: not evaluated", "CB-2 CB-2 title: not evaluated",
        }));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cases[0].Failure, Is.EqualTo(
                "configuration error: /work/posture.json: $.build.account: expected an account name declared under accounts, found \"dev\""));
            Assert.That(cases[0].Category, Is.EqualTo("Configuration"));
            Assert.That(cases.Skip(1).Select(c => c.Properties["Control"]), Is.EqualTo(new[] { "CB-1", "CB-2" }),
                "a filter such as Control=CB-2 still selects a failing case");
            Assert.That(cases.Skip(1).Select(c => c.Failure), Has.None.Contains("$.build.account"), "the message is printed once, not once per control");
            Assert.That(cases.Skip(1).Select(c => c.Failure), Has.All.Contains("\"Suite configuration\" says why"));
            Assert.That(cases.Select(c => c.Finding), Has.All.Null);
        }
    }

    [Test]
    public void An_interrupted_run_is_named_as_such_and_says_nothing_was_judged()
    {
        var cases = SuiteCases.ForFailure(new RunOutcome.Interrupted("SIGTERM received"), [Control("CB-1")]);

        Assert.That(cases[0].Name, Is.EqualTo("Suite interrupted"));
        Assert.That(cases[0].Failure, Does.StartWith("INTERRUPTED: SIGTERM received").And.Contain("Nothing was judged"));
    }

    [Test]
    public void Wrapped_failures_are_described_by_their_cause()
    {
        var wrapped = new AggregateException(new InputException("runsettings", "Target", "\"live\" or an existing snapshot folder", "/nope"));

        Assert.That(AuditRun.Describe(wrapped), Is.EqualTo("runsettings: Target: expected \"live\" or an existing snapshot folder, found /nope"));
        Assert.That(AuditRun.Describe(new IOException("disk full")), Is.EqualTo("IOException: disk full"));
    }
}
