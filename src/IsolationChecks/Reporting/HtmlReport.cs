using System.Net;
using System.Text;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG, no scripts, no external request) that can be attached to an
/// audit record. It opens with the gate, a chart of statuses by family and severity, the per-control table and, with
/// the History setting, the trend over earlier runs; then what needs attention (each network failure drawn hop by hop,
/// the hop that leaks or blocks marked), waivers, and passes summarised per control (<see cref="ReportSummary"/>). Every
/// value from the environment is HTML-encoded.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1f23;max-width:72rem}
        h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}
        table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:right}
        th:first-child,td:first-child{text-align:left}td.text,th.text{text-align:left}
        tr.family td{background:#f6f8fa;font-weight:600}td.zero{color:#8c959f}td.attention{color:#cf222e;font-weight:600}
        .gate{padding:.6rem 1rem;border-radius:6px;font-weight:600}
        .gate.passed{background:#dafbe1}.gate.failed{background:#ffebe9}
        .finding{border:1px solid #d0d7de;border-left-width:6px;border-radius:6px;padding:.5rem 1rem;margin:.6rem 0}
        .fail,.error{border-left-color:#cf222e}.inconclusive{border-left-color:#bf8700}
        .waived{border-left-color:#8250df}.pass{border-left-color:#1a7f37}
        .status{font-weight:700;text-transform:uppercase}.muted{color:#57606a}
        dt{font-weight:600}dd{margin:0 0 .4rem 1rem}ul{margin:.2rem 0}
        summary{cursor:pointer}svg{max-width:100%;height:auto;display:block;margin:.5rem 0}
        nav a{margin-right:1rem}
        """;

    public static string Render(RunResult run) => Render(run, RunHistory.None);

    public static string Render(RunResult run, RunHistory history)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>Isolation checks: ").Append(E(run.PostureName)).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>Isolation checks: ").Append(E(run.PostureName)).Append("</h1>\n");
        if (run.DemoData)
            html.Append("<p class=\"gate failed\">").Append(E(RunResult.DemoNotice)).Append("</p>\n");
        PlanReporting.AppendHtmlNotice(html, run);
        if (run.ReviewNotice is { } review)
            html.Append("<p class=\"gate failed\">").Append(E(review)).Append("</p>\n");
        if (run.TimedOut is { } timedOut)
            html.Append("<p class=\"gate failed\">Timed out: ").Append(E(timedOut.Describe())).Append("</p>\n");
        html.Append("<p class=\"gate ").Append(run.Gate.Passed ? "passed" : "failed").Append("\">Audit gate ")
            .Append(E(run.Gate.Describe())).Append("</p>\n");

        html.Append("<dl>\n");
        Definition(html, "Target", $"{run.TargetDescription} (evidence read from {run.SnapshotOrigin})");
        if (run.Manifest is { } manifest)
            Definition(html, "Collected", $"{FindingsJson.Iso(manifest.CollectedAt)} by {manifest.Tool}");
        Definition(html, "Evidence", run.Trust.Describe());
        Definition(html, "Evidence integrity", (run.Integrity.IsIntact ? "" : "NOT INTACT: ") + run.Integrity.Describe());
        Definition(html, "Posture file", run.Settings.PosturePath);
        Definition(html, "Run", $"{FindingsJson.Iso(run.StartedAt)} to {FindingsJson.Iso(run.FinishedAt)}, {ToolInfo.Name} {ToolInfo.Version}");
        html.Append("</dl>\n");

        var sections = ReportOrder.Sections(run.Findings);
        html.Append("<nav>");
        foreach (var (title, anchor) in new[] { ("Counts", "counts"), ("Controls", "controls") }
                     .Concat(history.Folder is null ? [] : [("Trend", "trend")])
                     .Concat(sections.Select((s, i) => (s.Title.Split(':')[0], $"section-{i}")))
                     .Concat([(ReportOrder.ExcludedTitle, "excluded"), (ReportOrder.GapsTitle, "gaps")]))
            html.Append("<a href=\"#").Append(anchor).Append("\">").Append(E(title)).Append("</a>");
        html.Append("</nav>\n");

        AppendCounts(html, run);
        AppendControls(html, run);
        if (history.Folder is not null)
            AppendTrend(html, history, run);

        foreach (var ((title, findings), index) in sections.Select((s, i) => (s, i)))
        {
            html.Append("<h2 id=\"section-").Append(index).Append("\">").Append(E(title)).Append(" (").Append(findings.Count).Append(")</h2>\n");
            if (findings.Count == 0)
                html.Append("<p class=\"muted\">None.</p>\n");
            else if (findings[0].Status == Status.Pass)
                AppendPasses(html, findings);
            else
                AppendFindings(html, findings);
        }

        html.Append("<h2 id=\"excluded\">").Append(E(ReportOrder.ExcludedTitle)).Append(" (").Append(run.Exclusions.Count).Append(")</h2>\n");
        if (run.Exclusions.Count == 0)
            html.Append("<p class=\"muted\">None.</p>\n");
        else
        {
            html.Append("<p>Left out on purpose by the posture, with its reasons: no verdict, so no pass.</p>\n<ul>\n");
            foreach (var exclusion in run.Exclusions)
                html.Append("<li>").Append(E(ReportOrder.Describe(exclusion))).Append("</li>\n");
            html.Append("</ul>\n");
        }

        html.Append("<h2 id=\"gaps\">").Append(E(ReportOrder.GapsTitle)).Append(" (").Append(run.Gaps.Count).Append(")</h2>\n");
        if (run.Gaps.Count == 0)
            html.Append("<p class=\"muted\">None.</p>\n");
        else
        {
            html.Append("<p>").Append(E(ReportOrder.GapsIntroduction)).Append("</p>\n<ul>\n");
            foreach (var gap in run.Gaps)
                html.Append("<li>").Append(E(ReportOrder.Describe(gap))).Append("</li>\n");
            html.Append("</ul>\n");
        }

        DriftReporting.AppendHtml(html, run.Drift);
        PlanReporting.AppendHtml(html, run.Plan);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendCounts(StringBuilder html, RunResult run)
    {
        var statuses = Enum.GetValues<Status>();
        html.Append("<h2 id=\"counts\">Counts</h2>\n");
        html.Append(StatusCharts.ByFamilyAndSeverity(run)).Append('\n');
        html.Append("<table>\n<thead><tr><th>Severity</th><th>Total</th>");
        foreach (var status in statuses)
            html.Append("<th>").Append(status.ToWire()).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var (severity, byStatus) in run.Counts.BySeverity)
            CountRow(html, "", severity.ToWire(), [], byStatus);
        CountRow(html, "", "all", [], run.Counts.ByStatus);
        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>The per-control table: a row per family (its totals), then a row per control of the family.</summary>
    private static void AppendControls(StringBuilder html, RunResult run)
    {
        html.Append("<h2 id=\"controls\">Controls</h2>\n<table class=\"controls\">\n<thead><tr><th>Control</th><th class=\"text\">Title</th><th class=\"text\">Severity</th><th>Total</th>");
        foreach (var status in Enum.GetValues<Status>())
            html.Append("<th>").Append(status.ToWire()).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var (family, byStatus, controls) in ControlTallies.ByFamily(run))
        {
            CountRow(html, " class=\"family\"", family, ["", ""], byStatus);
            foreach (var tally in controls)
                CountRow(html, "", tally.Control.Id, [tally.Control.Title, tally.Control.Severity.ToWire()], tally.ByStatus);
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendTrend(StringBuilder html, RunHistory history, RunResult run)
    {
        html.Append("<h2 id=\"trend\">Trend</h2>\n<p>This run and the ").Append(ReportText.Count(history.Runs.Count, "earlier run"))
            .Append(" read from ").Append(E(history.Folder!)).Append(" (the History setting), oldest first; the dot above a column is its audit gate.</p>\n");
        html.Append(StatusCharts.Trend(history, run)).Append('\n');
        if (history.Notes.Count == 0)
            return;
        html.Append("<p>Not charted:</p>\n<ul class=\"notes\">\n");
        foreach (var note in history.Notes)
            html.Append("<li>").Append(E(note)).Append("</li>\n");
        html.Append("</ul>\n");
    }

    private static void CountRow(StringBuilder html, string rowClass, string label, string[] texts, IReadOnlyDictionary<Status, int> byStatus)
    {
        html.Append("<tr").Append(rowClass).Append("><td>").Append(E(label)).Append("</td>");
        foreach (var text in texts)
            html.Append("<td class=\"text\">").Append(E(text)).Append("</td>");
        html.Append("<td>").Append(byStatus.Values.Sum()).Append("</td>");
        foreach (var status in Enum.GetValues<Status>())
        {
            var count = byStatus.GetValueOrDefault(status);
            html.Append(count == 0 ? "<td class=\"zero\">" : ReportOrder.NeedsAttention(status) ? "<td class=\"attention\">" : "<td>")
                .Append(count).Append("</td>");
        }

        html.Append("</tr>\n");
    }

    private static void AppendFindings(StringBuilder html, IReadOnlyList<Finding> findings)
    {
        var (full, listed) = ReportSummary.Split(findings);
        foreach (var finding in full)
            AppendFinding(html, finding);
        foreach (var (control, more) in ReportSummary.ByControl(listed))
        {
            html.Append("<details class=\"listed\"><summary>").Append(E($"{control.Id} {control.Title}")).Append(": ")
                .Append(ReportText.Count(more.Count, "more finding")).Append(" (").Append(ReportSummary.Statuses(more))
                .Append("), listed with their verdicts; their evidence is in findings.json</summary>\n<table>\n<tbody>\n");
            foreach (var finding in more)
                html.Append("<tr><td class=\"status\">").Append(finding.Status.ToWire()).Append("</td><td class=\"text\">").Append(E(finding.TestName))
                    .Append(" <span class=\"muted\">(").Append(E(ReportSummary.Scope(finding.Resource))).Append(")</span></td><td class=\"text\">")
                    .Append(E(ReportText.Cut(finding.Message, ReportSummary.ListedVerdict))).Append("</td></tr>\n");
            html.Append("</tbody>\n</table>\n</details>\n");
        }
    }

    /// <summary>Passes per control: the count in the summary, the resources (by account and region) behind it.</summary>
    private static void AppendPasses(StringBuilder html, IReadOnlyList<Finding> passes)
    {
        html.Append("<p>Per control; open one to see the resources. Each pass's evidence is in findings.json.</p>\n");
        foreach (var (control, count, scopes) in ReportSummary.Passes(passes))
        {
            html.Append("<details class=\"passed\"><summary><span class=\"status\">pass</span> ").Append(E($"{control.Id} {control.Title}"))
                .Append(": ").Append(count).Append(" passed <span class=\"muted\">(").Append(E($"each {control.Claim}")).Append(")</span></summary>\n<ul>\n");
            foreach (var (scope, names) in scopes)
                html.Append("<li><b>").Append(E(scope)).Append("</b>: ").Append(E(string.Join(", ", names))).Append("</li>\n");
            html.Append("</ul>\n</details>\n");
        }
    }

    private static void AppendFinding(StringBuilder html, Finding finding)
    {
        var status = finding.Status.ToWire();
        html.Append("<section class=\"finding ").Append(status).Append("\">\n");
        html.Append("<h3><span class=\"status\">").Append(status).Append("</span> ")
            .Append(E(finding.TestName))
            .Append(" <span class=\"muted\">(").Append(finding.Control.Severity.ToWire()).Append(")</span></h3>\n");
        html.Append("<dl>\n");
        Definition(html, "Control", $"{finding.Control.Id} {finding.Control.Title}");
        Definition(html, "Resource", FindingText.ResourceLine(finding.Resource));
        Definition(html, "Verdict", finding.Message);
        var paths = NetworkPaths.Of(finding);
        if (paths.Count > 0)
        {
            html.Append("<dt>Network path</dt><dd>\n");
            foreach (var path in paths)
                html.Append(PathDrawing.Svg(path)).Append('\n');
            html.Append("</dd>\n");
        }

        html.Append("<dt>Evidence</dt><dd>");
        if (finding.Evidence.Count == 0)
            html.Append("none");
        else
        {
            html.Append("<ul>\n");
            foreach (var fact in finding.Evidence.Take(ReportSummary.FactsShown))
            {
                html.Append("<li>").Append(E(fact.Subject)).Append(": ").Append(E(fact.Fact));
                if (fact.Source is not null)
                    html.Append(" <span class=\"muted\">(source: ").Append(E(fact.Source)).Append(")</span>");
                html.Append("</li>\n");
            }

            if (finding.Evidence.Count > ReportSummary.FactsShown)
                html.Append("<li class=\"muted\">and ").Append(finding.Evidence.Count - ReportSummary.FactsShown).Append(" more in findings.json</li>\n");
            html.Append("</ul>");
        }

        html.Append("</dd>\n");
        Definition(html, "Remediation", finding.EffectiveRemediation);
        html.Append("</dl>\n</section>\n");
    }

    private static void Definition(StringBuilder html, string term, string value) =>
        html.Append("<dt>").Append(E(term)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
