namespace IsolationChecks.Snapshots;

/// <summary>
/// A snapshot as files, before parsing: what the collector produces, what a folder on disk holds,
/// and what a violation fixture materialises (base + patches). Paths are relative, '/'-separated.
/// </summary>
/// <param name="Origin">"live" or the folder it came from, for evidence.</param>
/// <param name="Manifest">Null for a folder made by hand with the AWS CLI.</param>
public sealed record SnapshotFiles(string Origin, IReadOnlyDictionary<string, byte[]> Files, SnapshotManifest? Manifest)
{
    /// <summary>Files that sit in a snapshot folder but are not collected evidence.</summary>
    public static IReadOnlySet<string> NonEvidenceFiles { get; } =
        new HashSet<string>(StringComparer.Ordinal) { SnapshotLayout.ManifestFile, "posture.json", "fixture.json", "README.md" };
}
