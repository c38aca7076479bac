using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// findings.sarif: SARIF 2.1.0 for code-scanning UIs (GitHub code scanning's upload). One rule per control; one result per
/// finding that needs attention: a fail is <c>kind: fail</c> at the level its severity gives; an inconclusive or an error is
/// <c>kind: open</c> (SARIF's "could not decide", which the specification requires to carry <c>level: none</c>), its message
/// starting INCONCLUSIVE or ERROR. Passes and waived findings are not results: they are counted in the run's properties
/// (code-scanning UIs would show any result as an alert). The rule's <c>security-severity</c> carries the control's severity to
/// GitHub whatever the level. A result's location is the resource (a logical location, its ARN or id) and, when the
/// verdict cites one, the snapshot file it rests on, relative to the snapshot folder (<c>uriBaseId</c> SNAPSHOT).
/// </summary>
public static class SarifReport
{
    public const string FileName = "findings.sarif";

    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public const string SnapshotBase = "SNAPSHOT";

    public static byte[] Serialize(RunResult run) => ReportText.ToBytes(stream => Write(run, stream));

    public static void Write(RunResult run, Stream output)
    {
        var rules = ControlTallies.Of(run).Select(t => t.Control).ToList();
        var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(r => r.Id, r => r.i);
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", ToolInfo.Name);
            json.WriteString("version", ToolInfo.Version);
            json.WriteStartArray("rules");
            foreach (var rule in rules)
                WriteRule(json, rule);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("automationDetails");
            // category/run: GitHub keeps one analysis per category, so a later run of the same posture replaces this one.
            json.WriteString("id", $"{ToolInfo.Name}/{run.PostureName}/{FindingsJson.Iso(run.StartedAt)}");
            json.WriteEndObject();
            WriteInvocation(json, run);
            if (run.Settings.Target is Settings.TargetSpec.SnapshotFolder folder)
            {
                json.WriteStartObject("originalUriBaseIds");
                json.WriteStartObject(SnapshotBase);
                json.WriteString("uri", new Uri(Path.TrimEndingDirectorySeparator(folder.Path) + Path.DirectorySeparatorChar).AbsoluteUri);
                json.WriteStartObject("description");
                json.WriteString("text", "The snapshot folder the verdicts were judged from.");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteStartArray("results");
            foreach (var finding in ReportOrder.Sort(run.Findings).Where(f => ReportOrder.NeedsAttention(f.Status)))
                WriteResult(json, finding, ruleIndex[finding.Control.Id]);
            json.WriteEndArray();
            json.WriteStartObject("properties");
            json.WriteBoolean("gatePassed", run.Gate.Passed);
            json.WriteString("gate", run.Gate.Describe());
            json.WriteString("evidence", run.Trust.Describe());
            json.WriteBoolean("demoData", run.DemoData);
            json.WriteBoolean("hypothetical", run.Plan is not null);
            if (run.Plan is { } plan)
                json.WriteString("notice", $"{PlanReport.HypotheticalNotice} ({plan.PlanFile})");
            json.WriteStartObject("counts");
            foreach (var status in Enum.GetValues<Status>())
                json.WriteNumber(status.ToWire(), run.Counts[status]);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    /// <summary>The SARIF level of a failed control of this severity.</summary>
    public static string Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>GitHub's security-severity score: above 9 critical, 7 to 8.9 high, 4 to 6.9 medium, below 4 low.</summary>
    public static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        _ => "3.0",
    };

    /// <summary>The identity of a finding across runs: its control and resource (a stable code-scanning alert).</summary>
    public static string Fingerprint(Finding finding) =>
        Convert.ToHexStringLower(SHA256.HashData(ReportText.Utf8.GetBytes($"{finding.Control.Id}\n{finding.Resource.Id}")))[..32];

    private static void WriteRule(Utf8JsonWriter json, ControlMetadata control)
    {
        json.WriteStartObject();
        json.WriteString("id", control.Id);
        json.WriteString("name", string.Concat(control.Title.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => char.ToUpperInvariant(w[0]) + w[1..]).Where(w => char.IsLetterOrDigit(w[0]))));
        Message(json, "shortDescription", $"{control.Id} {control.Title}");
        Message(json, "fullDescription", control.Rationale);
        json.WriteStartObject("help");
        json.WriteString("text", control.Remediation);
        json.WriteString("markdown", $"**Fix:** {control.Remediation}\n\n**Why:** {control.Rationale}\n\nPasses when the resource {control.Claim}.");
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(control.Severity));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteStartArray("tags");
        json.WriteStringValue("security");
        json.WriteStringValue(control.Family);
        json.WriteStringValue(control.Severity.ToWire());
        json.WriteEndArray();
        json.WriteString("security-severity", SecuritySeverity(control.Severity));
        json.WriteString("precision", "very-high");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteInvocation(Utf8JsonWriter json, RunResult run)
    {
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        // The tool ran to a verdict; the verdict itself is the exit code.
        json.WriteBoolean("executionSuccessful", true);
        json.WriteNumber("exitCode", new RunOutcome.Completed(run).ExitCode);
        json.WriteString("startTimeUtc", run.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        json.WriteString("endTimeUtc", run.FinishedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteResult(Utf8JsonWriter json, Finding finding, int ruleIndex)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.Control.Id);
        json.WriteNumber("ruleIndex", ruleIndex);
        var failed = finding.Status == Status.Fail;
        json.WriteString("kind", failed ? "fail" : "open");
        json.WriteString("level", failed ? Level(finding.Control.Severity) : "none");
        Message(json, "message", failed ? finding.Message : $"{FindingText.Label(finding.Status)}: {finding.Message}");
        json.WriteStartArray("locations");
        json.WriteStartObject();
        if (finding.Evidence.FirstOrDefault(e => e.Source is not null)?.Source is { } source)
        {
            json.WriteStartObject("physicalLocation");
            json.WriteStartObject("artifactLocation");
            json.WriteString("uri", RelativeUri(source));
            json.WriteString("uriBaseId", SnapshotBase);
            json.WriteEndObject();
            json.WriteStartObject("region");
            json.WriteNumber("startLine", 1);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteStartArray("logicalLocations");
        json.WriteStartObject();
        json.WriteString("name", finding.Resource.Name);
        json.WriteString("fullyQualifiedName", finding.Resource.Id);
        json.WriteString("kind", "resource");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("partialFingerprints");
        json.WriteString("primaryLocationLineHash", Fingerprint(finding));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteString("status", finding.Status.ToWire());
        json.WriteString("severity", finding.Control.Severity.ToWire());
        json.WriteString("resource", finding.Resource.Id);
        json.WriteString("account", finding.Resource.Account);
        json.WriteString("region", finding.Resource.Region);
        json.WriteString("remediation", finding.EffectiveRemediation);
        json.WriteStartArray("evidence");
        foreach (var fact in finding.Evidence)
            json.WriteStringValue(fact.ToString());
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>A snapshot path as a relative URI reference: each segment percent-encoded (a ':' would otherwise read as a scheme).</summary>
    public static string RelativeUri(string path) => string.Join('/', path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    private static void Message(Utf8JsonWriter json, string name, string text)
    {
        json.WriteStartObject(name);
        json.WriteString("text", text);
        json.WriteEndObject();
    }
}
