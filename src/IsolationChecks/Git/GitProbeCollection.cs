using IsolationChecks.Posture;

namespace IsolationChecks.Git;

/// <summary>The GIT-1 probe as a step of a live collection: one JSON document for the snapshot, or nothing.</summary>
public static class GitProbeCollection
{
    /// <summary>Runs the probe when the posture has a gitProbe section; null (nothing collected) otherwise.</summary>
    public static Task<(string Path, byte[] Json)?> CollectAsync(GitProbePosture? posture, CancellationToken cancellationToken) =>
        CollectAsync(posture, GitPushRefusalProbe.CreateDefault(), cancellationToken);

    public static async Task<(string Path, byte[] Json)?> CollectAsync(GitProbePosture? posture, GitPushRefusalProbe probe, CancellationToken cancellationToken)
    {
        if (posture is null)
            return null;
        var record = await probe.RunAsync(posture, cancellationToken);
        return (GitProbeRecord.SnapshotPath, record.ToJson());
    }
}
