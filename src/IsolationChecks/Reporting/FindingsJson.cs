using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// findings.json (contracts.md): the run's context and counts, then one object per (control, resource).
/// Written field by field so the shape other tools rely on is explicit here, not a side effect of a type.
/// </summary>
public static class FindingsJson
{
    public const string FileName = "findings.json";

    public static byte[] Serialize(RunResult run) => ReportText.ToBytes(stream => Write(run, stream));

    public static void Write(RunResult run, Stream output)
    {
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions
               {
                   Indented = true,
                   // A data file, not HTML: keep non-ASCII names and '+' readable. Consumers that embed values
                   // in HTML encode them there (as report.html does).
                   Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
               }))
        {
            json.WriteStartObject();
            json.WriteString("tool", ToolInfo.Name);
            json.WriteString("version", ToolInfo.Version);
            json.WriteString("startedAt", run.StartedAt);
            json.WriteString("finishedAt", run.FinishedAt);
            json.WriteString("target", run.Target);
            json.WriteBoolean("demoData", run.DemoData);
            if (run.DemoData)
                json.WriteString("notice", RunResult.DemoNotice);
            else if (run.Plan is not null)
                json.WriteString("notice", PlanReport.HypotheticalNotice);
            else
                json.WriteNull("notice");
            json.WriteBoolean("hypothetical", run.Plan is not null);
            json.WriteString("origin", run.SnapshotOrigin);
            json.WriteString("posture", run.PostureName);
            json.WriteString("postureFile", run.Settings.PosturePath);
            WriteSnapshot(json, run);
            WriteIntegrity(json, run);
            WriteGaps(json, run);
            WriteGate(json, run.Gate);
            json.WriteNumber("exitCode", new RunOutcome.Completed(run).ExitCode);
            WriteTimedOut(json, run.TimedOut);
            WriteCounts(json, run.Counts);
            json.WriteStartArray("findings");
            foreach (var finding in run.Findings)
            {
                WriteFinding(json, finding);
                // Out to the stream as it goes: the writer would otherwise buffer every finding until the end.
                if (json.BytesPending > FlushThreshold)
                    json.Flush();
            }

            json.WriteEndArray();
            WriteExclusions(json, run.Exclusions);
            if (run.ReviewNotice is { } review)
                json.WriteString("postureReview", review);
            else
                json.WriteNull("postureReview");
            DriftReporting.WriteJson(json, run.Drift);
            PlanReporting.WriteJson(json, run.Plan);
            json.WriteEndObject();
        }
    }

    private const int FlushThreshold = 64 * 1024;

    private static void WriteSnapshot(Utf8JsonWriter json, RunResult run)
    {
        if (run.Manifest is not { } manifest)
        {
            json.WriteNull("snapshot");
            return;
        }

        json.WriteStartObject("snapshot");
        json.WriteString("format", manifest.Format);
        json.WriteString("tool", manifest.Tool);
        json.WriteString("collectedAt", manifest.CollectedAt);
        json.WriteStartArray("scopes");
        foreach (var scope in manifest.Scopes)
        {
            json.WriteStartObject();
            json.WriteString("account", scope.Account);
            json.WriteString("region", scope.Region);
            json.WriteString("folder", scope.Folder);
            json.WriteString("callerArn", scope.CallerArn);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("calls", manifest.Calls.Count);
        json.WriteNumber("failedCalls", manifest.Calls.Count(c => c.Outcome == "failed"));
        json.WriteEndObject();
    }

    private static void WriteGaps(Utf8JsonWriter json, RunResult run)
    {
        json.WriteStartArray("gaps");
        foreach (var gap in run.Gaps)
        {
            json.WriteStartObject();
            json.WriteString("file", gap.File);
            json.WriteString("call", $"{gap.Service}:{gap.Operation}");
            json.WriteString("errorCode", gap.ErrorCode);
            json.WriteString("reason", gap.Reason);
            json.WriteString("remedy", gap.Remedy);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteIntegrity(Utf8JsonWriter json, RunResult run)
    {
        json.WriteStartObject("evidence");
        json.WriteString("state", run.Trust.Wire);
        json.WriteString("reason", run.Trust.Reason);
        if (run.Trust.KeyId is { } keyId)
            json.WriteString("keyId", keyId);
        json.WriteBoolean("acceptedByGate", run.Trust.IsVerified || !run.Settings.RequireVerifiedEvidence);
        json.WriteEndObject();
        json.WriteStartObject("integrity");
        json.WriteBoolean("intact", run.Integrity.IsIntact);
        json.WriteBoolean("manifestPresent", run.Integrity.ManifestPresent);
        json.WriteString("description", run.Integrity.Describe());
        WriteStrings(json, "mismatches", run.Integrity.Mismatches);
        WriteStrings(json, "missingFiles", run.Integrity.MissingFiles);
        WriteStrings(json, "unlistedFiles", run.Integrity.UnlistedFiles);
        json.WriteEndObject();
    }

    private static void WriteTimedOut(Utf8JsonWriter json, RunTimedOut? timedOut)
    {
        if (timedOut is null)
        {
            json.WriteNull("timedOut");
            return;
        }

        json.WriteStartObject("timedOut");
        json.WriteString("timeout", Settings.Duration.Format(timedOut.Timeout));
        json.WriteString("description", timedOut.Describe());
        WriteStrings(json, "notCollected", timedOut.NotCollected);
        json.WriteEndObject();
    }

    private static void WriteGate(Utf8JsonWriter json, AuditGateVerdict gate)
    {
        json.WriteStartObject("auditGate");
        json.WriteBoolean("passed", gate.Passed);
        json.WriteString("verdict", gate.Describe());
        json.WriteStartArray("blocking");
        foreach (var finding in gate.Blocking)
        {
            json.WriteStartObject();
            json.WriteString("control", finding.Control.Id);
            json.WriteString("resource", finding.Resource.Id);
            json.WriteString("status", finding.Status.ToWire());
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter json, FindingCounts counts)
    {
        json.WriteStartObject("counts");
        json.WriteNumber("total", counts.Total);
        WriteStatusCounts(json, counts.ByStatus);
        json.WriteStartObject("bySeverity");
        foreach (var (severity, byStatus) in counts.BySeverity)
        {
            json.WriteStartObject(severity.ToWire());
            json.WriteNumber("total", byStatus.Values.Sum());
            WriteStatusCounts(json, byStatus);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteStatusCounts(Utf8JsonWriter json, IReadOnlyDictionary<Status, int> byStatus)
    {
        foreach (var status in Enum.GetValues<Status>())
            json.WriteNumber(status.ToWire(), byStatus.GetValueOrDefault(status));
    }

    private static void WriteFinding(Utf8JsonWriter json, Finding finding)
    {
        json.WriteStartObject();
        json.WriteString("control", finding.Control.Id);
        json.WriteString("title", finding.Control.Title);
        json.WriteString("family", finding.Control.Family);
        json.WriteString("severity", finding.Control.Severity.ToWire());
        json.WriteString("resource", finding.Resource.Id);
        json.WriteString("resourceName", finding.Resource.Name);
        json.WriteString("account", finding.Resource.Account);
        json.WriteString("region", finding.Resource.Region);
        json.WriteString("status", finding.Status.ToWire());
        json.WriteString("testName", finding.TestName);
        json.WriteString("message", finding.Message);
        json.WriteString("remediation", finding.EffectiveRemediation);
        WriteEvidence(json, finding.Evidence);
        json.WriteEndObject();
    }

    /// <summary>A finding's evidence as the "evidence" array (subject, fact, source), the same in every JSON report.</summary>
    internal static void WriteEvidence(Utf8JsonWriter json, IReadOnlyList<EvidenceFact> evidence)
    {
        json.WriteStartArray("evidence");
        foreach (var fact in evidence)
        {
            json.WriteStartObject();
            json.WriteString("subject", fact.Subject);
            json.WriteString("fact", fact.Fact);
            json.WriteString("source", fact.Source);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>What the posture leaves out of judgement, with reasons: listed beside the findings, never counted as a verdict.</summary>
    private static void WriteExclusions(Utf8JsonWriter json, IReadOnlyList<JudgementExclusion> exclusions)
    {
        json.WriteStartArray("excluded");
        foreach (var exclusion in exclusions)
        {
            json.WriteStartObject();
            json.WriteString("kind", exclusion.Kind);
            json.WriteString("subject", exclusion.Subject);
            json.WriteString("name", exclusion.Name);
            json.WriteString("account", exclusion.Account);
            json.WriteString("region", exclusion.Region);
            json.WriteString("reason", exclusion.Reason);
            json.WriteString("posture", exclusion.PosturePath);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }

    internal static string Iso(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
