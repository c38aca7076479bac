using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>Where a run's result files were written: one per registered format (<see cref="ReportFormats"/>).</summary>
public sealed record ReportFiles(string Folder, IReadOnlyList<string> All)
{
    public string FindingsJson => Path.Combine(Folder, Reporting.FindingsJson.FileName);

    public string Markdown => Path.Combine(Folder, MarkdownReport.FileName);

    public string Html => Path.Combine(Folder, HtmlReport.FileName);
}

/// <summary>Writes the reports the run's Formats setting selects (<see cref="ReportFormats"/>; default: all) to the Output folder, reading the History setting's earlier runs first.</summary>
public static class ReportWriter
{
    /// <returns>The files written, in <see cref="ReportFormats.All"/>'s order.</returns>
    public static async Task<ReportFiles> WriteAsync(RunResult run, string outputFolder, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(folder);
        var history = run.Settings.History is { } past
            ? RunHistory.Read(past, run.Settings.HistoryRuns, folder)
            : RunHistory.None;
        var input = new ReportInput(run, history);
        var written = new List<string>();
        foreach (var format in ReportFormats.Select(run.Settings.Formats))
        {
            var file = Path.Combine(folder, format.FileName);
            cancellationToken.ThrowIfCancellationRequested();
            await using (var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024))
                format.WriteTo(input, stream);
            written.Add(file);
        }

        return new ReportFiles(folder, written);
    }
}
