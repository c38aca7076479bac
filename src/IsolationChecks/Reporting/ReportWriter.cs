using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>Writes the reports the run's Formats setting selects (<see cref="ReportFormats"/>; default: all) to the Output folder.</summary>
public static class ReportWriter
{
    /// <returns>The files written, in <see cref="ReportFormats.All"/>'s order.</returns>
    public static async Task<IReadOnlyList<string>> WriteAsync(RunResult run, string outputFolder, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var format in ReportFormats.Select(run.Settings.Formats))
        {
            var file = Path.Combine(folder, format.FileName);
            await File.WriteAllBytesAsync(file, format.Write(run), cancellationToken).ConfigureAwait(false);
            written.Add(file);
        }

        return written;
    }
}
