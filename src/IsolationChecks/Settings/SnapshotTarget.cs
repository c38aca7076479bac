using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Settings;

/// <summary>A snapshot target's files and the posture to judge them against.</summary>
/// <param name="PostureSource">Where the posture came from, for the report.</param>
public sealed record SnapshotTargetInputs(SnapshotFiles Files, PostureDocument Posture, string PostureSource);

/// <summary>
/// Loads a snapshot-folder target. When the posture is the target's default (its posture.json, or for a
/// violation fixture its base's), the materialised copy is used, so a fixture's patches to posture.json apply.
/// </summary>
public static class SnapshotTarget
{
    public static async Task<SnapshotTargetInputs> LoadAsync(SuiteSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Target is not TargetSpec.SnapshotFolder target)
            throw new InvalidOperationException("Target is live: collect the snapshot instead of loading a folder");

        var files = await SnapshotFolder.ReadAsync(target.Path, cancellationToken).ConfigureAwait(false);
        var isDefault = string.Equals(SettingsResolver.DefaultPosture(target.Path), settings.PosturePath, StringComparison.Ordinal);
        if (isDefault && files.Files.TryGetValue(SettingsResolver.PostureFileName, out var materialised))
        {
            var own = Path.Combine(target.Path, SettingsResolver.PostureFileName);
            var source = string.Equals(own, settings.PosturePath, StringComparison.Ordinal) && !files.Files.ContainsKey(SnapshotFolder.FixtureFile)
                ? settings.PosturePath
                : $"{settings.PosturePath} (with the patches of {Path.Combine(target.Path, SnapshotFolder.FixtureFile)})";
            return new SnapshotTargetInputs(files, PostureLoader.Parse(materialised, source), source);
        }

        return new SnapshotTargetInputs(files, await PostureLoader.LoadAsync(settings.PosturePath, cancellationToken).ConfigureAwait(false), settings.PosturePath);
    }
}
