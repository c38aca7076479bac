using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Reporting;

/// <summary>
/// How report.md and report.html stay readable at any scale: what needs attention comes first and in full (up to a number
/// per control, the rest listed with their verdicts), waivers next, and passes last, summarised per control (counts, and
/// the resources behind a details element). Beyond the full ones, a control's findings are listed by test name, where the
/// resource is and the verdict's first <see cref="ListedVerdict"/> characters. findings.json always holds everything.
/// </summary>
public static class ReportSummary
{
    /// <summary>Findings of one control shown in full (message, evidence, drawing, remediation) in a section; the rest are listed.</summary>
    public const int FullPerControl = 10;

    /// <summary>How much of a listed finding's verdict is shown.</summary>
    public const int ListedVerdict = 200;

    /// <summary>Evidence facts shown for one finding; findings.json has all of them.</summary>
    public const int FactsShown = 40;

    /// <summary>A section's findings split into those shown in full and those listed, each list keeping the section's order.</summary>
    public static (IReadOnlyList<Finding> Full, IReadOnlyList<Finding> Listed) Split(IReadOnlyList<Finding> findings)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var full = new List<Finding>();
        var listed = new List<Finding>();
        foreach (var finding in findings)
        {
            var count = seen[finding.Control.Id] = seen.GetValueOrDefault(finding.Control.Id) + 1;
            (count <= FullPerControl ? full : listed).Add(finding);
        }

        return (full, listed);
    }

    /// <summary>The listed findings grouped by control, in the order the section reads them.</summary>
    public static IReadOnlyList<(ControlMetadata Control, IReadOnlyList<Finding> Findings)> ByControl(IEnumerable<Finding> listed) =>
        listed.GroupBy(f => f.Control.Id).Select(g => (g.First().Control, (IReadOnlyList<Finding>)g.ToList())).ToList();

    /// <summary>"fail 12, inconclusive 3": the statuses of some findings, in reading order.</summary>
    public static string Statuses(IEnumerable<Finding> findings) =>
        string.Join(", ", findings.GroupBy(f => f.Status).OrderBy(g => ReportOrder.Rank(g.Key)).Select(g => $"{g.Key.ToWire()} {g.Count()}"));

    /// <summary>The passes of each control, grouped by where the resources are ("222222222222 ap-northeast-1"), in catalog order.</summary>
    public static IReadOnlyList<(ControlMetadata Control, int Count, IReadOnlyList<(string Scope, IReadOnlyList<string> Names)> Scopes)> Passes(IEnumerable<Finding> findings) =>
        findings.Where(f => f.Status == Status.Pass)
            .GroupBy(f => f.Control.Id)
            .OrderBy(g => g.Key, ControlIdComparer.Instance)
            .Select(g => (g.First().Control, g.Count(), (IReadOnlyList<(string, IReadOnlyList<string>)>)g
                .GroupBy(f => Scope(f.Resource))
                .OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => (s.Key, (IReadOnlyList<string>)s.Select(f => f.Resource.Name).Order(StringComparer.Ordinal).ToList()))
                .ToList()))
            .ToList();

    public static string Scope(ResourceRef resource) =>
        resource.Account.Length == 0 && resource.Region.Length == 0 ? "(no account or region)" : $"{resource.Account} {resource.Region}".Trim();
}
