using System.Text.Json;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;
using static IsolationChecks.Tests.Running.RunBuilders;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Reporting;

public class FindingsJsonTests
{
    private static JsonElement Serialize(RunResult run) => JsonDocument.Parse(FindingsJson.Serialize(run)).RootElement.Clone();

    private static RunResult SampleRun()
    {
        var cb2 = Control("CB-2");
        var failing = new Finding(cb2, Resource("app-build"), Status.Fail, "subnet-1 routes 0.0.0.0/0 to nat-1",
            [
                new EvidenceFact("rtb-1", "route 0.0.0.0/0 -> nat-1 (NAT gateway)", "RouteTables.json"),
                new EvidenceFact("subnet-1", "associated with rtb-1"),
            ],
            "Remove the NAT route from rtb-1.");
        return Run([Finding(Control("CB-1"), "app-build", Status.Pass), failing,
            Finding(Control("CB-4", Severity.Medium), "app-build", Status.Inconclusive),
            Finding(Control("CB-5", Severity.High), "app-build", Status.Error),
            Finding(Control("ECR-2", Severity.Low, "ECR"), "images/app", Status.Waived)]);
    }

    [Test]
    public void The_top_level_names_the_tool_the_run_the_evidence_and_the_counts()
    {
        var json = Serialize(SampleRun());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(json.GetProperty("tool").GetString(), Is.EqualTo("IsolationChecks"));
            Assert.That(json.GetProperty("version").GetString(), Is.Not.Empty);
            Assert.That(json.GetProperty("startedAt").GetDateTimeOffset(), Is.EqualTo(Now));
            Assert.That(json.GetProperty("finishedAt").GetDateTimeOffset(), Is.EqualTo(Now.AddSeconds(3)));
            Assert.That(json.GetProperty("target").GetString(), Is.EqualTo("/snapshots/test"));
            Assert.That(json.GetProperty("origin").GetString(), Is.EqualTo("/snapshots/test"));
            Assert.That(json.GetProperty("posture").GetString(), Is.EqualTo("test-posture"));
            Assert.That(json.GetProperty("postureFile").GetString(), Is.EqualTo("/snapshots/test/posture.json"));
            Assert.That(json.GetProperty("snapshot").ValueKind, Is.EqualTo(JsonValueKind.Null), "no manifest");
            var integrity = json.GetProperty("integrity");
            Assert.That(integrity.GetProperty("intact").GetBoolean(), Is.True);
            Assert.That(integrity.GetProperty("manifestPresent").GetBoolean(), Is.False);
            Assert.That(integrity.GetProperty("description").GetString(), Does.Contain("no manifest.json"));
            Assert.That(integrity.GetProperty("mismatches").GetArrayLength(), Is.Zero);
            var gate = json.GetProperty("auditGate");
            Assert.That(gate.GetProperty("passed").GetBoolean(), Is.False);
            Assert.That(gate.GetProperty("blocking").EnumerateArray().Select(b => b.GetProperty("control").GetString()),
                Is.EqualTo(new[] { "CB-2", "CB-5" }));
            var counts = json.GetProperty("counts");
            Assert.That(counts.GetProperty("total").GetInt32(), Is.EqualTo(5));
            foreach (var status in new[] { "pass", "fail", "inconclusive", "error", "waived" })
                Assert.That(counts.GetProperty(status).GetInt32(), Is.EqualTo(1), status);
            Assert.That(counts.GetProperty("bySeverity").EnumerateObject().Select(p => p.Name),
                Is.EqualTo(new[] { "critical", "high", "medium", "low" }));
            Assert.That(counts.GetProperty("bySeverity").GetProperty("critical").GetProperty("fail").GetInt32(), Is.EqualTo(1));
            Assert.That(counts.GetProperty("bySeverity").GetProperty("critical").GetProperty("total").GetInt32(), Is.EqualTo(2));
        }
    }

    [Test]
    public void Each_finding_is_one_camel_case_object_per_control_and_resource()
    {
        var findings = Serialize(SampleRun()).GetProperty("findings");

        Assert.That(findings.GetArrayLength(), Is.EqualTo(5));
        var failing = findings[1];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failing.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
            {
                "control", "title", "family", "severity", "resource", "resourceName", "account", "region", "status",
                "testName", "message", "remediation", "evidence",
            }));
            Assert.That(failing.GetProperty("control").GetString(), Is.EqualTo("CB-2"));
            Assert.That(failing.GetProperty("title").GetString(), Is.EqualTo("CB-2 title"));
            Assert.That(failing.GetProperty("family").GetString(), Is.EqualTo("CodeBuild"));
            Assert.That(failing.GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(failing.GetProperty("resource").GetString(), Is.EqualTo("arn:aws:codebuild:ap-northeast-1:111122223333:project/app-build"));
            Assert.That(failing.GetProperty("resourceName").GetString(), Is.EqualTo("app-build"));
            Assert.That(failing.GetProperty("account").GetString(), Is.EqualTo("111122223333"));
            Assert.That(failing.GetProperty("region").GetString(), Is.EqualTo("ap-northeast-1"));
            Assert.That(failing.GetProperty("status").GetString(), Is.EqualTo("fail"));
            Assert.That(failing.GetProperty("testName").GetString(), Is.EqualTo("CB-2 app-build runs in a VPC"));
            Assert.That(failing.GetProperty("message").GetString(), Is.EqualTo("subnet-1 routes 0.0.0.0/0 to nat-1"));
            Assert.That(failing.GetProperty("remediation").GetString(), Is.EqualTo("Remove the NAT route from rtb-1."));
            var evidence = failing.GetProperty("evidence");
            Assert.That(evidence.GetArrayLength(), Is.EqualTo(2));
            Assert.That(evidence[0].EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "subject", "fact", "source" }));
            Assert.That(evidence[0].GetProperty("subject").GetString(), Is.EqualTo("rtb-1"));
            Assert.That(evidence[0].GetProperty("fact").GetString(), Is.EqualTo("route 0.0.0.0/0 -> nat-1 (NAT gateway)"));
            Assert.That(evidence[0].GetProperty("source").GetString(), Is.EqualTo("RouteTables.json"));
            Assert.That(evidence[1].GetProperty("source").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(findings[0].GetProperty("remediation").GetString(), Is.EqualTo("remediation of CB-1"), "the control's remediation when the finding has none");
        }
    }

    [Test]
    public void Statuses_and_severities_are_exactly_the_catalog_words()
    {
        var findings = Serialize(SampleRun()).GetProperty("findings").EnumerateArray().ToList();

        Assert.That(findings.Select(f => f.GetProperty("status").GetString()), Is.EqualTo(new[] { "pass", "fail", "inconclusive", "error", "waived" }));
        Assert.That(findings.Select(f => f.GetProperty("severity").GetString()), Is.EqualTo(new[] { "critical", "critical", "medium", "high", "low" }));
    }

    [Test]
    public void A_manifest_and_broken_integrity_are_reported_as_they_are()
    {
        var manifest = new SnapshotManifest(SnapshotManifest.CurrentFormat, "IsolationChecks 0.1.0", Now.AddHours(-1),
            [new ManifestScope("111122223333", "ap-northeast-1", "", "arn:aws:sts::111122223333:assumed-role/audit/x")],
            [
                new ManifestCall("", "ec2", "DescribeVpcs", null, "Vpcs.json", "ok", 1, 1, 10),
                new ManifestCall("", "ecr", "DescribeRepositories", null, null, "failed", 0, 3, 10, "AccessDenied", "no"),
            ],
            new Dictionary<string, string> { ["Vpcs.json"] = "ab" });
        var run = Run([Finding(Control("CB-1"), "app-build", Status.Error)], integrity: new IntegrityReport(true, ["Vpcs.json"], [], ["extra.json"]))
            with { Manifest = manifest };

        var json = Serialize(run);

        using (Assert.EnterMultipleScope())
        {
            var snapshot = json.GetProperty("snapshot");
            Assert.That(snapshot.GetProperty("format").GetString(), Is.EqualTo("isolationchecks-snapshot/1"));
            Assert.That(snapshot.GetProperty("collectedAt").GetDateTimeOffset(), Is.EqualTo(Now.AddHours(-1)));
            Assert.That(snapshot.GetProperty("scopes")[0].GetProperty("account").GetString(), Is.EqualTo("111122223333"));
            Assert.That(snapshot.GetProperty("calls").GetInt32(), Is.EqualTo(2));
            Assert.That(snapshot.GetProperty("failedCalls").GetInt32(), Is.EqualTo(1));
            var integrity = json.GetProperty("integrity");
            Assert.That(integrity.GetProperty("intact").GetBoolean(), Is.False);
            Assert.That(integrity.GetProperty("mismatches")[0].GetString(), Is.EqualTo("Vpcs.json"));
            Assert.That(integrity.GetProperty("unlistedFiles")[0].GetString(), Is.EqualTo("extra.json"));
        }
    }

    [Test]
    public void Names_outside_ascii_are_written_as_they_are_and_read_back_unchanged()
    {
        var run = Run([Finding(Control("CB-1"), "本番ビルド", Status.Pass)]);

        var bytes = FindingsJson.Serialize(run);

        Assert.That(System.Text.Encoding.UTF8.GetString(bytes), Does.Contain("\"resourceName\": \"本番ビルド\""));
        Assert.That(JsonDocument.Parse(bytes).RootElement.GetProperty("findings")[0].GetProperty("resourceName").GetString(), Is.EqualTo("本番ビルド"));
    }
}
