using System.Text.Json;
using System.Xml.Linq;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using static IsolationChecks.Tests.Reporting.ReportSamples;

namespace IsolationChecks.Tests.Reporting;

/// <summary>JUnit, SARIF and OCSF as CI systems, code-scanning UIs and SIEMs read them: valid against their schemas, statuses mapped as documented.</summary>
public class MachineReportTests
{
    public static IEnumerable<TestCaseData> Runs()
    {
        yield return new TestCaseData(new Func<Task<RunResult>>(() => Task.FromResult(MixedRun()))).SetArgDisplayNames("every status");
        foreach (var violation in NetworkViolations)
            yield return new TestCaseData(new Func<Task<RunResult>>(() => FixtureRunAsync(violation))).SetArgDisplayNames($"reference + {violation}");
    }

    [TestCaseSource(nameof(Runs))]
    public async Task Junit_meets_its_schema_with_a_suite_per_control_and_a_case_per_finding(Func<Task<RunResult>> make)
    {
        var run = await make();
        var bytes = JunitReport.Serialize(run);

        Assert.That(JunitErrors(bytes), Is.Empty);
        var root = Xml(bytes).Root!;
        var suites = root.Elements("testsuite").ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(suites.Select(s => s.Element("properties")!.Elements("property").Single(p => (string?)p.Attribute("name") == "control").Attribute("value")!.Value),
                Is.EqualTo(ControlTallies.Of(run).Select(t => t.Control.Id)), "a suite per control, catalog order");
            Assert.That(root.Descendants("testcase").Select(c => (string?)c.Attribute("name")), Is.EquivalentTo(run.Findings.Select(f => f.TestName)));
            Assert.That((int)root.Attribute("tests")!, Is.EqualTo(run.Findings.Count));
            Assert.That((int)root.Attribute("failures")!, Is.EqualTo(run.Counts[Status.Fail] + run.Counts[Status.Inconclusive]));
            Assert.That((int)root.Attribute("errors")!, Is.EqualTo(run.Counts[Status.Error]));
            Assert.That(root.Descendants("skipped"), Is.Empty, "nothing is skipped: CI systems let skipped tests pass");
            foreach (var suite in suites)
                Assert.That((int)suite.Attribute("tests")!, Is.EqualTo(suite.Elements("testcase").Count()));
        }
    }

    [Test]
    public void Junit_maps_each_status_as_the_suite_does()
    {
        var cases = Xml(JunitReport.Serialize(MixedRun())).Root!.Descendants("testcase")
            .ToDictionary(c => ((string)c.Attribute("name")!).Split(' ')[1], c => c);

        string Outcome(string resource) => string.Join(",", cases[resource].Elements().Where(e => e.Name != "system-out")
            .Select(e => $"{e.Name.LocalName}:{e.Attribute("type")?.Value}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Outcome("leaking-build"), Is.EqualTo("failure:fail"));
            Assert.That(Outcome("undecided-build"), Is.EqualTo("failure:inconclusive"));
            Assert.That((string?)cases["undecided-build"].Element("failure")!.Attribute("message"), Does.StartWith("INCONCLUSIVE: codebuild:BatchGetProjects"));
            Assert.That(Outcome("broken-build"), Is.EqualTo("error:error"));
            Assert.That(Outcome("passing-build"), Is.Empty);
            Assert.That(Outcome("waived-build"), Is.Empty, "a waiver passes, as in the suite");
            Assert.That(cases["waived-build"].Element("system-out")!.Value, Does.StartWith("WAIVED: CB-4"));
            Assert.That(cases["leaking-build"].Element("failure")!.Value, Does.Contain("igw-1").And.Contain("remediation:"));
        }
    }

    [TestCaseSource(nameof(Runs))]
    public async Task Sarif_meets_the_schema_with_a_rule_per_control_and_a_result_per_finding_needing_attention(Func<Task<RunResult>> make)
    {
        var run = await make();
        var bytes = SarifReport.Serialize(run);

        Assert.That(SarifErrors(bytes), Is.Empty);
        var sarifRun = JsonDocument.Parse(bytes).RootElement.GetProperty("runs")[0];
        var rules = sarifRun.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        var results = sarifRun.GetProperty("results").EnumerateArray().ToList();
        var attention = run.Findings.Where(f => ReportOrder.NeedsAttention(f.Status)).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rules, Is.EqualTo(ControlTallies.Of(run).Select(t => t.Control.Id)));
            Assert.That(results, Has.Count.EqualTo(attention.Count), "passes and waivers are not alerts");
            foreach (var result in results)
                Assert.That(rules[result.GetProperty("ruleIndex").GetInt32()], Is.EqualTo(result.GetProperty("ruleId").GetString()));
            Assert.That(results.Select(r => r.GetProperty("partialFingerprints").GetProperty("primaryLocationLineHash").GetString()), Is.Unique);
            Assert.That(results.Select(r => r.GetProperty("kind").GetString()),
                Is.EquivalentTo(attention.Select(f => f.Status == Status.Fail ? "fail" : "open")));
            Assert.That(sarifRun.GetProperty("properties").GetProperty("counts").GetProperty("pass").GetInt32(), Is.EqualTo(run.Counts[Status.Pass]));
        }
    }

    [Test]
    public void Sarif_gives_a_failure_its_severity_and_an_undecided_finding_no_level()
    {
        var results = JsonDocument.Parse(SarifReport.Serialize(MixedRun())).RootElement.GetProperty("runs")[0].GetProperty("results")
            .EnumerateArray().ToDictionary(r => r.GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("name").GetString()!);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results["leaking-build"].GetProperty("level").GetString(), Is.EqualTo("error"));
            Assert.That(results["leaking-build"].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString(),
                Is.EqualTo("codebuild/batch-get-projects.json"), "the snapshot file the verdict rests on");
            Assert.That(results["undecided-build"].GetProperty("kind").GetString(), Is.EqualTo("open"));
            Assert.That(results["undecided-build"].GetProperty("level").GetString(), Is.EqualTo("none"));
            Assert.That(results["undecided-build"].GetProperty("message").GetProperty("text").GetString(), Does.StartWith("INCONCLUSIVE: "));
            Assert.That(results["broken-build"].GetProperty("message").GetProperty("text").GetString(), Does.StartWith("ERROR: "));
        }
    }

    [TestCaseSource(nameof(Runs))]
    public async Task Ocsf_writes_a_valid_detection_finding_per_finding_that_is_not_a_pass(Func<Task<RunResult>> make)
    {
        var run = await make();
        var bytes = OcsfReport.Serialize(run);

        Assert.That(OcsfErrors(bytes), Is.Empty);
        var events = ReportTextOf(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(events, Has.Count.EqualTo(run.Findings.Count(f => f.Status != Status.Pass)));
            Assert.That(events.Select(e => e.GetProperty("finding_info").GetProperty("uid").GetString()), Is.Unique);
            Assert.That(events.Select(e => e.GetProperty("unmapped").GetProperty("isolationchecks").GetProperty("status").GetString()),
                Is.EquivalentTo(run.Findings.Where(f => f.Status != Status.Pass).Select(f => f.Status.ToWire())));
        }
    }

    [Test]
    public void Ocsf_suppresses_a_waived_finding_and_rates_severity_as_ocsf_does()
    {
        var events = ReportTextOf(OcsfReport.Serialize(MixedRun())).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("resources")[0].GetProperty("name").GetString()!);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(events["waived-build"].GetProperty("status_id").GetInt32(), Is.EqualTo(3), "Suppressed");
            Assert.That(events["leaking-build"].GetProperty("status_id").GetInt32(), Is.EqualTo(1), "New");
            Assert.That(events["leaking-build"].GetProperty("severity_id").GetInt32(), Is.EqualTo(5), "Critical");
            Assert.That(events["vpce-1"].GetProperty("severity_id").GetInt32(), Is.EqualTo(4), "High");
            Assert.That(events["leaking-build"].GetProperty("cloud").GetProperty("account").GetProperty("uid").GetString(), Is.EqualTo("111122223333"));
            Assert.That(events["leaking-build"].GetProperty("remediation").GetProperty("desc").GetString(), Is.EqualTo("remediation of CB-3"));
            Assert.That(events["leaking-build"].GetProperty("finding_info").GetProperty("analytic").GetProperty("uid").GetString(), Is.EqualTo("CB-3"));
        }
    }

    /// <summary>The schemas are not vacuous: each refuses what its format forbids.</summary>
    [Test]
    public void The_schemas_refuse_what_their_formats_forbid()
    {
        var sarif = JsonDocument.Parse(SarifReport.Serialize(MixedRun())).RootElement.GetRawText();
        var ocsf = ReportTextOf(OcsfReport.Serialize(MixedRun())).Split('\n')[0];
        var junit = ReportTextOf(JunitReport.Serialize(MixedRun()));
        byte[] Bytes(string text) => ReportText.Utf8.GetBytes(text);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(SarifErrors(Bytes(sarif.Replace("\"level\": \"none\"", "\"level\": \"error\"", StringComparison.Ordinal))), Is.Not.Empty,
                "an open result with a level");
            Assert.That(SarifErrors(Bytes(sarif.Replace("\"ruleIndex\"", "\"ruleIdx\"", StringComparison.Ordinal))), Is.Not.Empty, "an unknown member");
            Assert.That(OcsfErrors(Bytes(ocsf.Replace("\"finding_info\"", "\"findingInfo\"", StringComparison.Ordinal) + "\n")), Is.Not.Empty, "no finding_info");
            Assert.That(OcsfErrors(Bytes(ocsf.Replace("\"type_uid\":200401", "\"type_uid\":200402", StringComparison.Ordinal) + "\n")), Is.Not.Empty,
                "type_uid that is not class_uid * 100 + activity_id");
            Assert.That(JunitErrors(Bytes(junit.Replace(" classname=", " class=", StringComparison.Ordinal))), Is.Not.Empty, "a case without classname");
            Assert.That(JunitErrors(Bytes(junit.Replace("tests=\"", "tests=\"-", StringComparison.Ordinal))), Is.Not.Empty, "a negative count");
        }
    }
}
