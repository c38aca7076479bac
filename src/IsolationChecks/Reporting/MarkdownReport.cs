using System.Text;
using System.Text.RegularExpressions;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// report.md: the summary a person reads first (gate, counts, the per-control table), then what needs attention in full,
/// then waivers, then passes summarised per control behind a details element (<see cref="ReportSummary"/>).
/// </summary>
public static partial class MarkdownReport
{
    public const string FileName = "report.md";

    public static string Render(RunResult run)
    {
        var md = new StringBuilder();
        var counts = run.Counts;
        md.Append("# Isolation checks: ").Append(Escape(run.PostureName)).Append("\n\n");
        if (run.DemoData)
            md.Append("> **").Append(Escape(RunResult.DemoNotice)).Append("**\n\n");
        PlanReporting.AppendNotice(md, run);
        if (run.ReviewNotice is { } review)
            md.Append("> **").Append(Escape(review)).Append("**\n\n");
        md.Append("- **Audit gate:** ").Append(Escape(run.Gate.Describe())).Append('\n');
        if (run.TimedOut is { } timedOut)
            md.Append("- **Timed out:** ").Append(Escape(timedOut.Describe())).Append('\n');
        md.Append("- **Target:** ").Append(Escape(run.TargetDescription)).Append(" (evidence read from ").Append(Escape(run.SnapshotOrigin)).Append(")\n");
        if (run.Manifest is { } manifest)
            md.Append("- **Collected:** ").Append(FindingsJson.Iso(manifest.CollectedAt)).Append(" by ").Append(Escape(manifest.Tool)).Append('\n');
        md.Append("- **Evidence:** ").Append(Escape(run.Trust.Describe())).Append('\n');
        md.Append("- **Evidence integrity:** ").Append(run.Integrity.IsIntact ? "" : "**NOT INTACT** ").Append(Escape(run.Integrity.Describe())).Append('\n');
        md.Append("- **Posture file:** ").Append(Escape(run.Settings.PosturePath)).Append('\n');
        md.Append("- **Run:** ").Append(FindingsJson.Iso(run.StartedAt)).Append(" to ").Append(FindingsJson.Iso(run.FinishedAt))
            .Append(", ").Append(Escape($"{ToolInfo.Name} {ToolInfo.Version}")).Append("\n\n");

        md.Append("## Counts\n\n");
        md.Append("| Severity | Total |");
        foreach (var status in Enum.GetValues<Status>())
            md.Append(' ').Append(status.ToWire()).Append(" |");
        md.Append("\n|---|---:|");
        foreach (var _ in Enum.GetValues<Status>())
            md.Append("---:|");
        md.Append('\n');
        foreach (var (severity, byStatus) in counts.BySeverity)
            AppendCountRow(md, severity.ToWire(), byStatus);
        AppendCountRow(md, "**all**", counts.ByStatus);
        md.Append('\n');
        AppendControls(md, run);

        foreach (var (title, findings) in ReportOrder.Sections(run.Findings))
        {
            md.Append("## ").Append(title).Append(" (").Append(findings.Count).Append(")\n\n");
            if (findings.Count == 0)
                md.Append("None.\n\n");
            else if (findings[0].Status == Status.Pass)
                AppendPasses(md, findings);
            else
                AppendFindings(md, findings);
        }

        md.Append("## ").Append(ReportOrder.ExcludedTitle).Append(" (").Append(run.Exclusions.Count).Append(")\n\n");
        md.Append(run.Exclusions.Count == 0 ? "None.\n" : "Left out on purpose by the posture, with its reasons: no verdict, so no pass.\n\n");
        foreach (var exclusion in run.Exclusions)
            md.Append("- ").Append(Escape(ReportOrder.Describe(exclusion))).Append('\n');
        if (run.Exclusions.Count > 0)
            md.Append('\n');

        md.Append("## ").Append(ReportOrder.GapsTitle).Append(" (").Append(run.Gaps.Count).Append(")\n\n");
        md.Append(run.Gaps.Count == 0 ? "None.\n" : ReportOrder.GapsIntroduction + "\n\n");
        foreach (var gap in run.Gaps)
            md.Append("- ").Append(Escape(ReportOrder.Describe(gap))).Append('\n');
        DriftReporting.AppendMarkdown(md, run.Drift);
        PlanReporting.AppendMarkdown(md, run.Plan);

        return md.ToString();
    }

    private static void AppendCountRow(StringBuilder md, string label, IReadOnlyDictionary<Status, int> byStatus)
    {
        md.Append("| ").Append(label).Append(" | ").Append(byStatus.Values.Sum()).Append(" |");
        foreach (var status in Enum.GetValues<Status>())
            md.Append(' ').Append(byStatus.GetValueOrDefault(status)).Append(" |");
        md.Append('\n');
    }

    private static void AppendControls(StringBuilder md, RunResult run)
    {
        md.Append("## Controls\n\n| Control | Title | Severity | Total |");
        foreach (var status in Enum.GetValues<Status>())
            md.Append(' ').Append(status.ToWire()).Append(" |");
        md.Append("\n|---|---|---|---:|");
        foreach (var _ in Enum.GetValues<Status>())
            md.Append("---:|");
        md.Append('\n');
        foreach (var (family, byStatus, controls) in ControlTallies.ByFamily(run))
        {
            md.Append("| **").Append(Escape(family)).Append("** | | |");
            AppendCounts(md, byStatus);
            foreach (var tally in controls)
            {
                md.Append("| ").Append(Escape(tally.Control.Id)).Append(" | ").Append(Escape(tally.Control.Title)).Append(" | ")
                    .Append(tally.Control.Severity.ToWire()).Append(" |");
                AppendCounts(md, tally.ByStatus);
            }
        }

        md.Append('\n');
    }

    private static void AppendCounts(StringBuilder md, IReadOnlyDictionary<Status, int> byStatus)
    {
        md.Append(' ').Append(byStatus.Values.Sum()).Append(" |");
        foreach (var status in Enum.GetValues<Status>())
            md.Append(' ').Append(byStatus.GetValueOrDefault(status)).Append(" |");
        md.Append('\n');
    }

    private static void AppendFindings(StringBuilder md, IReadOnlyList<Finding> findings)
    {
        var (full, listed) = ReportSummary.Split(findings);
        foreach (var finding in full)
            AppendFinding(md, finding);
        foreach (var (control, more) in ReportSummary.ByControl(listed))
        {
            md.Append("<details><summary>").Append(Escape($"{control.Id} {control.Title}")).Append(": ").Append(ReportText.Count(more.Count, "more finding"))
                .Append(" (").Append(ReportSummary.Statuses(more)).Append("), listed with their verdicts; their evidence is in findings.json</summary>\n\n");
            foreach (var finding in more)
                md.Append("- **").Append(FindingText.Label(finding.Status)).Append("** ").Append(Escape(finding.TestName)).Append(" (")
                    .Append(Escape(ReportSummary.Scope(finding.Resource))).Append("): ").Append(Escape(ReportText.Cut(finding.Message, ReportSummary.ListedVerdict))).Append('\n');
            md.Append("\n</details>\n\n");
        }
    }

    /// <summary>Passes per control: the count in the summary line, the resources (by account and region) behind it.</summary>
    private static void AppendPasses(StringBuilder md, IReadOnlyList<Finding> passes)
    {
        md.Append("Per control; each pass's evidence is in findings.json.\n\n");
        foreach (var (control, count, scopes) in ReportSummary.Passes(passes))
        {
            md.Append("<details><summary>").Append(Escape($"{control.Id} {control.Title}")).Append(": ").Append(count)
                .Append(" passed</summary>\n\n");
            foreach (var (scope, names) in scopes)
                md.Append("- **").Append(Escape(scope)).Append("**: ").Append(Escape(string.Join(", ", names))).Append('\n');
            md.Append("\n</details>\n\n");
        }
    }

    private static void AppendFinding(StringBuilder md, Finding finding)
    {
        md.Append("### ").Append(FindingText.Label(finding.Status)).Append(' ')
            .Append(Escape(finding.TestName)).Append(" (").Append(finding.Control.Severity.ToWire()).Append(")\n\n");
        md.Append("- **Control:** ").Append(Escape($"{finding.Control.Id} {finding.Control.Title}")).Append('\n');
        md.Append("- **Resource:** ").Append(Escape(FindingText.ResourceLine(finding.Resource))).Append('\n');
        md.Append("- **Verdict:** ").Append(Escape(finding.Message)).Append('\n');
        md.Append("- **Evidence:**").Append(finding.Evidence.Count == 0 ? " none\n" : "\n");
        foreach (var fact in finding.Evidence.Take(ReportSummary.FactsShown))
        {
            md.Append("  - ").Append(Escape(fact.Subject)).Append(": ").Append(Escape(fact.Fact));
            if (fact.Source is not null)
                md.Append(" (source: ").Append(Escape(fact.Source)).Append(')');
            md.Append('\n');
        }

        if (finding.Evidence.Count > ReportSummary.FactsShown)
            md.Append("  - and ").Append(finding.Evidence.Count - ReportSummary.FactsShown).Append(" more in findings.json\n");
        if (finding.Status != Status.Pass)
            md.Append("- **Remediation:** ").Append(Escape(finding.EffectiveRemediation)).Append('\n');
        md.Append('\n');
    }

    /// <summary>Text as literal Markdown: no markup, no raw HTML, one line.</summary>
    public static string Escape(string text)
    {
        var oneLine = LineBreaks().Replace(text, " ");
        var escaped = new StringBuilder(oneLine.Length);
        foreach (var c in oneLine)
        {
            switch (c)
            {
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '&': escaped.Append("&amp;"); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#':
                    escaped.Append('\\').Append(c);
                    break;
                default: escaped.Append(c); break;
            }
        }

        return escaped.ToString();
    }

    [GeneratedRegex(@"\r\n|\r|\n")]
    private static partial Regex LineBreaks();
}
