using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Tests.Support;

/// <summary>Evaluates every control of the catalog on a snapshot folder (reference or violation overlay).</summary>
public static class FixtureRun
{
    public static async Task<IReadOnlyList<Finding>> EvaluateAsync(string folder, CancellationToken cancellationToken = default)
    {
        var files = await IsolationChecks.TestSupport.FixtureOverlay.FilesAsync(folder, cancellationToken);
        var posture = PostureLoader.Parse(files.Files["posture.json"], System.IO.Path.Combine(folder, "posture.json"));
        var context = new EvaluationContext(SnapshotReader.Read(files), posture, TimeProvider.System);
        var findings = new List<Finding>();
        foreach (var control in ControlCatalog.Discover().Controls)
            findings.AddRange(await control.EvaluateAsync(context, cancellationToken));
        return findings;
    }
}
