using IsolationChecks.Evaluation.Network;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Controls.Catalog;

/// <summary>What a control may read: the snapshot (one collection, many assertions) and the expected posture.</summary>
public sealed record EvaluationContext(Snapshot Snapshot, PostureDocument Posture, TimeProvider Clock)
{
    private readonly Lock _networkLock = new();
    private (Snapshot For, NetworkModel Model, PathAnswers Answers)? _network;

    /// <summary>How the network model is built (a test counts the builds of a run through it).</summary>
    public Func<Snapshot, NetworkModel> NetworkBuilder { get; init; } = NetworkModel.Build;

    /// <summary>
    /// The network of every scope of the snapshot, built on first use and shared by every control and question of the run
    /// (CB-3, EP-4, GL-2 and CONN-1 ask the same model).
    /// </summary>
    public NetworkModel Network => Built().Model;

    /// <summary>
    /// The run's path questions over <see cref="Network"/>, each answered once (CB-3's projects that share a subnet and
    /// security groups ask the same question).
    /// </summary>
    public PathAnswers PathAnswers => Built().Answers;

    private (Snapshot For, NetworkModel Model, PathAnswers Answers) Built()
    {
        lock (_networkLock)
        {
            if (_network is not { } built || !ReferenceEquals(built.For, Snapshot))
            {
                var model = NetworkBuilder(Snapshot);
                _network = built = (Snapshot, model, new PathAnswers(new PathEngine(model), Snapshot.Log));
            }

            return built;
        }
    }

    /// <summary>
    /// The verdict <paramref name="judge"/> gives, citing every snapshot file its judgement consulted that it does not cite
    /// already: the shared network model reads its inventories once for many questions, so a verdict resting on a path
    /// question names the files its own question used, and a corrupted one is traced to the verdicts it decided.
    /// </summary>
    public Finding CitingWhatItRead(Func<Finding> judge) => CitingWhatItRead(() => [judge()]).Single();

    /// <summary>The verdicts of one judgement (run to the end here), each citing every file the judgement consulted.</summary>
    public IReadOnlyList<Finding> CitingWhatItRead(Func<IEnumerable<Finding>> judge)
    {
        if (Snapshot.Log is not { } log)
            return [.. judge()];
        var findings = log.Recording(() => judge().ToList(), out var read);
        return [.. findings.Select(finding =>
        {
            var cited = finding.Evidence.Select(e => e.Source).OfType<string>().ToHashSet(StringComparer.Ordinal);
            return finding with { Evidence = [.. finding.Evidence, .. read.Where(f => !cited.Contains(f)).Select(f => new EvidenceFact("read", "by the path questions", f))] };
        })];
    }

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
