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
/// <param name="TimedOut">Set when the run's Timeout ran out before everything was collected.</param>
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
    EvidenceStatus? Evidence = null,
    RunTimedOut? TimedOut = null)
{
    /// <summary>The evidence's state; a run built without one (a test) is unverified.</summary>
    public EvidenceStatus Trust => Evidence ?? new EvidenceStatus(EvidenceState.Unverified, Integrity.Describe());

    /// <summary>What the posture leaves out of judgement on purpose, with the reasons (no finding, never a pass).</summary>
    public IReadOnlyList<JudgementExclusion> Exclusions { get; init; } = [];

    /// <summary>The evidence the controls needed and did not have (absent, failed, malformed), each with how to get it.</summary>
    public IReadOnlyList<DataGap> Gaps { get; init; } = [];

    /// <summary>Drift since the Baseline setting's snapshot, when one was given.</summary>
    public DriftReport? Drift { get; init; }

    /// <summary>The Terraform plan judged against the evidence, when the Plan setting names one: <see cref="Findings"/> are then hypothetical.</summary>
    public PlanReport? Plan { get; init; }

    /// <summary>The posture's review block while entries are unreviewed (a generated posture): every report says so first.</summary>
    public Posture.PostureReview? UnreviewedPosture { get; init; }

    /// <summary>What the console and every report say about an unreviewed posture, or null.</summary>
    public string? ReviewNotice => UnreviewedPosture is { } review ? $"{UnreviewedNotice}: {review.Describe()}" : null;

    public const string UnreviewedNotice =
        "POSTURE NOT REVIEWED: it was generated and still lists entries nobody has checked (review.pending); a gate run refuses it";

    public FindingCounts Counts => FindingCounts.Of(Findings);

    /// <summary>"live", or the snapshot folder named by the Target setting.</summary>
    public string Target => Settings.Target is TargetSpec.SnapshotFolder folder ? folder.Path : "live";

    public AuditGateVerdict Gate => Plan is { } plan
        ? AuditGate.Judge(plan, Trust, Settings.RequireVerifiedEvidence)
        : AuditGate.Judge(Findings, Trust, Settings.RequireVerifiedEvidence);

    /// <summary>True when the target is the embedded reference environment: demo data, not an audit of anyone's accounts.</summary>
    public bool DemoData => Settings.DemoData;

    /// <summary>What every report and the console say when <see cref="DemoData"/> is true.</summary>
    public const string DemoNotice =
        "DEMO DATA, NOT AN AUDIT: the target is the embedded reference environment shipped with the suite, not your accounts; "
        + "set Target to \"live\" or to a snapshot folder of your environment to audit it";

    /// <summary>What a report says the target was, demo data named as such.</summary>
    public string TargetDescription => DemoData ? $"{Target} (the embedded demo data, not an audit)" : Target;
}

/// <summary>The run's Timeout ran out: what was not collected by then, which the findings that needed it report as inconclusive.</summary>
/// <param name="NotCollected">The calls and probes that were cut off ("ec2:DescribeRouteTables", "probe:git-push-refusal").</param>
public sealed record RunTimedOut(TimeSpan Timeout, IReadOnlyList<string> NotCollected)
{
    public const string ErrorCode = "TimeBudgetExceeded";

    public string Describe() =>
        $"the run's Timeout of {Settings.Duration.Format(Timeout)} ran out before collection finished: {NotCollected.Count} call(s) were not collected "
        + $"({string.Join(", ", NotCollected.Take(5))}{(NotCollected.Count > 5 ? ", ..." : "")}); the findings that needed them are inconclusive. "
        + "Raise Timeout (ISOLATION_TIMEOUT) or find what is slow in the progress lines";
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
