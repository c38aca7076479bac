using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Reporting;

/// <summary>The order a person reads findings in: what needs attention first, the most severe first.</summary>
public static class ReportOrder
{
    /// <summary>The last section of report.md and report.html: what the posture leaves out, with its reasons.</summary>
    public const string ExcludedTitle = "Excluded from judgement";

    public const string GapsTitle = "Evidence gaps";

    public const string GapsIntroduction = "Evidence the controls needed and did not have: every verdict resting on it is inconclusive.";

    public static string Describe(Snapshots.DataGap gap) =>
        (gap.ErrorCode == Snapshots.DataGap.MalformedEvidence || gap.File is null ? gap.Describe() : $"{gap.File}: {gap.Describe()}")
        + (gap.Remedy is null ? "" : $" — {gap.Remedy}");

    /// <summary>One line per exclusion: what, where, why, and the posture entry that says so.</summary>
    public static string Describe(JudgementExclusion exclusion) => exclusion.Kind == JudgementExclusion.ControlKind
        ? $"{exclusion.Subject} {exclusion.Name}: excluded (posture {exclusion.PosturePath}): {exclusion.Reason}"
        : $"{exclusion.Kind} {exclusion.Name} ({exclusion.Subject}) in account {exclusion.Account} {exclusion.Region}: excluded (posture {exclusion.PosturePath}): {exclusion.Reason}";

    public static bool NeedsAttention(Status status) => status is Status.Fail or Status.Error or Status.Inconclusive;

    /// <summary>fail, error, inconclusive (needing attention), then waived, then pass.</summary>
    public static int Rank(Status status) => status switch
    {
        Status.Fail => 0,
        Status.Error => 1,
        Status.Inconclusive => 2,
        Status.Waived => 3,
        Status.Pass => 4,
        _ => 5,
    };

    public static IReadOnlyList<Finding> Sort(IEnumerable<Finding> findings) =>
        findings
            .OrderBy(f => Rank(f.Status))
            .ThenBy(f => f.Control.Severity)
            .ThenBy(f => f.Control.Id, ControlIdComparer.Instance)
            .ThenBy(f => f.Resource.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The report's sections, in reading order, each with its findings (empty sections included).</summary>
    public static IReadOnlyList<(string Title, IReadOnlyList<Finding> Findings)> Sections(IEnumerable<Finding> findings)
    {
        var sorted = Sort(findings);
        return
        [
            ("Needs attention: fail, error, inconclusive", sorted.Where(f => NeedsAttention(f.Status)).ToList()),
            ("Waived", sorted.Where(f => f.Status == Status.Waived).ToList()),
            ("Passed", sorted.Where(f => f.Status == Status.Pass).ToList()),
        ];
    }
}
