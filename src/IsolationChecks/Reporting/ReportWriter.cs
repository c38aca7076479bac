using System.Text;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>Where a run's three result files were written.</summary>
public sealed record ReportFiles(string FindingsJson, string Markdown, string Html)
{
    public IEnumerable<string> All => [FindingsJson, Markdown, Html];
}

/// <summary>Writes findings.json, report.md and report.html to the Output folder.</summary>
public static class ReportWriter
{
    public static async Task<ReportFiles> WriteAsync(RunResult run, string outputFolder, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(folder);
        var files = new ReportFiles(
            Path.Combine(folder, FindingsJson.FileName),
            Path.Combine(folder, MarkdownReport.FileName),
            Path.Combine(folder, HtmlReport.FileName));
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        await File.WriteAllBytesAsync(files.FindingsJson, FindingsJson.Serialize(run), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(files.Markdown, MarkdownReport.Render(run), utf8, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(files.Html, HtmlReport.Render(run), utf8, cancellationToken).ConfigureAwait(false);
        return files;
    }
}
