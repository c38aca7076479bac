using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Snapshots.Json;

using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.TestSupport;

/// <summary>
/// A violation fixture (test data, never read by the product): a folder holding fixture.json, which names a base
/// snapshot folder and a list of patches (RFC 6902 add/remove/replace with RFC 6901 pointers, plus whole-file
/// put/delete), so each fixture states only the drift it demonstrates. Other files in the fixture folder replace the
/// base's. Materialised in memory, or into a temporary snapshot folder that the product reads like any other.
/// </summary>
public static class FixtureOverlay
{
    public const string FixtureFile = "fixture.json";

    /// <summary>The fixture's snapshot, patches applied, as files (posture.json included).</summary>
    public static Task<SnapshotFiles> FilesAsync(string folder, CancellationToken cancellationToken = default) =>
        ReadAsync(Path.GetFullPath(folder), [], cancellationToken);

    /// <summary>Writes the materialised fixture into a new temporary folder: a plain snapshot folder the suite can target.</summary>
    public static async Task<MaterialisedFixture> MaterialiseAsync(string folder, CancellationToken cancellationToken = default)
    {
        var files = await FilesAsync(folder, cancellationToken).ConfigureAwait(false);
        var target = Directory.CreateTempSubdirectory($"fixture-{Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar))}-").FullName;
        foreach (var (path, bytes) in files.Files)
        {
            var file = Path.Combine(target, path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, bytes, cancellationToken).ConfigureAwait(false);
        }

        if (files.Manifest is not null)
            await File.WriteAllBytesAsync(Path.Combine(target, SnapshotLayout.ManifestFile), SnapshotFolder.SerializeManifest(files.Manifest), cancellationToken).ConfigureAwait(false);
        return new MaterialisedFixture(target);
    }

    private static async Task<SnapshotFiles> ReadAsync(string folder, IReadOnlyList<string> overlayChain, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(folder, FixtureFile)))
            return await SnapshotFolder.ReadAsync(folder, cancellationToken).ConfigureAwait(false);
        var own = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            own[Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/')] = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        return await MaterialiseAsync(folder, own, overlayChain, cancellationToken).ConfigureAwait(false);
    }

    private static readonly JsonSerializerOptions WriteOptions = CreateWriteOptions();

    private static readonly HashSet<string> FixtureMembers = new(StringComparer.Ordinal) { "$schema", "base", "description", "expect", "patches" };
    private static readonly HashSet<string> PatchMembers = new(StringComparer.Ordinal) { "file", "op", "path", "value" };

    private static JsonSerializerOptions CreateWriteOptions()
    {
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed record Patch(int Index, string File, string Op, string? Pointer, JsonElement? Value);

    private static async Task<SnapshotFiles> MaterialiseAsync(
        string folder, Dictionary<string, byte[]> ownFiles, IReadOnlyList<string> overlayChain, CancellationToken cancellationToken)
    {
        var fixtureFile = Path.Combine(folder, FixtureFile);
        var fixtureBytes = ownFiles[FixtureFile];
        using var fixture = SnapshotJson.ParseDocument(fixtureBytes, fixtureFile);
        var (baseRelative, patches) = ParseFixture(fixture.RootElement, fixtureFile);

        var baseFolder = Path.GetFullPath(Path.Combine(folder, baseRelative));
        List<string> chain = [.. overlayChain, folder];
        if (chain.Contains(baseFolder, StringComparer.Ordinal))
            throw new InputException(fixtureFile, "$.base", "a base folder that does not lead back to this fixture", string.Join(" -> ", chain.Append(baseFolder)));
        if (!Directory.Exists(baseFolder))
            throw new InputException(fixtureFile, "$.base", "a relative path to an existing snapshot folder", $"{baseRelative} ({baseFolder} does not exist)");
        var baseFiles = await ReadAsync(baseFolder, chain, cancellationToken).ConfigureAwait(false);

        var working = new Dictionary<string, byte[]>(baseFiles.Files, StringComparer.Ordinal);
        if (baseFiles.Manifest is not null)
            working[SnapshotLayout.ManifestFile] = SnapshotFolder.SerializeManifest(baseFiles.Manifest);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, bytes) in ownFiles.Where(f => f.Key != FixtureFile))
        {
            working[path] = bytes;
            changed.Add(path);
        }

        foreach (var patch in patches)
        {
            Apply(patch, working, fixtureFile);
            changed.Add(patch.File);
        }

        SnapshotManifest? manifest = null;
        if (working.Remove(SnapshotLayout.ManifestFile, out var manifestBytes))
        {
            manifest = SnapshotFolder.ParseManifest(manifestBytes, $"{fixtureFile} (patched {SnapshotLayout.ManifestFile})");
            var hashes = new Dictionary<string, string>(manifest.Files, StringComparer.Ordinal);
            foreach (var path in changed.Where(p => p != SnapshotLayout.ManifestFile))
            {
                if (working.TryGetValue(path, out var bytes))
                    hashes[path] = FileDigest.Sha256Hex(bytes);
                else
                    hashes.Remove(path);
            }

            manifest = manifest with { Files = hashes };
        }

        return new SnapshotFiles($"{folder} (overlay of {baseFiles.Origin})", working, manifest);
    }

    private static (string Base, List<Patch> Patches) ParseFixture(JsonElement root, string fixtureFile)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new InputException(fixtureFile, "$", "an object with \"base\" and \"patches\"", root.ValueKind.ToString());
        RejectUnknown(root, FixtureMembers, "$", fixtureFile);
        var baseFolder = RequiredString(root, "base", "$", fixtureFile, "a relative path to the base snapshot folder, e.g. \"../../reference\"");

        var patches = new List<Patch>();
        if (!root.TryGetProperty("patches", out var list))
            return (baseFolder, patches);
        if (list.ValueKind != JsonValueKind.Array)
            throw new InputException(fixtureFile, "$.patches", "an array of patches", list.ValueKind.ToString());
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"$.patches[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
                throw new InputException(fixtureFile, at, "a patch object {\"file\", \"op\", ...}", item.ValueKind.ToString());
            RejectUnknown(item, PatchMembers, at, fixtureFile);
            var file = RequiredString(item, "file", at, fixtureFile, "a snapshot file path relative to the base, e.g. \"RouteTables.json\"");
            if (!SnapshotFolder.IsSafeRelativePath(file))
                throw new InputException(fixtureFile, $"{at}.file", "a relative '/'-separated path inside the snapshot", file);
            var op = RequiredString(item, "op", at, fixtureFile, "\"add\", \"remove\", \"replace\", \"put\" or \"delete\"");
            var hasPath = item.TryGetProperty("path", out var pointerElement);
            var hasValue = item.TryGetProperty("value", out var value);
            switch (op)
            {
                case "add" or "replace" or "remove":
                    if (!hasPath || pointerElement.ValueKind != JsonValueKind.String)
                        throw new InputException(fixtureFile, $"{at}.path", "an RFC 6901 JSON Pointer string, e.g. \"/RouteTables/0/Routes/-\"",
                            hasPath ? pointerElement.ValueKind.ToString() : "absent");
                    if (op != "remove" && !hasValue)
                        throw new InputException(fixtureFile, $"{at}.value", $"the JSON value to {op}", "absent");
                    if (op == "remove" && hasValue)
                        throw new InputException(fixtureFile, $"{at}.value", "no value for \"remove\"", "a value");
                    break;
                case "put":
                    if (hasPath || !hasValue)
                        throw new InputException(fixtureFile, hasPath ? $"{at}.path" : $"{at}.value",
                            "\"put\" with the whole file as \"value\" and no \"path\"", hasPath ? "a path" : "no value");
                    break;
                case "delete":
                    if (hasPath || hasValue)
                        throw new InputException(fixtureFile, hasPath ? $"{at}.path" : $"{at}.value", "\"delete\" with only \"file\"",
                            hasPath ? "a path" : "a value");
                    break;
                default:
                    throw new InputException(fixtureFile, $"{at}.op", "\"add\", \"remove\", \"replace\", \"put\" or \"delete\"", op);
            }

            patches.Add(new Patch(index, file, op, hasPath ? pointerElement.GetString() : null, hasValue ? value.Clone() : null));
            index++;
        }

        return (baseFolder, patches);
    }

    private static void RejectUnknown(JsonElement obj, HashSet<string> known, string at, string fixtureFile)
    {
        foreach (var property in obj.EnumerateObject())
            if (!known.Contains(property.Name))
                throw new InputException(fixtureFile, $"{at}.{property.Name}", $"only the members {string.Join(", ", known)}", $"unknown member \"{property.Name}\"");
    }

    private static string RequiredString(JsonElement obj, string name, string at, string fixtureFile, string expected)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
            throw new InputException(fixtureFile, $"{at}.{name}", expected, obj.TryGetProperty(name, out var v) ? v.ValueKind.ToString() : "absent");
        return value.GetString()!;
    }

    private static void Apply(Patch patch, Dictionary<string, byte[]> files, string fixtureFile)
    {
        var at = $"$.patches[{patch.Index}]";
        switch (patch.Op)
        {
            case "put":
                files[patch.File] = Serialize(ToNode(patch.Value!.Value));
                return;
            case "delete":
                if (!files.Remove(patch.File))
                    throw new InputException(fixtureFile, $"{at}.file", "a file that exists in the base snapshot (to delete)", $"{patch.File} is absent");
                return;
        }

        if (!files.TryGetValue(patch.File, out var bytes))
            throw new InputException(fixtureFile, $"{at}.file", $"a file that exists in the base snapshot (to {patch.Op} {patch.Pointer})", $"{patch.File} is absent");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(SnapshotJson.StripBom(bytes).Span, documentOptions: SnapshotJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new InputException(fixtureFile, $"{at}.file", $"a JSON file to patch ({patch.File} is malformed: {e.Message})");
        }

        var pointer = new JsonPointerTarget(patch.File, patch.Pointer!, fixtureFile, $"{at}.path");
        root = patch.Op switch
        {
            "add" => pointer.Add(root, ToNode(patch.Value!.Value)),
            "replace" => pointer.Replace(root, ToNode(patch.Value!.Value)),
            _ => pointer.Remove(root),
        };
        files[patch.File] = Serialize(root);
    }

    private static JsonNode? ToNode(JsonElement value) => JsonNode.Parse(value.GetRawText());

    private static byte[] Serialize(JsonNode? node) =>
        Encoding.UTF8.GetBytes((node?.ToJsonString(WriteOptions) ?? "null") + "\n");
}

/// <summary>A fixture written out as a plain snapshot folder; deleted when disposed.</summary>
public sealed class MaterialisedFixture(string folder) : IDisposable
{
    public string Folder => folder;

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }
}
