using IsolationChecks.Controls.Catalog;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Running;

/// <summary>The outcome of one run: what was evaluated, against which evidence, and every verdict.</summary>
/// <param name="SnapshotOrigin">"live" or the snapshot folder the evidence was read from.</param>
/// <param name="Controls">Every control of the catalog that was evaluated, so a silent control can be noticed.</param>
/// <param name="Findings">Verdicts after post-processing (thrown controls, integrity, waivers).</param>
/// <param name="Evidence">Live, signed or unverified, with the reason; every report states it.</param>
public sealed record RunResult(
    SuiteSettings Settings,
    string PostureName,
    string SnapshotOrigin,
    SnapshotManifest? Manifest,
    IntegrityReport Integrity,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    IReadOnlyList<ControlMetadata> Controls,
    IReadOnlyList<Finding> Findings,
    EvidenceStatus? Evidence = null)
{
    /// <summary>The evidence's state; a run built without one (a test) is unverified.</summary>
    public EvidenceStatus Trust => Evidence ?? new EvidenceStatus(EvidenceState.Unverified, Integrity.Describe());

    /// <summary>What the posture leaves out of judgement on purpose, with the reasons (no finding, never a pass).</summary>
    public IReadOnlyList<JudgementExclusion> Exclusions { get; init; } = [];

    /// <summary>The evidence the controls needed and did not have (absent, failed, malformed), each with how to get it.</summary>
    public IReadOnlyList<DataGap> Gaps { get; init; } = [];

    public FindingCounts Counts => FindingCounts.Of(Findings);

    /// <summary>"live", or the snapshot folder named by the Target setting.</summary>
    public string Target => Settings.Target is TargetSpec.SnapshotFolder folder ? folder.Path : "live";

    public AuditGateVerdict Gate => AuditGate.Judge(Findings, Trust, Settings.RequireVerifiedEvidence);
}

/// <summary>How many findings have each status, overall and per severity (every key present, zeros included).</summary>
public sealed record FindingCounts(
    int Total,
    IReadOnlyDictionary<Status, int> ByStatus,
    IReadOnlyDictionary<Severity, IReadOnlyDictionary<Status, int>> BySeverity)
{
    public static FindingCounts Of(IReadOnlyCollection<Finding> findings)
    {
        static IReadOnlyDictionary<Status, int> Tally(IEnumerable<Finding> subset)
        {
            var counts = Enum.GetValues<Status>().ToDictionary(s => s, _ => 0);
            foreach (var finding in subset)
                counts[finding.Status]++;
            return counts;
        }

        return new FindingCounts(
            findings.Count,
            Tally(findings),
            Enum.GetValues<Severity>().ToDictionary(
                severity => severity,
                severity => Tally(findings.Where(f => f.Control.Severity == severity))));
    }

    public int this[Status status] => ByStatus[status];
}
