using System.Net;
using System.Text;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// report.html: the same reading order as report.md, self-contained (inline CSS, no scripts, no external
/// assets) so it can be attached to an audit record; every value from the environment is HTML-encoded.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1f23;max-width:70rem}
        h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}
        table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:right}
        th:first-child,td:first-child{text-align:left}
        .gate{padding:.6rem 1rem;border-radius:6px;font-weight:600}
        .gate.passed{background:#dafbe1}.gate.failed{background:#ffebe9}
        .finding{border:1px solid #d0d7de;border-left-width:6px;border-radius:6px;padding:.5rem 1rem;margin:.6rem 0}
        .fail,.error{border-left-color:#cf222e}.inconclusive{border-left-color:#bf8700}
        .waived{border-left-color:#8250df}.pass{border-left-color:#1a7f37}
        .status{font-weight:700;text-transform:uppercase}.muted{color:#57606a}
        dt{font-weight:600}dd{margin:0 0 .4rem 1rem}ul{margin:.2rem 0}
        summary{cursor:pointer}
        """;

    public static string Render(RunResult run)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>Isolation checks: ").Append(E(run.PostureName)).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>Isolation checks: ").Append(E(run.PostureName)).Append("</h1>\n");
        if (run.DemoData)
            html.Append("<p class=\"gate failed\">").Append(E(RunResult.DemoNotice)).Append("</p>\n");
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

        AppendCounts(html, run.Counts);

        foreach (var (title, findings) in ReportOrder.Sections(run.Findings))
        {
            html.Append("<h2>").Append(E(title)).Append(" (").Append(findings.Count).Append(")</h2>\n");
            if (findings.Count == 0)
                html.Append("<p class=\"muted\">None.</p>\n");
            foreach (var finding in findings)
                AppendFinding(html, finding);
        }

        html.Append("<h2>").Append(E(ReportOrder.ExcludedTitle)).Append(" (").Append(run.Exclusions.Count).Append(")</h2>\n");
        if (run.Exclusions.Count == 0)
            html.Append("<p class=\"muted\">None.</p>\n");
        else
        {
            html.Append("<p>Left out on purpose by the posture, with its reasons: no verdict, so no pass.</p>\n<ul>\n");
            foreach (var exclusion in run.Exclusions)
                html.Append("<li>").Append(E(ReportOrder.Describe(exclusion))).Append("</li>\n");
            html.Append("</ul>\n");
        }

        html.Append("<h2>").Append(E(ReportOrder.GapsTitle)).Append(" (").Append(run.Gaps.Count).Append(")</h2>\n");
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
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendCounts(StringBuilder html, FindingCounts counts)
    {
        var statuses = Enum.GetValues<Status>();
        html.Append("<h2>Counts</h2>\n<table>\n<thead><tr><th>Severity</th><th>Total</th>");
        foreach (var status in statuses)
            html.Append("<th>").Append(status.ToWire()).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var (severity, byStatus) in counts.BySeverity)
            CountRow(html, severity.ToWire(), byStatus, statuses);
        CountRow(html, "all", counts.ByStatus, statuses);
        html.Append("</tbody>\n</table>\n");
    }

    private static void CountRow(StringBuilder html, string label, IReadOnlyDictionary<Status, int> byStatus, Status[] statuses)
    {
        html.Append("<tr><td>").Append(label).Append("</td><td>").Append(byStatus.Values.Sum()).Append("</td>");
        foreach (var status in statuses)
            html.Append("<td>").Append(byStatus.GetValueOrDefault(status)).Append("</td>");
        html.Append("</tr>\n");
    }

    private static void AppendFinding(StringBuilder html, Finding finding)
    {
        var status = finding.Status.ToWire();
        // Passes are collapsed: their evidence is there for the auditor, out of the way of the reader.
        var collapsed = finding.Status == Status.Pass;
        html.Append("<section class=\"finding ").Append(status).Append("\">\n");
        html.Append(collapsed ? "<details><summary>" : "<h3>")
            .Append("<span class=\"status\">").Append(status).Append("</span> ")
            .Append(E(finding.TestName))
            .Append(" <span class=\"muted\">(").Append(finding.Control.Severity.ToWire()).Append(")</span>")
            .Append(collapsed ? "</summary>\n" : "</h3>\n");
        html.Append("<dl>\n");
        Definition(html, "Control", $"{finding.Control.Id} {finding.Control.Title}");
        Definition(html, "Resource", FindingText.ResourceLine(finding.Resource));
        Definition(html, "Verdict", finding.Message);
        html.Append("<dt>Evidence</dt><dd>");
        if (finding.Evidence.Count == 0)
            html.Append("none");
        else
        {
            html.Append("<ul>\n");
            foreach (var fact in finding.Evidence)
            {
                html.Append("<li>").Append(E(fact.Subject)).Append(": ").Append(E(fact.Fact));
                if (fact.Source is not null)
                    html.Append(" <span class=\"muted\">(source: ").Append(E(fact.Source)).Append(")</span>");
                html.Append("</li>\n");
            }

            html.Append("</ul>");
        }

        html.Append("</dd>\n");
        if (finding.Status != Status.Pass)
            Definition(html, "Remediation", finding.EffectiveRemediation);
        html.Append("</dl>\n").Append(collapsed ? "</details>\n" : "").Append("</section>\n");
    }

    private static void Definition(StringBuilder html, string term, string value) =>
        html.Append("<dt>").Append(E(term)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
