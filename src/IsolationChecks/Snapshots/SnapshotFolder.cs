using System.Security.Cryptography;
using System.Text.Json;
using IsolationChecks.Snapshots.Json;
using IsolationChecks.Collection;

namespace IsolationChecks.Snapshots;

/// <summary>
/// Snapshot folders on disk: read (refusing anything that leaves the folder) and write (with manifest hashes and,
/// when a key is given, a signature). A folder is read as it is: nothing is materialised or rewritten.
/// </summary>
public static class SnapshotFolder
{
    public static async Task<SnapshotFiles> ReadAsync(string folder, CancellationToken cancellationToken)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new InputException(folder, "folder", "an existing snapshot folder", "no such folder");

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(folder, entry).Replace(Path.DirectorySeparatorChar, '/');
            var info = new FileInfo(entry);
            // A link could put evidence from anywhere on the machine into the snapshot: its files must be its own.
            if (info.LinkTarget is not null)
                throw new InputException(Path.Combine(folder, relative), "path",
                    "a regular file or folder inside the snapshot folder (links are refused: evidence must be the snapshot's own files)",
                    $"a link to {info.LinkTarget}");
            if (Directory.Exists(entry))
                continue;
            files[relative] = await File.ReadAllBytesAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        SnapshotManifest? manifest = null;
        if (files.Remove(SnapshotLayout.ManifestFile, out var manifestBytes))
            manifest = ParseManifest(manifestBytes, Path.Combine(folder, SnapshotLayout.ManifestFile));
        files.Remove(SnapshotLayout.SignatureFile, out var signatureBytes);
        return new SnapshotFiles(folder, files, manifest) { ManifestBytes = manifestBytes, SignatureBytes = signatureBytes };
    }

    internal static SnapshotManifest ParseManifest(byte[] bytes, string displayName)
    {
        using var document = SnapshotJson.ParseDocument(bytes, displayName);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new InputException(displayName, "$", "an object (manifest.json as the collector writes it)", document.RootElement.ValueKind.ToString());
        var manifest = SnapshotJson.Deserialize<SnapshotManifest>(document.RootElement, SnapshotJson.Manifest, displayName, "$",
            "manifest.json as the collector writes it (docs/snapshot-format.md)");
        if (manifest.Format != SnapshotManifest.CurrentFormat)
            throw new InputException(displayName, "$.format", $"\"{SnapshotManifest.CurrentFormat}\"", manifest.Format ?? "absent");
        RequireMember(manifest.Tool, displayName, "$.tool");
        RequireMember(manifest.Scopes, displayName, "$.scopes");
        RequireMember(manifest.Calls, displayName, "$.calls");
        RequireMember(manifest.Files, displayName, "$.files");
        if (manifest.CollectedAt == default)
            throw new InputException(displayName, "$.collectedAt", "the time of collection (ISO 8601)", "absent");
        for (var i = 0; i < manifest.Scopes.Count; i++)
        {
            var scope = manifest.Scopes[i];
            RequireMember(scope?.Account, displayName, $"$.scopes[{i}].account");
            RequireMember(scope!.Region, displayName, $"$.scopes[{i}].region");
            RequireMember(scope.Folder, displayName, $"$.scopes[{i}].folder");
        }

        for (var i = 0; i < manifest.Calls.Count; i++)
        {
            var call = manifest.Calls[i];
            RequireMember(call?.Folder, displayName, $"$.calls[{i}].folder");
            RequireMember(call!.Service, displayName, $"$.calls[{i}].service");
            RequireMember(call.Operation, displayName, $"$.calls[{i}].operation");
            RequireMember(call.Outcome, displayName, $"$.calls[{i}].outcome");
        }

        return manifest;
    }

    // The serializer leaves members the file omits at their default; the manifest's own members must be there.
    private static void RequireMember(object? value, string displayName, string path)
    {
        if (value is null)
            throw new InputException(displayName, path, "a value (manifest.json as the collector writes it, docs/snapshot-format.md)", "absent");
    }

    internal static byte[] SerializeManifest(SnapshotManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, SnapshotJson.Manifest);

    /// <summary>
    /// Writes what a live run collected: every file, its manifest.json exactly as the collection made it (the SHA-256
    /// of every file, the posture and probe records included) and, with <paramref name="signingKey"/>, manifest.sig.
    /// Written into a temporary sibling first so a crash never leaves half a snapshot. Refuses a non-empty folder and
    /// anything that is not a collection: evidence is never re-stamped.
    /// </summary>
    public static async Task WriteAsync(SnapshotFiles files, string folder, ECDsa? signingKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(target))
            throw new InputException(target, "SaveSnapshot", "a new or empty folder", "a file");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new InputException(target, "SaveSnapshot", "a new or empty folder (a saved snapshot is never overwritten or added to)", "a non-empty folder");
        if (files.Manifest is not { } manifest)
            throw new InputException(files.Origin, "SaveSnapshot", "a snapshot collected live by this run (a folder target is already a snapshot: copy it instead)",
                "a snapshot without a collection manifest");

        var written = files.Files.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        foreach (var (path, bytes) in written)
        {
            if (!IsSafeRelativePath(path) || path is SnapshotLayout.ManifestFile or SnapshotSigning.SignatureFile)
                throw new InputException(files.Origin, path, "a relative '/'-separated path inside the snapshot", path);
            if (!manifest.Files.TryGetValue(path, out var hash) || !string.Equals(hash, FileDigest.Sha256Hex(bytes), StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"{path} is not what the collection's manifest records: nothing was written");
        }

        var missing = manifest.Files.Keys.Where(k => !files.Files.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"the collection's manifest lists {string.Join(", ", missing)}, which it does not hold: nothing was written");

        var parent = Path.GetDirectoryName(target) ?? throw new InputException(target, "SaveSnapshot", "a folder with a parent folder");
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.writing-{Guid.NewGuid():N}");
        try
        {
            foreach (var (path, bytes) in written)
            {
                var file = Path.Combine(temporary, path.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllBytesAsync(file, bytes, cancellationToken).ConfigureAwait(false);
            }

            Directory.CreateDirectory(temporary);
            var manifestBytes = SerializeManifest(manifest);
            await File.WriteAllBytesAsync(Path.Combine(temporary, SnapshotLayout.ManifestFile), manifestBytes, cancellationToken).ConfigureAwait(false);
            if (signingKey is not null)
                await File.WriteAllBytesAsync(Path.Combine(temporary, SnapshotSigning.SignatureFile),
                    SnapshotSigning.Serialize(SnapshotSigning.Sign(manifestBytes, signingKey)), cancellationToken).ConfigureAwait(false);

            if (Directory.Exists(target))
                Directory.Delete(target);
            Directory.Move(temporary, target);
        }
        finally
        {
            if (Directory.Exists(temporary))
                Directory.Delete(temporary, recursive: true);
        }
    }

    /// <summary>
    /// Signs a snapshot folder's manifest.json as it is (snapshot sign): only when every file matches it, so a signature
    /// never vouches for files the manifest does not describe. Refuses to replace an existing signature.
    /// </summary>
    public static async Task<ManifestSignature> SignAsync(string folder, ECDsa signingKey, CancellationToken cancellationToken)
    {
        var files = await ReadAsync(folder, cancellationToken).ConfigureAwait(false);
        if (files.Manifest is null || files.ManifestBytes is null)
            throw new InputException(files.Origin, SnapshotLayout.ManifestFile, "a snapshot folder with a manifest.json to sign", "no manifest.json");
        if (files.SignatureBytes is not null)
            throw new InputException(files.Origin, SnapshotSigning.SignatureFile, "a snapshot not yet signed (a signature is never replaced)", "an existing manifest.sig");
        var integrity = SnapshotReader.Read(files).Integrity;
        if (!integrity.IsIntact)
            throw new InputException(files.Origin, SnapshotLayout.ManifestFile, "files that match manifest.json (a signature vouches for every file)", integrity.Describe());
        var signature = SnapshotSigning.Sign(files.ManifestBytes, signingKey);
        await File.WriteAllBytesAsync(Path.Combine(files.Origin, SnapshotSigning.SignatureFile), SnapshotSigning.Serialize(signature), cancellationToken).ConfigureAwait(false);
        return signature;
    }

    internal static bool IsSafeRelativePath(string path) =>
        path.Length > 0
        && !path.StartsWith('/')
        && !path.Contains('\\')
        && !Path.IsPathRooted(path)
        && path.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
}
