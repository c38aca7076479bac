using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.IntegrationTests.Policies;

/// <summary>A live collection read exactly as the suite reads it: through the central snapshot reader.</summary>
public static class CollectedEvidence
{
    public static Snapshot Read(SnapshotFiles files, string account, string region)
    {
        var snapshot = SnapshotReader.Read(files);
        Assert.That(snapshot.Find(account, region), Is.Not.Null, $"the collection holds {account} {region}");
        return snapshot;
    }
}
