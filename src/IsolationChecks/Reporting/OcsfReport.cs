using System.Text.Encodings.Web;
using System.Text.Json;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// findings.ocsf.jsonl: each finding that is not a pass as an OCSF 1.3.0 Detection Finding (class 2004, category Findings),
/// one JSON object per line, as SIEMs and security data lakes ingest events. A fail, inconclusive or error is a New finding
/// (<c>status_id</c> 1); a waived one is Suppressed (3), the waiver in its message. The control is the analytic (a rule);
/// the resource is an affected resource with the cloud profile's account and region; what OCSF has no attribute for (our
/// status, the evidence facts, the gate) is under <c>unmapped.isolationchecks</c>. Passes are not detections: findings.json
/// holds them.
/// </summary>
public static class OcsfReport
{
    public const string FileName = "findings.ocsf.jsonl";

    public const string SchemaVersion = "1.3.0";

    public const int ClassUid = 2004;

    public const int CategoryUid = 2;

    /// <summary>Activity Create: the event reports a finding as this run found it.</summary>
    public const int ActivityCreate = 1;

    public static byte[] Serialize(RunResult run) => ReportText.ToBytes(stream => Write(run, stream));

    public static void Write(RunResult run, Stream output)
    {
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var finding in ReportOrder.Sort(run.Findings).Where(f => f.Status != Status.Pass))
        {
            using (var json = new Utf8JsonWriter(output, options))
                WriteEvent(json, run, finding);
            output.WriteByte((byte)'\n');
        }
    }

    /// <summary>OCSF's severity_id and its caption for a control's severity.</summary>
    public static (int Id, string Caption) SeverityOf(Severity severity) => severity switch
    {
        Severity.Critical => (5, "Critical"),
        Severity.High => (4, "High"),
        Severity.Medium => (3, "Medium"),
        _ => (2, "Low"),
    };

    /// <summary>OCSF's finding status_id and its caption: New, or Suppressed for a waived finding.</summary>
    public static (int Id, string Caption) StatusOf(Status status) => status == Status.Waived ? (3, "Suppressed") : (1, "New");

    private static void WriteEvent(Utf8JsonWriter json, RunResult run, Finding finding)
    {
        var time = run.FinishedAt.ToUnixTimeMilliseconds();
        var (severityId, severity) = SeverityOf(finding.Control.Severity);
        var (statusId, status) = StatusOf(finding.Status);
        json.WriteStartObject();
        json.WriteNumber("activity_id", ActivityCreate);
        json.WriteString("activity_name", "Create");
        json.WriteNumber("category_uid", CategoryUid);
        json.WriteString("category_name", "Findings");
        json.WriteNumber("class_uid", ClassUid);
        json.WriteString("class_name", "Detection Finding");
        json.WriteNumber("type_uid", ClassUid * 100 + ActivityCreate);
        json.WriteString("type_name", "Detection Finding: Create");
        json.WriteNumber("severity_id", severityId);
        json.WriteString("severity", severity);
        json.WriteNumber("status_id", statusId);
        json.WriteString("status", status);
        json.WriteString("status_code", finding.Status.ToWire());
        json.WriteNumber("time", time);
        json.WriteString("message", $"{FindingText.Headline(finding)}: {finding.Resource.Name}: {finding.Message}");

        json.WriteStartObject("metadata");
        json.WriteString("version", SchemaVersion);
        json.WriteStartArray("profiles");
        json.WriteStringValue("cloud");
        json.WriteEndArray();
        json.WriteStartObject("product");
        json.WriteString("name", ToolInfo.Name);
        json.WriteString("vendor_name", ToolInfo.Name);
        json.WriteString("version", ToolInfo.Version);
        json.WriteEndObject();
        json.WriteString("log_name", FileName);
        if (run.DemoData || run.Plan is not null)
        {
            json.WriteStartArray("labels");
            if (run.DemoData)
                json.WriteStringValue("demo-data");
            if (run.Plan is not null)
                json.WriteStringValue("hypothetical-terraform-plan");
            json.WriteEndArray();
        }

        json.WriteEndObject();

        json.WriteStartObject("finding_info");
        json.WriteString("uid", SarifReport.Fingerprint(finding));
        json.WriteString("title", $"{finding.Control.Id} {finding.Control.Title}");
        json.WriteString("desc", finding.Message);
        json.WriteNumber("created_time", time);
        json.WriteStartArray("types");
        json.WriteStringValue($"{finding.Control.Family} isolation control");
        json.WriteEndArray();
        json.WriteStartObject("analytic");
        json.WriteString("uid", finding.Control.Id);
        json.WriteString("name", $"{finding.Control.Id} {finding.Control.Title}");
        json.WriteString("category", finding.Control.Family);
        json.WriteNumber("type_id", 1);
        json.WriteString("type", "Rule");
        json.WriteEndObject();
        json.WriteStartArray("data_sources");
        foreach (var source in finding.Evidence.Select(e => e.Source).OfType<string>().Distinct(StringComparer.Ordinal))
            json.WriteStringValue(source);
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("resources");
        json.WriteStartObject();
        json.WriteString("uid", finding.Resource.Id);
        json.WriteString("name", finding.Resource.Name);
        if (finding.Resource.Region.Length > 0)
            json.WriteString("region", finding.Resource.Region);
        json.WriteEndObject();
        json.WriteEndArray();

        json.WriteStartObject("cloud");
        json.WriteString("provider", "AWS");
        if (finding.Resource.Region.Length > 0)
            json.WriteString("region", finding.Resource.Region);
        if (finding.Resource.Account.Length > 0)
        {
            json.WriteStartObject("account");
            json.WriteString("uid", finding.Resource.Account);
            json.WriteNumber("type_id", 10);
            json.WriteString("type", "AWS Account");
            json.WriteEndObject();
        }

        json.WriteEndObject();

        json.WriteStartObject("remediation");
        json.WriteString("desc", finding.EffectiveRemediation);
        json.WriteEndObject();

        json.WriteStartObject("unmapped");
        json.WriteStartObject("isolationchecks");
        json.WriteString("control", finding.Control.Id);
        json.WriteString("status", finding.Status.ToWire());
        json.WriteString("test_name", finding.TestName);
        json.WriteString("target", run.Target);
        json.WriteString("evidence_state", run.Trust.Wire);
        json.WriteBoolean("gate_passed", run.Gate.Passed);
        json.WriteBoolean("demo_data", run.DemoData);
        json.WriteBoolean("hypothetical", run.Plan is not null);
        FindingsJson.WriteEvidence(json, finding.Evidence);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
