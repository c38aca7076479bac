using System.Text;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using static IsolationChecks.Reporting.SvgText;

namespace IsolationChecks.Reporting;

/// <summary>The report's charts as inline SVG (no script, no external asset): statuses by family and severity, and the trend over earlier runs.</summary>
public static class StatusCharts
{
    private const double Width = 760;
    private const double LabelWidth = 150;
    private const double BarWidth = 480;
    private const double Row = 24;

    /// <summary>One stacked bar per family and per severity, each as long as its share of the longest.</summary>
    public static string ByFamilyAndSeverity(RunResult run)
    {
        var families = ControlTallies.ByFamily(run).Select(f => (Label: f.Family, f.ByStatus)).ToList();
        var severities = run.Counts.BySeverity.Select(s => (Label: s.Key.ToWire(), ByStatus: s.Value)).ToList();
        var longest = Math.Max(1, families.Concat(severities).Max(r => r.ByStatus.Values.Sum()));
        var height = 40 + (families.Count + severities.Count + 2) * Row + 10;
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart\" role=\"img\" aria-label=\"Findings by status, per family and per severity\" viewBox=\"0 0 {N(Width)} {N(height)}\" width=\"{N(Width)}\" height=\"{N(height)}\" font-size=\"12\" font-family=\"sans-serif\">");
        svg.Append("<title>Findings by status, per family and per severity</title>");
        svg.Append(Legend(LabelWidth, 16));
        var y = 40.0;
        foreach (var (heading, rows) in new[] { ("By family", families), ("By severity", severities) })
        {
            svg.Append($"<text x=\"0\" y=\"{N(y + 15)}\" font-weight=\"bold\">{E(heading)}</text>");
            y += Row;
            foreach (var (label, byStatus) in rows)
            {
                svg.Append($"<text x=\"8\" y=\"{N(y + 15)}\">{E(label)}</text>");
                StackedBar(svg, label, byStatus, LabelWidth, y + 3, BarWidth * byStatus.Values.Sum() / longest, Row - 8, horizontal: true);
                svg.Append($"<text x=\"{N(LabelWidth + BarWidth + 8)}\" y=\"{N(y + 15)}\">{E(Summary(byStatus))}</text>");
                y += Row;
            }
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>One stacked column per earlier run and one for this run, oldest first, its gate's verdict as a dot above it.</summary>
    public static string Trend(RunHistory history, RunResult run)
    {
        var columns = history.Runs.Select(r => (Label: RunHistory.Label(r.StartedAt), r.GatePassed, r.Counts))
            .Append((Label: "this run", GatePassed: run.Gate.Passed, Counts: run.Counts.ByStatus)).ToList();
        const double top = 40, plot = 220, left = 50, bottom = 70;
        var step = (Width - left - 10) / columns.Count;
        var barWidth = Math.Min(40, step * 0.7);
        var highest = Math.Max(1, columns.Max(c => c.Counts.Values.Sum()));
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart\" role=\"img\" aria-label=\"Findings by status over the last {columns.Count} runs\" viewBox=\"0 0 {N(Width)} {N(top + plot + bottom)}\" width=\"{N(Width)}\" height=\"{N(top + plot + bottom)}\" font-size=\"11\" font-family=\"sans-serif\">");
        svg.Append($"<title>Findings by status over the last {columns.Count} runs</title>");
        svg.Append(Legend(left, 16));
        svg.Append($"<line x1=\"{N(left)}\" y1=\"{N(top + plot)}\" x2=\"{N(Width - 5)}\" y2=\"{N(top + plot)}\" stroke=\"#57606a\"/>");
        svg.Append($"<text x=\"{N(left - 6)}\" y=\"{N(top + 10)}\" text-anchor=\"end\">{highest}</text>");
        svg.Append($"<text x=\"{N(left - 6)}\" y=\"{N(top + plot)}\" text-anchor=\"end\">0</text>");
        for (var i = 0; i < columns.Count; i++)
        {
            var (label, passed, counts) = columns[i];
            var x = left + i * step + (step - barWidth) / 2;
            var height = plot * counts.Values.Sum() / highest;
            svg.Append("<g>");
            svg.Append($"<title>{E($"{label}: {Describe(counts)}; gate {(passed ? "passed" : "failed")}")}</title>");
            StackedBar(svg, label, counts, x, top + plot - height, height, barWidth, horizontal: false);
            svg.Append($"<circle cx=\"{N(x + barWidth / 2)}\" cy=\"{N(top + plot - height - 8)}\" r=\"4\" fill=\"{(passed ? Colour(Status.Pass) : Colour(Status.Fail))}\"/>");
            svg.Append("</g>");
            svg.Append($"<text transform=\"translate({N(x + barWidth / 2)},{N(top + plot + 10)}) rotate(45)\">{E(label)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Summary(IReadOnlyDictionary<Status, int> byStatus)
    {
        var attention = byStatus.Where(s => ReportOrder.NeedsAttention(s.Key)).Sum(s => s.Value);
        return $"{byStatus.Values.Sum()}" + (attention > 0 ? $" ({attention} need attention)" : "");
    }

    /// <summary>Segments in reading order along the bar; a non-zero count gets at least one pixel, so it is never invisible.</summary>
    private static void StackedBar(StringBuilder svg, string label, IReadOnlyDictionary<Status, int> counts, double x, double y, double length, double thickness, bool horizontal)
    {
        var total = counts.Values.Sum();
        if (total == 0)
            return;
        var at = horizontal ? x : y + length;
        foreach (var status in Statuses.Where(s => counts[s] > 0))
        {
            var size = Math.Max(1, length * counts[status] / total);
            var title = $"<title>{E($"{label}: {counts[status]} {status.ToWire()}")}</title>";
            svg.Append(horizontal
                ? $"<rect x=\"{N(at)}\" y=\"{N(y)}\" width=\"{N(size)}\" height=\"{N(thickness)}\" fill=\"{Colour(status)}\">{title}</rect>"
                : $"<rect x=\"{N(x)}\" y=\"{N(at - size)}\" width=\"{N(thickness)}\" height=\"{N(size)}\" fill=\"{Colour(status)}\">{title}</rect>");
            at += horizontal ? size : -size;
        }
    }
}
