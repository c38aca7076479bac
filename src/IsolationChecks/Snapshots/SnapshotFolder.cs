using System.Text.Json;
using IsolationChecks.Snapshots.Json;

namespace IsolationChecks.Snapshots;

/// <summary>Snapshot folders on disk: read (including violation-fixture overlays) and write (with manifest hashes).</summary>
public static class SnapshotFolder
{
    public const string FixtureFile = "fixture.json";

    public static Task<SnapshotFiles> ReadAsync(string folder, CancellationToken cancellationToken) =>
        ReadAsync(Path.GetFullPath(folder), [], cancellationToken);

    internal static async Task<SnapshotFiles> ReadAsync(string folder, IReadOnlyList<string> overlayChain, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
            throw new InputException(folder, "folder", "an existing snapshot folder", "no such folder");

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            files[relative] = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        }

        if (files.ContainsKey(FixtureFile))
            return await FixtureOverlay.MaterialiseAsync(folder, files, overlayChain, cancellationToken).ConfigureAwait(false);

        SnapshotManifest? manifest = null;
        if (files.Remove(SnapshotLayout.ManifestFile, out var manifestBytes))
            manifest = ParseManifest(manifestBytes, Path.Combine(folder, SnapshotLayout.ManifestFile));
        return new SnapshotFiles(folder, files, manifest);
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
    /// Writes every file and a manifest.json holding each file's SHA-256, into a temporary sibling folder first so a
    /// crash never leaves half a snapshot. Replaces an existing snapshot; refuses any other non-empty folder.
    /// </summary>
    public static async Task WriteAsync(SnapshotFiles files, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var existing = Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any();
        if (existing && !File.Exists(Path.Combine(target, SnapshotLayout.ManifestFile)))
            throw new InputException(target, "SaveSnapshot", "an empty folder, a new folder, or an existing snapshot folder (one holding manifest.json) to replace",
                "a non-empty folder that is not a snapshot");
        if (File.Exists(target))
            throw new InputException(target, "SaveSnapshot", "a folder path", "a file");

        var written = files.Files
            .Where(f => f.Key != SnapshotLayout.ManifestFile && f.Key != FixtureFile)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .ToList();
        foreach (var (path, _) in written)
            if (!IsSafeRelativePath(path))
                throw new InputException(files.Origin, path, "a relative '/'-separated path inside the snapshot", path);

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

            var manifest = new SnapshotManifest(
                SnapshotManifest.CurrentFormat,
                files.Manifest?.Tool ?? $"IsolationChecks {typeof(SnapshotFolder).Assembly.GetName().Version}",
                files.Manifest?.CollectedAt ?? DateTimeOffset.UtcNow,
                files.Manifest?.Scopes ?? [],
                files.Manifest?.Calls ?? [],
                written.ToDictionary(f => f.Key, f => SnapshotJson.Sha256Hex(f.Value), StringComparer.Ordinal));
            Directory.CreateDirectory(temporary);
            await File.WriteAllBytesAsync(Path.Combine(temporary, SnapshotLayout.ManifestFile), SerializeManifest(manifest), cancellationToken)
                .ConfigureAwait(false);

            if (Directory.Exists(target))
            {
                var retired = Path.Combine(parent, $".{Path.GetFileName(target)}.replaced-{Guid.NewGuid():N}");
                Directory.Move(target, retired);
                Directory.Move(temporary, target);
                Directory.Delete(retired, recursive: true);
            }
            else
            {
                Directory.Move(temporary, target);
            }
        }
        finally
        {
            if (Directory.Exists(temporary))
                Directory.Delete(temporary, recursive: true);
        }
    }

    internal static bool IsSafeRelativePath(string path) =>
        path.Length > 0
        && !path.StartsWith('/')
        && !path.Contains('\\')
        && !Path.IsPathRooted(path)
        && path.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
}
