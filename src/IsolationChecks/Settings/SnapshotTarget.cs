using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Settings;

/// <summary>A snapshot target's files and the posture to judge them against.</summary>
/// <param name="PostureSource">Where the posture came from, for the report.</param>
public sealed record SnapshotTargetInputs(SnapshotFiles Files, PostureDocument Posture, string PostureSource);

/// <summary>Loads a snapshot-folder target and the posture to judge it against.</summary>
public static class SnapshotTarget
{
    public static async Task<SnapshotTargetInputs> LoadAsync(SuiteSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Target is not TargetSpec.SnapshotFolder target)
            throw new InvalidOperationException("Target is live: collect the snapshot instead of loading a folder");

        var files = await SnapshotFolder.ReadAsync(target.Path, cancellationToken).ConfigureAwait(false);
        var postureBytes = await File.ReadAllBytesAsync(settings.PosturePath, cancellationToken).ConfigureAwait(false);
        return new SnapshotTargetInputs(files, PostureLoader.Parse(postureBytes, settings.PosturePath), settings.PosturePath);
    }
}
