using IsolationChecks.Collection;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Running;

/// <summary>
/// An audit collected in shards: a plan fixes the targets once (the organisation's discovery with the posture, signed), each
/// shard collects its deterministic share of the plan into a signed part, and the merge (<see cref="SnapshotMerge"/>) checks
/// the parts against the plan. Evaluation then reads the merged snapshot like any other: the same evidence an unsharded
/// run collects, in the same places, so the same findings.
/// </summary>
public static class ShardedCollection
{
    /// <summary>The plan: the posture (as posture.json), the organisation's discovery (organization/) and every target in the manifest.</summary>
    public static async Task<SnapshotFiles> PlanAsync(LiveCollection live, byte[] postureBytes, string posturePath, RunDeadline deadline, IProgress<string>? progress, CancellationToken ct)
    {
        var posture = PostureLoader.Parse(postureBytes, posturePath);
        var discovery = await live.DiscoverAsync(posture, deadline, progress, ct).ConfigureAwait(false);
        var files = discovery.Files ?? new SnapshotFiles("live", new Dictionary<string, byte[]>(StringComparer.Ordinal),
            new SnapshotManifest(SnapshotManifest.CurrentFormat, Collector.ToolName, DateTimeOffset.UtcNow, [], [], new SortedDictionary<string, string>(StringComparer.Ordinal)));
        files = LiveCollection.WithPosture(files, postureBytes, posturePath);
        return files with { Manifest = files.Manifest! with { Targets = discovery.Targets } };
    }

    /// <summary>The targets of a plan and the posture (with the organisation's members) they were planned from; a folder that is no intact plan is refused.</summary>
    public static (PostureDocument Posture, byte[] PostureBytes, IReadOnlyList<ManifestTarget> Targets) ReadPlan(SnapshotFiles plan)
    {
        var snapshot = SnapshotReader.Read(plan);
        if (plan.Manifest?.Targets is not { } targets || !plan.Files.TryGetValue(SnapshotFiles.PostureFile, out var postureBytes))
            throw new InputException(plan.Origin, "manifest.json $.targets", "a plan folder (isolationchecks snapshot plan writes one: posture.json and the targets)", "a snapshot that is no plan");
        if (!snapshot.Integrity.IsIntact)
            throw new UnverifiedPartException($"{plan.Origin}: the plan's files do not match its manifest.json: {snapshot.Integrity.Describe()}");
        var posture = OrganizationTargets.Expand(PostureLoader.Parse(postureBytes, $"{plan.Origin}/{SnapshotFiles.PostureFile}"), snapshot);
        return (posture, postureBytes, targets);
    }

    /// <summary>
    /// Shard K of N: its share of the plan's targets (<see cref="ShardPlan"/>), with IAM's simulator answers and, in shard 1
    /// only, the probes; the part's manifest says which share of which plan it holds.
    /// </summary>
    public static async Task<SnapshotFiles> CollectShardAsync(
        LiveCollection live, SnapshotFiles plan, ShardSpec shard, RunDeadline deadline, IProgress<string>? progress, CancellationToken ct)
    {
        var (posture, postureBytes, targets) = ReadPlan(plan);
        var share = ShardPlan.Share(targets, LiveCollection.Together(posture), shard);
        progress?.Report($"shard {shard}: {share.Count} of the plan's {targets.Count} targets");
        var files = await live.CollectAsync(posture, share, ScopeFolders.Nested, withProbes: shard.Index == 1, deadline, progress, ct).ConfigureAwait(false);
        files = LiveCollection.WithPosture(files, postureBytes, $"{plan.Origin}/{SnapshotFiles.PostureFile}");
        var calls = files.Manifest!.Calls;
        progress?.Report($"shard {shard}: done, {calls.Count} calls, {calls.Count(c => c.Outcome == "failed")} failed, "
                         + $"{calls.Count(c => CollectionProgress.IsThrottling(c.ErrorCode))} throttled to the end");
        return files with
        {
            Manifest = files.Manifest with { Shard = new ManifestShard(shard.Index, shard.Count, FileDigest.Sha256Hex(plan.ManifestBytes!), share.Select(t => t.Folder).ToList()) },
        };
    }
}
