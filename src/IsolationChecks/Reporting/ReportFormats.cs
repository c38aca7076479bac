using System.Text;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>One report a run can write: the name the Formats setting (<c>--format</c>) uses, its file in Output, and its writer.</summary>
public sealed record ReportFormat(string Name, string FileName, string Description, Func<RunResult, byte[]> Write);

/// <summary>
/// The report formats, declared once: the Formats setting selects among them (default: all), the Output folder clears
/// their files before a run, and the docs list them. Adding a format is adding one entry here.
/// </summary>
public static class ReportFormats
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static IReadOnlyList<ReportFormat> All { get; } =
    [
        new("json", FindingsJson.FileName, "every finding with its evidence, for machines (contracts.md)", FindingsJson.Serialize),
        new("md", MarkdownReport.FileName, "the report to read first, as Markdown", run => Utf8.GetBytes(MarkdownReport.Render(run))),
        new("html", HtmlReport.FileName, "the same report, self-contained HTML to attach to an audit record", run => Utf8.GetBytes(HtmlReport.Render(run))),
    ];

    /// <summary>The formats the Formats setting names (null: all), in catalog order; an unknown name is a configuration error naming the known ones.</summary>
    public static IReadOnlyList<ReportFormat> Select(IReadOnlyList<string>? names)
    {
        if (names is null)
            return All;
        var unknown = names.FirstOrDefault(n => All.All(f => f.Name != n));
        if (unknown is not null)
            throw new InputException("Formats setting", "Formats",
                $"comma-separated report formats among {string.Join(", ", All.Select(f => f.Name))} (default: all of them)", $"\"{unknown}\"");
        return All.Where(f => names.Contains(f.Name, StringComparer.Ordinal)).ToList();
    }
}
