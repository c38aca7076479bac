using IsolationChecks.Aws;

namespace IsolationChecks.Collection;

/// <summary>"K/N": the K-th of N shares of a plan's targets (1-based).</summary>
public sealed record ShardSpec(int Index, int Count)
{
    public static ShardSpec Whole { get; } = new(1, 1);

    /// <summary>The upper bound of N: beyond it a share is too small to be worth a process (and a typo such as 1/400 is caught).</summary>
    public const int MaxCount = 256;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Reads "K/N" (1 ≤ K ≤ N ≤ <see cref="MaxCount"/>); anything else is an input error naming <paramref name="source"/>.</summary>
    public static ShardSpec Parse(string text, string source)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, null, out var index)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out var count)
            && count is >= 1 and <= MaxCount && index >= 1 && index <= count)
            return new ShardSpec(index, count);
        throw new InputException(source, "--shard", $"K/N with 1 ≤ K ≤ N ≤ {MaxCount}, such as 2/4", $"\"{text}\"");
    }
}

/// <summary>
/// Deals a plan's targets to N shards, deterministically: the targets are ordered by account id then region (ordinal) and
/// dealt round-robin, the i-th (from 0) to shard (i mod N) + 1, so the shares differ in size by at most one and the regions
/// of one account land in different shards (their API limits are separate; spread, they do not queue behind each other).
/// Targets that must be collected together (<see cref="Together"/>: the accounts IAM's simulator questions are derived
/// from) are dealt as one, at the place of their first. The same targets always give the same shares, so a failed shard
/// is rerun alone and fits the others.
/// </summary>
public static class ShardPlan
{
    public static IReadOnlyList<ManifestTarget> Share(IReadOnlyList<ManifestTarget> targets, IReadOnlySet<string> together, ShardSpec shard) =>
        Deal(targets, together, shard.Count)[shard.Index - 1];

    /// <summary>Every share, shard 1 first; each in target order.</summary>
    public static IReadOnlyList<IReadOnlyList<ManifestTarget>> Deal(IReadOnlyList<ManifestTarget> targets, IReadOnlySet<string> together, int count)
    {
        var ordered = targets.OrderBy(t => t.Account, StringComparer.Ordinal).ThenBy(t => t.Region, StringComparer.Ordinal).ToList();
        var units = new List<List<ManifestTarget>>();
        List<ManifestTarget>? group = null;
        foreach (var target in ordered)
        {
            if (!together.Contains(target.Folder))
                units.Add([target]);
            else if (group is null)
                units.Add(group = [target]);
            else
                group.Add(target);
        }

        var shares = Enumerable.Range(0, count).Select(_ => new List<ManifestTarget>()).ToList();
        for (var i = 0; i < units.Count; i++)
            shares[i % count].AddRange(units[i]);
        return shares;
    }

    /// <summary>The scope a target is collected as.</summary>
    public static AuditScope ScopeOf(ManifestTarget target, string? profile = null) => new(target.Name, target.Account, target.Region, profile, target.RoleArn);

    public static ManifestTarget TargetOf(AuditScope scope, string? @class = null) =>
        new(scope.Name, scope.AccountId, scope.Region, SnapshotLayout.ScopeFolder(scope.AccountId, scope.Region), scope.RoleArn, @class);
}
