using System.Net;
using System.Text;
using System.Text.Json;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Drift;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// Drift since a baseline, as each report shows it: the changed verdicts first, then every evidence change with the
/// controls that read it, then what could not be compared. The same JSON is findings.json's "drift" and
/// <c>isolationchecks snapshot diff --json</c>.
/// </summary>
public static class DriftReporting
{
    public const string Title = "Drift since the baseline";

    public static void AppendMarkdown(StringBuilder md, DriftReport? drift)
    {
        if (drift is null)
            return;
        md.Append("\n## ").Append(Title).Append("\n\n");
        md.Append("- **Baseline:** ").Append(MarkdownReport.Escape(drift.Baseline))
            .Append(drift.BaselineCollectedAt is { } at ? $" (collected {FindingsJson.Iso(at)})" : "").Append('\n');
        md.Append("- **Baseline evidence:** ").Append(MarkdownReport.Escape(drift.BaselineEvidence.Describe())).Append('\n');
        md.Append("- **Baseline judged with:** ").Append(MarkdownReport.Escape(drift.BaselinePosture)).Append('\n');
        md.Append("- **Scope:** ").Append(MarkdownReport.Escape(drift.Evidence.PrincipalScope)).Append("\n\n");
        md.Append("### Verdicts that changed (").Append(drift.Verdicts.Count).Append(")\n\n");
        if (drift.Verdicts.Count == 0)
            md.Append("None.\n");
        foreach (var verdict in drift.Verdicts)
            md.Append("- ").Append(MarkdownReport.Escape(verdict.Describe())).Append(" (").Append(verdict.Severity.ToWire()).Append(")\n");
        md.Append("\n### Evidence that changed (").Append(drift.Evidence.Changes.Count).Append(")\n\n");
        if (drift.Evidence.Changes.Count == 0)
            md.Append("None.\n");
        foreach (var change in drift.Evidence.Changes)
            md.Append("- ").Append(MarkdownReport.Escape($"[{change.Category}] {change.Account} {change.Region}: {change.Describe()}"))
                .Append(" (controls: ").Append(string.Join(", ", change.Controls)).Append("; ").Append(MarkdownReport.Escape(change.File)).Append(")\n");
        md.Append("\n### Not compared (").Append(drift.Evidence.NotCompared.Count).Append(")\n\n");
        md.Append(drift.Evidence.NotCompared.Count == 0 ? "None.\n" : "Readable on one side only: no change can be ruled out here.\n\n");
        foreach (var gap in drift.Evidence.NotCompared)
            md.Append("- ").Append(MarkdownReport.Escape($"{gap.Account} {gap.Region} {gap.File} ({gap.Call}): {gap.Reason}"))
                .Append(" (controls: ").Append(string.Join(", ", gap.Controls)).Append(")\n");
    }

    public static void AppendHtml(StringBuilder html, DriftReport? drift)
    {
        if (drift is null)
            return;
        html.Append("<h2>").Append(E(Title)).Append("</h2>\n<dl>\n");
        Definition(html, "Baseline", drift.Baseline + (drift.BaselineCollectedAt is { } at ? $" (collected {FindingsJson.Iso(at)})" : ""));
        Definition(html, "Baseline evidence", drift.BaselineEvidence.Describe());
        Definition(html, "Baseline judged with", drift.BaselinePosture);
        Definition(html, "Scope", drift.Evidence.PrincipalScope);
        html.Append("</dl>\n<h3>Verdicts that changed (").Append(drift.Verdicts.Count).Append(")</h3>\n");
        ReportText.HtmlList(html, drift.Verdicts.Select(v => $"{v.Describe()} ({v.Severity.ToWire()})"));
        html.Append("<h3>Evidence that changed (").Append(drift.Evidence.Changes.Count).Append(")</h3>\n");
        ReportText.HtmlList(html, drift.Evidence.Changes.Select(c => $"[{c.Category}] {c.Account} {c.Region}: {c.Describe()} (controls: {string.Join(", ", c.Controls)}; {c.File})"));
        html.Append("<h3>Not compared (").Append(drift.Evidence.NotCompared.Count).Append(")</h3>\n");
        ReportText.HtmlList(html, drift.Evidence.NotCompared.Select(g => $"{g.Account} {g.Region} {g.File} ({g.Call}): {g.Reason} (controls: {string.Join(", ", g.Controls)})"));
    }

    /// <summary>Writes the "drift" member: null without a baseline.</summary>
    public static void WriteJson(Utf8JsonWriter json, DriftReport? drift)
    {
        if (drift is null)
        {
            json.WriteNull("drift");
            return;
        }

        json.WriteStartObject("drift");
        WriteJsonMembers(json, drift);
        json.WriteEndObject();
    }

    /// <summary>The drift object's members (findings.json's "drift", and snapshot diff's whole document).</summary>
    public static void WriteJsonMembers(Utf8JsonWriter json, DriftReport drift)
    {
        json.WriteString("baseline", drift.Baseline);
        if (drift.BaselineCollectedAt is { } at)
            json.WriteString("baselineCollectedAt", FindingsJson.Iso(at));
        else
            json.WriteNull("baselineCollectedAt");
        json.WriteString("baselineEvidence", drift.BaselineEvidence.Wire);
        json.WriteString("baselineEvidenceReason", drift.BaselineEvidence.Reason);
        json.WriteString("baselinePosture", drift.BaselinePosture);
        json.WriteString("scope", drift.Evidence.PrincipalScope);
        json.WriteStartArray("verdicts");
        foreach (var verdict in drift.Verdicts)
        {
            json.WriteStartObject();
            WriteMembers(json, verdict);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("changes");
        foreach (var change in drift.Evidence.Changes)
            WriteChange(json, change);
        json.WriteEndArray();
        json.WriteStartArray("notCompared");
        foreach (var gap in drift.Evidence.NotCompared)
        {
            json.WriteStartObject();
            json.WriteString("account", gap.Account);
            json.WriteString("region", gap.Region);
            json.WriteString("file", gap.File);
            json.WriteString("call", gap.Call);
            json.WriteString("reason", gap.Reason);
            ReportText.JsonStrings(json, "controls", gap.Controls);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        ReportText.JsonStrings(json, "affectedControls", drift.Evidence.AffectedControls);
    }

    private static void WriteChange(Utf8JsonWriter json, SnapshotChange change)
    {
        json.WriteStartObject();
        json.WriteString("category", change.Category);
        json.WriteString("kind", change.Wire);
        json.WriteString("account", change.Account);
        json.WriteString("region", change.Region);
        json.WriteString("resourceType", change.ResourceType);
        json.WriteString("resource", change.Resource);
        json.WriteString("member", change.Member);
        json.WriteString("file", change.File);
        json.WriteString("call", change.Call);
        WriteRaw(json, "before", change.Before);
        WriteRaw(json, "after", change.After);
        ReportText.JsonStrings(json, "controls", change.Controls);
        json.WriteString("description", change.Describe());
        json.WriteEndObject();
    }

    private static void WriteRaw(Utf8JsonWriter json, string name, string? value)
    {
        json.WritePropertyName(name);
        if (value is null)
            json.WriteNullValue();
        else
            json.WriteRawValue(value);
    }

    /// <summary>A verdict that moved, as drift and plan reports write it: the control, the resource, and its status before and after.</summary>
    internal static void WriteMembers(Utf8JsonWriter json, VerdictChange verdict)
    {
        json.WriteString("control", verdict.Control);
        json.WriteString("title", verdict.Title);
        json.WriteString("severity", verdict.Severity.ToWire());
        json.WriteString("resource", verdict.Resource);
        json.WriteString("resourceName", verdict.ResourceName);
        WriteStatus(json, "before", verdict.Before);
        WriteStatus(json, "after", verdict.After);
    }

    private static void WriteStatus(Utf8JsonWriter json, string name, Status? status)
    {
        if (status is { } value)
            json.WriteString(name, value.ToWire());
        else
            json.WriteNull(name);
    }

    private static void Definition(StringBuilder html, string term, string value) =>
        html.Append("<dt>").Append(E(term)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
