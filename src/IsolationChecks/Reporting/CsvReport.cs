using System.Text;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// findings.csv: one row per finding, in reading order, for spreadsheets (RFC 4180: a header row, CRLF between records,
/// a field quoted when it holds a comma, a quote or a line break, quotes doubled). Formula-safe: a cell that starts with
/// = + - @, a tab or a carriage return, which a spreadsheet would run as a formula, starts with an apostrophe instead, the
/// mark spreadsheets read as "text" and do not show; a cell that itself starts with an apostrophe gets one more, so
/// removing one leading apostrophe always gives the value back. UTF-8 without a byte order mark. The last column,
/// hypothetical, is true on every row of a Terraform plan's judgement (the verdicts as the plan would leave them, nothing
/// applied) and false otherwise, so a row copied out of the file still says what it is.
/// </summary>
public static class CsvReport
{
    public const string FileName = "findings.csv";

    public static IReadOnlyList<string> Columns { get; } =
    [
        "control", "title", "family", "severity", "status", "resource", "resourceName", "account", "region", "testName",
        "message", "remediation", "evidence", "hypothetical",
    ];

    public static byte[] Serialize(RunResult run) => ReportText.ToBytes(stream => Write(run, stream));

    /// <summary>Row by row to the stream: a CSV of thousands of findings is never one string.</summary>
    public static void Write(RunResult run, Stream output)
    {
        using var csv = new StreamWriter(output, ReportText.Utf8, bufferSize: 64 * 1024, leaveOpen: true);
        Row(csv, Columns);
        foreach (var finding in ReportOrder.Sort(run.Findings))
            Row(csv, Cells(run, finding));
    }

    /// <summary>A row's cells, in <see cref="Columns"/> order, before quoting and neutralising.</summary>
    public static IReadOnlyList<string> Cells(RunResult run, Finding finding) => [.. Values(finding), run.Plan is null ? "false" : "true"];

    /// <summary>A finding's own cells, before quoting and neutralising; evidence one fact a line.</summary>
    public static IReadOnlyList<string> Values(Finding finding) =>
    [
        finding.Control.Id, finding.Control.Title, finding.Control.Family, finding.Control.Severity.ToWire(), finding.Status.ToWire(),
        finding.Resource.Id, finding.Resource.Name, finding.Resource.Account, finding.Resource.Region, finding.TestName,
        finding.Message, finding.EffectiveRemediation, string.Join('\n', finding.Evidence.Select(e => e.ToString())),
    ];

    /// <summary>A value as a cell a spreadsheet shows as text, never runs (see the class summary).</summary>
    public static string Neutralise(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'' ? "'" + value : value;

    /// <summary>A cell as RFC 4180 writes it: quoted when it must be, quotes doubled.</summary>
    public static string Field(string value)
    {
        var cell = Neutralise(value);
        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;
    }

    private static void Row(TextWriter csv, IEnumerable<string> values)
    {
        var first = true;
        foreach (var value in values)
        {
            if (!first)
                csv.Write(',');
            csv.Write(Field(value));
            first = false;
        }

        csv.Write("\r\n");
    }
}
