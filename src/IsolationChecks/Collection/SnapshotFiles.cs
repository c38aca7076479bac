namespace IsolationChecks.Collection;

/// <summary>
/// A snapshot as files, before parsing: what the collector produces and what a folder on disk holds.
/// Paths are relative, '/'-separated.
/// </summary>
/// <param name="Origin">"live" or the folder it came from, for evidence.</param>
/// <param name="Manifest">Null for a folder made by hand with the AWS CLI.</param>
public sealed record SnapshotFiles(string Origin, IReadOnlyDictionary<string, byte[]> Files, SnapshotManifest? Manifest)
{
    /// <summary>The posture a snapshot was judged with, saved beside its evidence (covered by the manifest).</summary>
    public const string PostureFile = "posture.json";

    /// <summary>Files that sit in a snapshot folder but are never read as collected evidence.</summary>
    public static IReadOnlySet<string> NonEvidenceFiles { get; } =
        new HashSet<string>(StringComparer.Ordinal) { SnapshotLayout.ManifestFile, SnapshotLayout.SignatureFile, PostureFile, "README.md" };

    /// <summary>manifest.json exactly as read from disk: the bytes its signature covers.</summary>
    public byte[]? ManifestBytes { get; init; }

    /// <summary>manifest.sig as read, when the folder has one (Snapshots/SnapshotSigning.cs parses and verifies it).</summary>
    public byte[]? SignatureBytes { get; init; }

    /// <summary>
    /// Adds a document gathered outside the AWS collector (a live probe's record), with its manifest call and
    /// hash, so it is evidence under the same integrity rules as every collected file.
    /// </summary>
    /// <summary>Adds what a later collection pass gathered (its files and calls) to this snapshot, hashes included.</summary>
    public SnapshotFiles With(SnapshotFiles pass)
    {
        var files = new Dictionary<string, byte[]>(Files, StringComparer.Ordinal);
        foreach (var (path, bytes) in pass.Files)
            files[path] = bytes;
        var manifest = Manifest is null || pass.Manifest is null
            ? Manifest
            : Manifest with
            {
                Scopes = [.. Manifest.Scopes, .. pass.Manifest.Scopes.Where(s => !Manifest.Scopes.Any(m => m.Folder == s.Folder))],
                Calls = [.. Manifest.Calls, .. pass.Manifest.Calls],
                Files = new SortedDictionary<string, string>(files.ToDictionary(f => f.Key, f => FileDigest.Sha256Hex(f.Value)), StringComparer.Ordinal),
            };
        return this with { Files = files, Manifest = manifest };
    }

    public SnapshotFiles WithDocument(string path, byte[] bytes, ManifestCall call)
    {
        var files = new Dictionary<string, byte[]>(Files, StringComparer.Ordinal) { [path] = bytes };
        var manifest = Manifest is null
            ? null
            : Manifest with
            {
                Calls = [.. Manifest.Calls, call],
                Files = new SortedDictionary<string, string>(new Dictionary<string, string>(Manifest.Files) { [path] = FileDigest.Sha256Hex(bytes) }, StringComparer.Ordinal),
            };
        return this with { Files = files, Manifest = manifest };
    }
}
