using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>What a report is written from: the run, and the earlier runs it is compared with (the History setting).</summary>
public sealed record ReportInput(RunResult Run, RunHistory History)
{
    public ReportInput(RunResult run) : this(run, RunHistory.None)
    {
    }
}

/// <summary>One file a finished run leaves in Output: its name, the file, who reads it, and the pure function that writes it.</summary>
/// <param name="Name">The format's short name ("junit"), as a console option would name it.</param>
/// <param name="Reader">Who or what ingests the file, for the docs and the console's help.</param>
/// <param name="WriteTo">Writes the report to a stream as it goes (the Output file): a report of thousands of findings is
/// never held whole in memory beside the run it reports.</param>
public sealed record ReportFormat(string Name, string FileName, string Reader, Action<ReportInput, Stream> WriteTo)
{
    /// <summary>The report's bytes, for a caller that wants them in memory.</summary>
    public byte[] Write(ReportInput input) => ReportText.ToBytes(stream => WriteTo(input, stream));
}

/// <summary>
/// Every report a run writes, in the order written. Adding a format is one entry here: the Output folder writes every
/// registered format and removes every registered file of the previous run.
/// </summary>
public static class ReportFormats
{
    public static ReportFormat Findings { get; } = new("json", FindingsJson.FileName,
        "tools and pipelines: every finding with its evidence (docs/contracts.md)", (input, stream) => FindingsJson.Write(input.Run, stream));

    public static ReportFormat Markdown { get; } = new("md", MarkdownReport.FileName,
        "people, in a merge request or a wiki: what needs attention first, passes summarised per control", (input, stream) => ReportText.WriteText(MarkdownReport.Render(input.Run), stream));

    public static ReportFormat Html { get; } = new("html", HtmlReport.FileName,
        "people and audit records: one self-contained page with charts and network paths", (input, stream) => ReportText.WriteText(HtmlReport.Render(input.Run, input.History), stream));

    public static ReportFormat Junit { get; } = new("junit", JunitReport.FileName,
        "CI test reports (GitLab artifacts:reports:junit, Jenkins, Azure DevOps): one test case per finding, one suite per control", (input, stream) => JunitReport.Write(input.Run, stream));

    public static ReportFormat Sarif { get; } = new("sarif", SarifReport.FileName,
        "code-scanning UIs (GitHub code scanning upload): one result per finding that needs attention", (input, stream) => SarifReport.Write(input.Run, stream));

    public static ReportFormat Ocsf { get; } = new("ocsf", OcsfReport.FileName,
        "a SIEM or security data lake: one OCSF 1.3.0 Detection Finding per line for each finding that is not a pass", (input, stream) => OcsfReport.Write(input.Run, stream));

    public static ReportFormat Csv { get; } = new("csv", CsvReport.FileName,
        "spreadsheets: one row per finding (RFC 4180, formula-safe)", (input, stream) => CsvReport.Write(input.Run, stream));

    public static IReadOnlyList<ReportFormat> All { get; } = [Findings, Markdown, Html, Junit, Sarif, Ocsf, Csv];

    public static ReportFormat Named(string name) => All.FirstOrDefault(f => f.Name == name)
        ?? throw new KeyNotFoundException($"no report format named {name} (known: {string.Join(", ", All.Select(f => f.Name))})");

    /// <summary>The formats the Formats setting names (null: all), in registry order; an unknown name is a configuration error naming the known ones.</summary>
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
