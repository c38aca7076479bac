using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// A Terraform plan's verdicts as each report shows them: the hypothetical notice first, then "would newly fail", "would
/// become inconclusive", "would newly pass", other changes and "unchanged failures", each verdict with the Terraform addresses
/// responsible; then the changes the suite could not judge and the values known only after apply. The verdict entries have
/// the drift report's shape (control, resource, before, after), with the addresses added.
/// </summary>
public static class PlanReporting
{
    public const string Title = "Terraform plan (hypothetical)";

    public static void AppendNotice(StringBuilder md, RunResult run)
    {
        if (run.Plan is { } plan)
            md.Append("> **").Append(MarkdownReport.Escape($"{PlanReport.HypotheticalNotice} ({plan.PlanFile})")).Append("**\n\n");
    }

    public static void AppendMarkdown(StringBuilder md, PlanReport? plan)
    {
        if (plan is null)
            return;
        md.Append("\n## ").Append(Title).Append("\n\n");
        foreach (var (term, value) in Facts(plan))
            md.Append("- **").Append(term).Append(":** ").Append(MarkdownReport.Escape(value)).Append('\n');
        foreach (var (effect, heading, verdicts) in Sections(plan))
        {
            md.Append("\n### ").Append(heading).Append(" (").Append(verdicts.Count).Append(")\n\n");
            if (verdicts.Count == 0)
                md.Append("None.\n");
            foreach (var verdict in verdicts)
                md.Append("- ").Append(MarkdownReport.Escape($"{verdict.Describe()} ({verdict.Change.Severity.ToWire()})")).Append('\n');
        }

        foreach (var (heading, lines) in Lists(plan))
        {
            md.Append("\n### ").Append(heading).Append(" (").Append(lines.Count).Append(")\n\n");
            md.Append(lines.Count == 0 ? "None.\n" : "");
            foreach (var line in lines)
                md.Append("- ").Append(MarkdownReport.Escape(line)).Append('\n');
        }
    }

    public static void AppendHtmlNotice(StringBuilder html, RunResult run)
    {
        if (run.Plan is { } plan)
            html.Append("<p class=\"gate failed\">").Append(E($"{PlanReport.HypotheticalNotice} ({plan.PlanFile})")).Append("</p>\n");
    }

    public static void AppendHtml(StringBuilder html, PlanReport? plan)
    {
        if (plan is null)
            return;
        html.Append("<h2 id=\"plan\">").Append(E(Title)).Append("</h2>\n<dl>\n");
        foreach (var (term, value) in Facts(plan))
            html.Append("<dt>").Append(E(term)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");
        html.Append("</dl>\n");
        foreach (var (_, heading, verdicts) in Sections(plan))
            List(html, heading, verdicts.Select(v => $"{v.Describe()} ({v.Change.Severity.ToWire()})").ToList());
        foreach (var (heading, lines) in Lists(plan))
            List(html, heading, lines);
    }

    /// <summary>Writes the "plan" member: null without a Plan setting.</summary>
    public static void WriteJson(Utf8JsonWriter json, PlanReport? plan)
    {
        if (plan is null)
        {
            json.WriteNull("plan");
            return;
        }

        json.WriteStartObject("plan");
        json.WriteBoolean("hypothetical", true);
        json.WriteString("notice", PlanReport.HypotheticalNotice);
        json.WriteString("planFile", plan.PlanFile);
        if (plan.TerraformVersion is { } version)
            json.WriteString("terraformVersion", version);
        else
            json.WriteNull("terraformVersion");
        json.WriteNumber("resourceChanges", plan.ResourceChanges);
        foreach (var (effect, _, verdicts) in Sections(plan))
        {
            json.WriteStartArray(JsonName(effect));
            foreach (var verdict in verdicts)
            {
                json.WriteStartObject();
                DriftReporting.WriteMembers(json, verdict.Change);
                ReportText.JsonStrings(json, "addresses", verdict.Addresses);
                if (verdict.Hypothetical is { } finding)
                    json.WriteString("message", finding.Message);
                else
                    json.WriteNull("message");
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("notJudged");
        foreach (var change in plan.Overlay.Unjudged)
        {
            json.WriteStartObject();
            json.WriteString("address", change.Address);
            json.WriteString("type", change.Type);
            ReportText.JsonStrings(json, "actions", change.Actions);
            json.WriteString("reason", change.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("knownAfterApply");
        foreach (var value in plan.Overlay.Unknowns)
        {
            json.WriteStartObject();
            json.WriteString("address", value.Address);
            json.WriteString("attribute", value.Attribute);
            ReportText.JsonStrings(json, "controls", value.Controls);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("applied");
        foreach (var change in plan.Overlay.Placed)
        {
            json.WriteStartObject();
            json.WriteString("address", change.Address);
            json.WriteString("type", change.Type);
            ReportText.JsonStrings(json, "actions", change.Actions);
            ReportText.JsonStrings(json, "evidence", change.Files);
            ReportText.JsonStrings(json, "controls", change.Controls);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        ReportText.JsonStrings(json, "notInScope", plan.Overlay.NotInScope);
        json.WriteStartObject("standInIds");
        foreach (var (address, id) in plan.Overlay.StandIns)
            json.WriteString(address, id);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// The plan's JUnit suites: a testsuite per section; a verdict that would newly fail or become inconclusive is a failure,
    /// a newly passing one passes, an unchanged failure is skipped (the plan does not make it worse), a change that cannot be
    /// judged is an error.
    /// </summary>
    public static void WriteJunit(XmlWriter xml, RunResult run, PlanReport plan)
    {
        foreach (var (effect, heading, verdicts) in Sections(plan))
        {
            Suite(xml, run, $"Terraform plan: {heading}", verdicts.Count,
                effect is PlanEffect.WouldNewlyFail or PlanEffect.WouldBecomeInconclusive ? verdicts.Count : 0, 0,
                effect == PlanEffect.UnchangedFailure ? verdicts.Count : 0);
            foreach (var verdict in verdicts)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("name", JunitReport.Text($"{verdict.Change.Control} {verdict.Change.ResourceName}"));
                xml.WriteAttributeString("classname", JunitReport.Text($"{ToolInfo.Name}.TerraformPlan.{JsonName(effect)}"));
                xml.WriteAttributeString("time", "0");
                var text = JunitReport.Text(verdict.Describe());
                var element = effect switch
                {
                    PlanEffect.WouldNewlyFail or PlanEffect.WouldBecomeInconclusive => "failure",
                    PlanEffect.UnchangedFailure => "skipped",
                    _ => null,
                };
                if (element is not null)
                {
                    xml.WriteStartElement(element);
                    xml.WriteAttributeString("message", JunitReport.Text($"{heading} (hypothetical): {verdict.Describe()}"));
                    if (element == "failure")
                        xml.WriteAttributeString("type", JsonName(effect));
                    xml.WriteEndElement();
                }

                xml.WriteElementString("system-out", text);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        Suite(xml, run, "Terraform plan: Not judged", plan.Overlay.Unjudged.Count, 0, plan.Overlay.Unjudged.Count, 0);
        foreach (var change in plan.Overlay.Unjudged)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("name", JunitReport.Text(change.Address));
            xml.WriteAttributeString("classname", $"{ToolInfo.Name}.TerraformPlan.notJudged");
            xml.WriteAttributeString("time", "0");
            xml.WriteStartElement("error");
            xml.WriteAttributeString("message", JunitReport.Text($"not judged (the gate is undecided): {change.Describe()}"));
            xml.WriteAttributeString("type", "undecided");
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void Suite(XmlWriter xml, RunResult run, string name, int tests, int failures, int errors, int skipped)
    {
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", JunitReport.Text(name));
        xml.WriteAttributeString("package", $"{ToolInfo.Name}.TerraformPlan");
        xml.WriteAttributeString("tests", tests.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", failures.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("errors", errors.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("skipped", skipped.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("time", "0");
        xml.WriteStartElement("properties");
        foreach (var (property, value) in new[] { ("notice", PlanReport.HypotheticalNotice), ("plan", run.Plan!.PlanFile), ("gate", run.Gate.Describe()) })
        {
            xml.WriteStartElement("property");
            xml.WriteAttributeString("name", property);
            xml.WriteAttributeString("value", JunitReport.Text(value));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>"wouldNewlyFail", "unchangedFailures": findings.json's member for a section.</summary>
    public static string JsonName(PlanEffect effect) => effect switch
    {
        PlanEffect.WouldNewlyFail => "wouldNewlyFail",
        PlanEffect.WouldBecomeInconclusive => "wouldBecomeInconclusive",
        PlanEffect.WouldNewlyPass => "wouldNewlyPass",
        PlanEffect.OtherChange => "otherChanges",
        PlanEffect.UnchangedFailure => "unchangedFailures",
        _ => throw new ArgumentOutOfRangeException(nameof(effect), effect, null),
    };

    private static IEnumerable<(PlanEffect Effect, string Heading, IReadOnlyList<PlannedVerdict> Verdicts)> Sections(PlanReport plan) =>
        PlanReport.Sections.Select(s => (s.Effect, s.Heading, (IReadOnlyList<PlannedVerdict>)plan.Verdicts.Where(v => v.Effect == s.Effect).ToList()));

    private static IEnumerable<(string Term, string Value)> Facts(PlanReport plan) =>
    [
        ("Plan", plan.PlanFile + (plan.TerraformVersion is { } v ? $" (Terraform {v})" : "")),
        ("Resource changes", $"{plan.ResourceChanges}: {plan.Overlay.Placed.Count} applied to the evidence in memory, {plan.Overlay.Unjudged.Count} not judged, "
                             + $"{plan.Overlay.NotInScope.Count} touching nothing audited"),
        ("Summary", plan.Summary()),
    ];

    private static IEnumerable<(string Heading, IReadOnlyList<string> Lines)> Lists(PlanReport plan) =>
    [
        ("Not judged: the gate cannot decide while these remain", plan.Overlay.Unjudged.Select(u => u.Describe()).ToList()),
        ("Values known only after apply", plan.Overlay.Unknowns.Select(u => $"{u.Describe()} (controls: {string.Join(", ", u.Controls)})").ToList()),
        ("Changes applied to the evidence (in memory)", plan.Overlay.Placed.Select(p => $"{p.Address} ({string.Join("+", p.Actions)}): {string.Join(", ", p.Files)}").ToList()),
        ("Stand-in ids of resources created by the plan", plan.Overlay.StandIns.Select(s => $"{s.Value} = {s.Key}").ToList()),
        ("Touching nothing audited", plan.Overlay.NotInScope),
    ];

    private static void List(StringBuilder html, string heading, IReadOnlyList<string> lines)
    {
        html.Append("<h3>").Append(E(heading)).Append(" (").Append(lines.Count).Append(")</h3>\n");
        ReportText.HtmlList(html, lines);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
