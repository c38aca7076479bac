using System.Text.Json;
using System.Xml.Linq;
using IsolationChecks.Running;
using IsolationChecks.Tests.Cli;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Plans;

/// <summary>
/// `isolationchecks audit --plan` through the console tool, as the merge-request job runs it: on a signed snapshot of the
/// reference with --gate (exit 1 when the plan makes a verdict worse, 6 when it cannot be judged, 0 when it changes nothing
/// relevant), on the embedded reference, and with bad plan JSON (one error naming the file, the JSON path with line and
/// column and what was expected; exit 2). Every report marks the result hypothetical and keeps the three lists apart.
/// </summary>
public class PlanCommandTests
{
    private string _work = null!;
    private string _signed = null!;
    private string _trusted = null!;

    [OneTimeSetUp]
    public async Task SignTheReferenceAsync()
    {
        _work = Directory.CreateTempSubdirectory("plan-").FullName;
        _signed = Path.Combine(_work, "nightly");
        using var key = SignedSnapshots.NewKey();
        await SignedSnapshots.WriteReferenceAsync(_signed, key);
        _trusted = SignedSnapshots.WritePublicKey(key, Path.Combine(_work, "nightly.pem"));
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_work, recursive: true);

    private Task<ToolRun.Result> GateAsync(string plan, string output) =>
        ToolRun.RunAsync(["audit", "--target", _signed, "--trusted-keys", _trusted, "--plan", PlanJudgementTests.Case(plan), "--gate", "--output", output, "--progress", "quiet"], null, _work);

    [TestCase("gitlab-sg-open-to-world", ExitCodes.GateFailed)]
    [TestCase("pull-user-in-push-group", ExitCodes.GateFailed)]
    [TestCase("unknown-cidr-on-gitlab-sg", ExitCodes.Undecided)]
    [TestCase("unmapped-type-in-scope", ExitCodes.Undecided)]
    [TestCase("nothing-relevant", ExitCodes.GatePassed)]
    public async Task The_merge_request_gate_exits_with_the_plans_verdict_on_signed_evidence(string plan, int expected)
    {
        var run = await GateAsync(plan, Path.Combine(_work, "gate-" + plan));

        Assert.That(run.Code, Is.EqualTo(expected), run.ToString());
        Assert.That(run.Output + run.Error, Does.Contain("HYPOTHETICAL").And.Contain($"exit code {expected}"));
        Assert.That(Directory.EnumerateFiles(_signed, "*", SearchOption.AllDirectories).Select(Path.GetFileName), Does.Contain("manifest.sig"));
        var verify = await ToolRun.RunAsync(["snapshot", "verify", _signed, "--trusted-keys", _trusted], null, _work);
        Assert.That(verify.Code, Is.EqualTo(ExitCodes.Affirmative), "the plan never touches the evidence on disk: " + verify);
    }

    [Test]
    public async Task Every_report_marks_the_result_hypothetical_and_lists_would_newly_fail_newly_pass_and_unchanged_failures_apart()
    {
        var output = Path.Combine(_work, "reports");
        var run = await GateAsync("gitlab-sg-open-to-world", output);
        Assert.That(run.Code, Is.EqualTo(ExitCodes.GateFailed), run.ToString());
        Assert.That(run.Output, Does.Contain("WOULD NEWLY FAIL GL-1").And.Contain("aws_security_group.gitlab"));

        using var findings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "findings.json")));
        var root = findings.RootElement;
        Assert.That(root.GetProperty("hypothetical").GetBoolean(), Is.True);
        var plan = root.GetProperty("plan");
        Assert.That(plan.GetProperty("wouldNewlyFail").EnumerateArray().Select(v => (v.GetProperty("control").GetString(), v.GetProperty("before").GetString(), v.GetProperty("after").GetString())),
            Is.EquivalentTo(new[] { ("GL-1", "pass", "fail"), ("GL-2", "pass", "fail") }));
        Assert.That(plan.GetProperty("wouldNewlyFail")[0].GetProperty("addresses").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "aws_security_group.gitlab" }));
        Assert.That(plan.GetProperty("wouldNewlyPass").GetArrayLength(), Is.Zero);
        Assert.That(plan.GetProperty("unchangedFailures").GetArrayLength(), Is.Zero);
        Assert.That(root.GetProperty("auditGate").GetProperty("verdict").GetString(), Does.Contain("hypothetical"));

        var markdown = await File.ReadAllTextAsync(Path.Combine(output, "report.md"));
        Assert.That(markdown, Does.Contain(PlanReport.HypotheticalNotice).And.Contain("### Would newly fail (2)").And.Contain("### Would newly pass (0)").And.Contain("### Unchanged failures (0)"));
        var html = await File.ReadAllTextAsync(Path.Combine(output, "report.html"));
        Assert.That(html, Does.Contain("HYPOTHETICAL").And.Contain("Would newly fail (2)").And.Contain("Unchanged failures (0)"));
        var junit = XDocument.Load(Path.Combine(output, "findings.junit.xml"));
        var suites = junit.Root!.Elements("testsuite").Where(s => ((string)s.Attribute("name")!).StartsWith("Terraform plan: ", StringComparison.Ordinal))
            .ToDictionary(s => (string)s.Attribute("name")!, s => s);
        Assert.That(suites.Keys, Is.SupersetOf(new[] { "Terraform plan: Would newly fail", "Terraform plan: Would newly pass", "Terraform plan: Unchanged failures" }));
        Assert.That(suites["Terraform plan: Would newly fail"].Elements("testcase").Select(c => c.Element("failure") is not null), Is.EqualTo(new[] { true, true }));
        Assert.That((string)junit.Root!.Attribute("name")!, Does.Contain("hypothetical"));
    }

    [Test]
    public async Task A_plan_on_the_embedded_reference_runs_through_the_tool_and_a_fix_newly_passes()
    {
        // The reverse of the risky change, judged against a snapshot that has it: the verdicts newly pass.
        using var fixture = await IsolationChecks.TestSupport.FixtureOverlay.MaterialiseAsync(Path.Combine(RepositoryPaths.Root, "Fixtures", "violations", "GL-1-open-to-world"));
        var reverse = Path.Combine(_work, "close-gitlab-sg.json");
        var plan = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(PlanJudgementTests.Case("gitlab-sg-open-to-world")))!;
        var change = plan["resource_changes"]![0]!["change"]!;
        var (before, after) = (change["before"]!.DeepClone(), change["after"]!.DeepClone());
        var blocks = after["ingress"]![1]!["cidr_blocks"]!.AsArray();
        // The fixture adds 0.0.0.0/0 with a description of its own; the plan removes it.
        change["before"] = after;
        change["after"] = before;
        await File.WriteAllTextAsync(reverse, plan.ToJsonString());
        Assert.That(blocks, Has.Count.EqualTo(3));

        var open = await ToolRun.RunAsync(["audit", "--target", fixture.Folder, "--plan", reverse, "--output", Path.Combine(_work, "fix"), "--progress", "quiet"], null, _work);
        var reference = await ToolRun.RunAsync(["audit", "--plan", PlanJudgementTests.Case("gitlab-sg-open-to-world"), "--output", Path.Combine(_work, "demo"), "--progress", "quiet"], null, _work);

        Assert.That(open.Code, Is.EqualTo(ExitCodes.GatePassed), open.ToString());
        using var findings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work, "fix", "findings.json")));
        Assert.That(findings.RootElement.GetProperty("plan").GetProperty("wouldNewlyPass").EnumerateArray().Select(v => v.GetProperty("control").GetString()).Distinct(),
            Is.EquivalentTo(new[] { "GL-1", "GL-2" }));
        Assert.That(reference.Code, Is.EqualTo(ExitCodes.GateFailed), reference.ToString());
        Assert.That(reference.Output, Does.Contain("DEMO DATA").And.Contain("HYPOTHETICAL"));
    }

    public static IEnumerable<TestCaseData> BadPlans()
    {
        yield return new TestCaseData("{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {\"address\": \"aws_route.x\",}\n  ]\n}", "$.resource_changes[0] at line 4, column 31", "no comma after the last item")
            .SetName("Malformed JSON names the line");
        yield return new TestCaseData("{\n  \"terraform_version\": \"1.9.5\",\n  \"resource_changes\": []\n}", "$.format_version", "format_version \"1.x\"")
            .SetName("A missing format_version names the member");
        yield return new TestCaseData("{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {\n      \"address\": \"aws_route.x\",\n      \"type\": \"aws_route\",\n      \"change\": {\n        \"actions\": \"create\",\n        \"before\": null,\n        \"after\": {}\n      }\n    }\n  ]\n}",
            "$.resource_changes[0].change.actions at line 8, column 20", "an array of actions").SetName("Actions that are not an array name the JSON path, line and column");
        yield return new TestCaseData("{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {\n      \"address\": \"aws_route.x\",\n      \"type\": \"aws_route\",\n      \"change\": {\n        \"actions\": [\"update\"],\n        \"before\": null,\n        \"after\": {}\n      }\n    }\n  ]\n}",
            "$.resource_changes[0].change.before", "an object").SetName("An update without before values names the member");
        yield return new TestCaseData("{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [ { \"type\": \"aws_route\", \"change\": { \"actions\": [\"create\"], \"after\": {} } } ]\n}",
            "$.resource_changes[0].address", "a non-empty string").SetName("A change without an address names the member");
    }

    [TestCaseSource(nameof(BadPlans))]
    public async Task Bad_plan_json_is_one_clear_error_naming_file_path_and_expectation(string text, string where, string expected)
    {
        var file = Path.Combine(_work, $"bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, text);

        var run = await ToolRun.RunAsync(["audit", "--target", _signed, "--plan", file, "--output", Path.Combine(_work, "bad-" + Path.GetFileName(file)), "--progress", "quiet"], null, _work);

        Assert.That(run.Code, Is.EqualTo(ExitCodes.ConfigurationError), run.ToString());
        Assert.That(run.Error, Does.Contain(file).And.Contain(where).And.Contain(expected));
        Assert.That(run.Error, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public async Task ISOLATION_PLAN_sets_the_plan_and_the_option_wins_over_it()
    {
        var environment = new Dictionary<string, string> { ["ISOLATION_PLAN"] = PlanJudgementTests.Case("gitlab-sg-open-to-world") };

        var fromEnvironment = await ToolRun.RunAsync(["audit", "--target", _signed, "--output", Path.Combine(_work, "env"), "--progress", "quiet"], environment, _work);
        var optionWins = await ToolRun.RunAsync(["audit", "--target", _signed, "--plan", PlanJudgementTests.Case("nothing-relevant"), "--output", Path.Combine(_work, "option"), "--progress", "quiet"],
            environment, _work);

        Assert.That(fromEnvironment.Code, Is.EqualTo(ExitCodes.GateFailed), fromEnvironment.ToString());
        Assert.That(fromEnvironment.Output, Does.Contain("gitlab-sg-open-to-world.json").And.Contain("HYPOTHETICAL"));
        Assert.That(optionWins.Code, Is.EqualTo(ExitCodes.GatePassed), optionWins.ToString());
        Assert.That(optionWins.Output, Does.Contain("nothing-relevant.json"));
    }

    [Test]
    public async Task A_plan_that_does_not_exist_is_a_configuration_error()
    {
        var run = await ToolRun.RunAsync(["audit", "--target", _signed, "--plan", Path.Combine(_work, "missing.json"), "--progress", "quiet"], null, _work);

        Assert.That(run.Code, Is.EqualTo(ExitCodes.ConfigurationError), run.ToString());
        Assert.That(run.Error, Does.Contain("Plan").And.Contain("terraform show -json"));
    }
}
