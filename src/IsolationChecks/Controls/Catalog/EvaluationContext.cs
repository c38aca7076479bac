using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Controls.Catalog;

/// <summary>What a control may read: the snapshot (one collection, many assertions) and the expected posture.</summary>
public sealed record EvaluationContext(Snapshot Snapshot, PostureDocument Posture, TimeProvider Clock)
{
    /// <summary>The scope of a posture account, or the gap explaining why it is not in the snapshot.</summary>
    public Collected<ScopeSnapshot> ScopeOf(string postureAccount)
    {
        var target = Posture.Account(postureAccount);
        var scope = Snapshot.Find(target.AccountId, target.Region);
        return scope is not null
            ? Collected<ScopeSnapshot>.Seen(scope, scope.Folder)
            : Collected<ScopeSnapshot>.Missing(new DataGap("snapshot", "scope",
                $"account {target.AccountId} ({postureAccount}) in {target.Region} is not in the snapshot {Snapshot.Origin}",
                null, SnapshotLayout.ScopeFolder(target.AccountId, target.Region)));
    }
}
