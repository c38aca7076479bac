using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Drift;
using IsolationChecks.Posture;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Running;

/// <summary>A verdict that differs between the baseline and this run, matched by (control, resource id); null where there was none.</summary>
public sealed record VerdictChange(string Control, string Title, Severity Severity, string Resource, string ResourceName, Status? Before, Status? After)
{
    public string Describe() =>
        $"{Control} {ResourceName}: {Before?.ToWire() ?? "(no verdict)"} -> {After?.ToWire() ?? "(no verdict)"}";
}

/// <summary>Drift since a baseline: what changed in the evidence (each change with the controls that read it) and which verdicts moved.</summary>
/// <param name="Baseline">The baseline snapshot folder.</param>
/// <param name="BaselineEvidence">How far the baseline can be trusted (it never decides the gate; the report says what it was).</param>
/// <param name="BaselinePosture">The posture the baseline's verdicts were judged with: its own posture.json, or this run's.</param>
public sealed record DriftReport(
    string Baseline,
    EvidenceStatus BaselineEvidence,
    string BaselinePosture,
    DateTimeOffset? BaselineCollectedAt,
    SnapshotDrift Evidence,
    IReadOnlyList<VerdictChange> Verdicts)
{
    public bool HasChanges => Evidence.Changes.Count > 0 || Evidence.NotCompared.Count > 0 || Verdicts.Count > 0;
}

/// <summary>Computes drift: reads the baseline folder, judges it as its run did, and compares evidence and verdicts. Pure but for reading the folder.</summary>
public static class DriftAnalysis
{
    /// <summary>Verdicts matched by (control, resource id): new, gone, or with another status.</summary>
    public static IReadOnlyList<VerdictChange> Verdicts(IReadOnlyList<Finding> baseline, IReadOnlyList<Finding> current)
    {
        static string Key(Finding f) => $"{f.Control.Id}\n{f.Resource.Id}";
        var before = baseline.GroupBy(Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var after = current.GroupBy(Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Select(k => (Before: before.GetValueOrDefault(k), After: after.GetValueOrDefault(k)))
            .Where(p => p.Before?.Status != p.After?.Status)
            .Select(p =>
            {
                var finding = (p.After ?? p.Before)!;
                return new VerdictChange(finding.Control.Id, finding.Control.Title, finding.Control.Severity, finding.Resource.Id, finding.Resource.Name,
                    p.Before?.Status, p.After?.Status);
            })
            .ToList();
    }

    /// <summary>
    /// Drift of <paramref name="current"/> since the snapshot folder <paramref name="baselineFolder"/>. The baseline is judged
    /// with the posture it was judged with (its posture.json), else with <paramref name="posture"/>, at the time it was
    /// collected (waivers expire as they did then).
    /// </summary>
    public static async Task<DriftReport> CompareAsync(
        IReadOnlyList<IControl> controls, string baselineFolder, Snapshot current, PostureDocument posture, IReadOnlyList<Finding> currentFindings,
        IReadOnlyList<TrustedKey> trusted, string postureFile, CancellationToken ct)
    {
        var files = await SnapshotFolder.ReadAsync(baselineFolder, ct).ConfigureAwait(false);
        var baseline = SnapshotReader.Read(files);
        var own = files.Files.TryGetValue(SettingsResolver.PostureFileName, out var postureBytes);
        var baselinePostureFile = own ? Path.Combine(baselineFolder, SettingsResolver.PostureFileName) : postureFile;
        var baselinePosture = own ? PostureLoader.Parse(postureBytes!, baselinePostureFile) : posture;
        var then = ClockAt(baseline.Manifest?.CollectedAt ?? TimeProvider.System.GetUtcNow());
        var baselineFindings = await new SuiteRunner(controls, then).EvaluateAsync(baseline, baselinePosture, baselinePostureFile, ct).ConfigureAwait(false);
        return new DriftReport(
            baselineFolder,
            EvidenceStatus.Of(files, baseline.Integrity, trusted),
            baselinePostureFile,
            baseline.Manifest?.CollectedAt,
            SnapshotDiff.Compare(baseline, current, posture),
            Verdicts(baselineFindings, currentFindings));
    }

    /// <summary>The clock a snapshot is judged at: its collection time (waivers expire as they did then).</summary>
    public static TimeProvider ClockAt(DateTimeOffset now) => new FixedClock(now);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
