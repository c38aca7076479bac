using System.Text.Json;

namespace IsolationChecks.Snapshots;

/// <summary>
/// Reads one JSON document of the snapshot that the central reader does not model, with the same
/// evidence rules: absent means a gap (with the manifest's failed call when it records one), never empty.
/// </summary>
public static class SnapshotDocuments
{
    /// <param name="target">The manifest's target of the call (a repository, "cluster/service"), when one operation fills several files.</param>
    public static Collected<T> Read<T>(Snapshot snapshot, string path, string service, string operation, JsonSerializerOptions options, string? target = null)
    {
        var files = snapshot.Files;
        if (files is null || !files.Files.TryGetValue(path, out var bytes))
        {
            var failed = snapshot.Manifest?.Calls.LastOrDefault(c => c.File == path || (
                c.Service == service && c.Operation == operation && c.Outcome == "failed"
                && (target is null || c.Target == target) && (c.Folder.Length == 0 || path.StartsWith(c.Folder + "/", StringComparison.Ordinal))));
            return Collected<T>.Missing(failed is { Outcome: "failed" }
                ? new DataGap(service, operation, failed.ErrorMessage ?? "failed", failed.ErrorCode, path)
                : DataGap.NotCollected(service, operation, path));
        }

        if (snapshot.Manifest is { } manifest && !manifest.Files.ContainsKey(path))
            return Collected<T>.Missing(new DataGap(service, operation,
                $"{path} is in the snapshot but not listed in manifest.json, so it is not trusted as evidence", "UnlistedEvidence", path));

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, options);
            return value is null
                ? throw new InputException(path, "$", $"a {typeof(T).Name} document", "null")
                : Collected<T>.Seen(value, path);
        }
        catch (JsonException e)
        {
            throw new InputException(path, e.Path ?? "$", $"a {typeof(T).Name} document ({e.Message})", null, e);
        }
    }
}
