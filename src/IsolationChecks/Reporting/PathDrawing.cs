using System.Text;
using static IsolationChecks.Reporting.SvgText;

namespace IsolationChecks.Reporting;

/// <summary>A drawn path as inline SVG: one box per hop, top to bottom, the hop that leaks or blocks in red, every text's full wording in its tooltip.</summary>
public static class PathDrawing
{
    private const double Width = 760;
    private const double BoxWidth = 260;
    private const double BoxHeight = 34;
    private const double Gap = 14;
    private const string Marked = "#cf222e";

    public static string Svg(DrawnPath path)
    {
        var height = 28 + path.Hops.Count * (BoxHeight + Gap) + (path.Note is null ? 0 : 18);
        var what = path.Mark == PathMark.Leak ? "leaves here" : "blocked here";
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"path\" role=\"img\" aria-label=\"{E($"Network path {path.Title}, {what}: {path.Hops[path.Marked].Component}")}\" viewBox=\"0 0 {N(Width)} {N(height)}\" width=\"{N(Width)}\" height=\"{N(height)}\" font-size=\"11\" font-family=\"sans-serif\">");
        svg.Append($"<title>{E($"Network path {path.Title}")}</title>");
        svg.Append($"<text x=\"0\" y=\"14\" font-weight=\"bold\">{E(ReportText.Cut(path.Title, 110))}</text>");
        for (var i = 0; i < path.Hops.Count; i++)
        {
            var hop = path.Hops[i];
            var y = 24 + i * (BoxHeight + Gap);
            var marked = i == path.Marked;
            var unreached = path.Mark == PathMark.Block && i > path.Marked;
            var (id, rest) = Split(hop.Component);
            svg.Append($"<g class=\"hop{(marked ? " marked" : "")}\"><title>{E($"{hop.Component}: {hop.Detail}")}</title>");
            svg.Append($"<rect x=\"1\" y=\"{N(y)}\" width=\"{N(BoxWidth)}\" height=\"{N(BoxHeight)}\" rx=\"4\" " +
                       $"fill=\"{(marked ? "#ffebe9" : unreached ? "#ffffff" : "#f6f8fa")}\" stroke=\"{(marked ? Marked : "#57606a")}\" stroke-width=\"{(marked ? 2.5 : 1)}\"{(unreached ? " stroke-dasharray=\"4 3\"" : "")}/>");
            svg.Append($"<text x=\"8\" y=\"{N(y + 14)}\" font-weight=\"bold\">{E(ReportText.Cut(id, 40))}</text>");
            if (rest.Length > 0)
                svg.Append($"<text x=\"8\" y=\"{N(y + 27)}\">{E(ReportText.Cut(rest, 42))}</text>");
            var label = marked ? (path.Mark == PathMark.Leak ? "LEAKS: the traffic leaves here. " : "BLOCKS: ") : "";
            svg.Append($"<text x=\"{N(BoxWidth + 12)}\" y=\"{N(y + 21)}\"{(marked ? $" fill=\"{Marked}\" font-weight=\"bold\"" : "")}>{E(ReportText.Cut(label + hop.Detail, 80))}</text>");
            svg.Append("</g>");
            if (i + 1 < path.Hops.Count)
                Arrow(svg, y + BoxHeight, unreached || (path.Mark == PathMark.Block && i == 0));
        }

        if (path.Note is { } note)
            svg.Append($"<text x=\"0\" y=\"{N(height - 6)}\"><title>{E(note)}</title>{E(ReportText.Cut(note, 120))}</text>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>An arrow down the gap below a box; dashed where the evidence does not show the hop.</summary>
    private static void Arrow(StringBuilder svg, double top, bool dashed)
    {
        var x = 1 + BoxWidth / 2;
        svg.Append($"<line x1=\"{N(x)}\" y1=\"{N(top)}\" x2=\"{N(x)}\" y2=\"{N(top + Gap - 4)}\" stroke=\"#57606a\"{(dashed ? " stroke-dasharray=\"3 2\"" : "")}/>");
        svg.Append($"<polygon points=\"{N(x - 4)},{N(top + Gap - 5)} {N(x + 4)},{N(top + Gap - 5)} {N(x)},{N(top + Gap)}\" fill=\"#57606a\"/>");
    }

    /// <summary>A component's id (its first word) and the rest of its description.</summary>
    private static (string Id, string Remainder) Split(string component)
    {
        var space = component.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (component, "") : (component[..space], component[(space + 1)..]);
    }
}
