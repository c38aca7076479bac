using System.Globalization;
using System.Net;
using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Reporting;

/// <summary>What the report's inline SVG drawings share: colours per status, numbers and text written safely.</summary>
public static class SvgText
{
    /// <summary>Text as element content or attribute value (the HTML page's encoding serves inline SVG too).</summary>
    public static string E(string text) => WebUtility.HtmlEncode(text);

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Colour(Status status) => status switch
    {
        Status.Pass => "#1a7f37",
        Status.Fail => "#cf222e",
        Status.Error => "#82071e",
        Status.Inconclusive => "#bf8700",
        Status.Waived => "#8250df",
        _ => "#57606a",
    };

    /// <summary>The statuses in the order the report reads them (what needs attention first).</summary>
    public static IReadOnlyList<Status> Statuses { get; } = Enum.GetValues<Status>().OrderBy(ReportOrder.Rank).ToList();

    /// <summary>A legend row: a swatch and the name of each status.</summary>
    public static string Legend(double x, double y) =>
        string.Concat(Statuses.Select((status, i) =>
            $"<rect x=\"{N(x + i * 110)}\" y=\"{N(y - 10)}\" width=\"12\" height=\"12\" fill=\"{Colour(status)}\"/>" +
            $"<text x=\"{N(x + i * 110 + 16)}\" y=\"{N(y)}\">{status.ToWire()}</text>"));

    /// <summary>"71 findings: 70 pass, 1 fail": the counts that are not zero, in reading order.</summary>
    public static string Describe(IReadOnlyDictionary<Status, int> counts) =>
        $"{ReportText.Count(counts.Values.Sum(), "finding")}" +
        (counts.Values.Sum() == 0 ? "" : ": " + string.Join(", ", Statuses.Where(s => counts[s] > 0).Select(s => $"{counts[s]} {s.ToWire()}")));
}
