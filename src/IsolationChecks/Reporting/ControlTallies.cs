using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>How many findings of one control have each status (every status present, zeros included).</summary>
public sealed record ControlTally(ControlMetadata Control, IReadOnlyDictionary<Status, int> ByStatus)
{
    public int Total => ByStatus.Values.Sum();

    public int this[Status status] => ByStatus[status];
}

/// <summary>The findings counted per control and per family, in catalog order: the table a report opens with.</summary>
public static class ControlTallies
{
    /// <summary>Every control the run evaluated (a silent one shows with zeros), then any control only its findings name.</summary>
    public static IReadOnlyList<ControlTally> Of(RunResult run)
    {
        var controls = run.Controls.Concat(run.Findings.Select(f => f.Control)).DistinctBy(c => c.Id)
            .OrderBy(c => c.Id, ControlIdComparer.Instance).ToList();
        var counts = controls.ToDictionary(c => c.Id, _ => Enum.GetValues<Status>().ToDictionary(s => s, _ => 0));
        foreach (var finding in run.Findings)
            counts[finding.Control.Id][finding.Status]++;
        return controls.Select(c => new ControlTally(c, counts[c.Id])).ToList();
    }

    /// <summary>The tallies grouped by family, each family with its own total per status.</summary>
    public static IReadOnlyList<(string Family, IReadOnlyDictionary<Status, int> ByStatus, IReadOnlyList<ControlTally> Controls)> ByFamily(RunResult run) =>
        Of(run).GroupBy(t => t.Control.Family)
            .Select(g => (g.Key, Sum(g), (IReadOnlyList<ControlTally>)g.ToList()))
            .ToList();

    private static IReadOnlyDictionary<Status, int> Sum(IEnumerable<ControlTally> tallies) =>
        Enum.GetValues<Status>().ToDictionary(s => s, s => tallies.Sum(t => t[s]));
}
