using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Collection;
using IsolationChecks.Snapshots;
using IsolationChecks.Snapshots.Json;

namespace IsolationChecks.Evaluation.Plans;

/// <summary>
/// The snapshot's documents as editable JSON, in memory only: a planned change edits the AWS CLI output it would change, and
/// <see cref="Result"/> gives the edited files (the folder on disk is never written). Tracks which documents each change touched.
/// </summary>
internal sealed class OverlayDocuments(SnapshotFiles files)
{
    private readonly Dictionary<string, JsonObject?> _parsed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _edited = new(StringComparer.Ordinal);

    /// <summary>The scope-relative files edited since <see cref="BeginChange"/>, with their scope folder.</summary>
    public HashSet<(string Scope, string File)> Touched { get; private set; } = [];

    /// <summary>The scope folders (accounts/ACCOUNT/REGION) of the snapshot.</summary>
    public IReadOnlyList<string> Scopes { get; } = files.Files.Keys
        .Where(k => k.StartsWith(SnapshotLayout.AccountsFolder + "/", StringComparison.Ordinal))
        .Select(k => k.Split('/'))
        .Where(p => p.Length >= 4)
        .Select(p => $"{p[0]}/{p[1]}/{p[2]}")
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToList();

    public static string AccountOf(string scope) => scope.Split('/')[1];

    public void BeginChange()
    {
        Touched = [];
        Borrowed = [];
    }

    /// <summary>
    /// Values a created resource gets only at apply that the overlay holds under a stand-in (an Elastic IP's public address),
    /// by the id of the item holding them: the planned address and attribute they are known as.
    /// </summary>
    public Dictionary<string, (string Address, string Attribute)> Pending { get; } = new(StringComparer.Ordinal);

    /// <summary>The pending values the current change took from another resource, with the controls whose verdicts read them.</summary>
    public List<(string Address, string Attribute, IReadOnlyList<string> Controls)> Borrowed { get; private set; } = [];

    /// <summary>A scope's document as it stands in the overlay, or null when the snapshot has none (or it is not an object).</summary>
    public JsonObject? Read(string scope, string file)
    {
        var path = $"{scope}/{file}";
        if (_edited.TryGetValue(path, out var edited))
            return edited;
        if (!_parsed.TryGetValue(path, out var parsed))
        {
            parsed = files.Files.TryGetValue(path, out var bytes) ? Parse(bytes) : null;
            _parsed[path] = parsed;
        }

        return parsed;
    }

    /// <summary>The document to edit (a deep copy of the snapshot's; <paramref name="empty"/> when there is none yet).</summary>
    public JsonObject Edit(string scope, string file, Func<JsonObject>? empty = null)
    {
        var path = $"{scope}/{file}";
        Touched.Add((scope, file));
        if (_edited.TryGetValue(path, out var edited))
            return edited;
        var copy = Read(scope, file)?.DeepClone().AsObject() ?? empty?.Invoke()
            ?? throw new InvalidOperationException($"the overlay cannot edit {path}: the snapshot has no such document");
        _edited[path] = copy;
        return copy;
    }

    /// <summary>Replaces a whole document.</summary>
    public void Put(string scope, string file, JsonObject document)
    {
        Touched.Add((scope, file));
        _edited[$"{scope}/{file}"] = document;
    }

    /// <summary>The scope and item of <paramref name="list"/> in <paramref name="file"/> whose <paramref name="idMember"/> is <paramref name="id"/>.</summary>
    public (string Scope, JsonObject Item)? Find(string file, string list, string idMember, string? id)
    {
        if (id is null)
            return null;
        foreach (var scope in Scopes)
            if (Read(scope, file)?[list] is JsonArray items)
                foreach (var item in items.OfType<JsonObject>())
                    if (item[idMember] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == id)
                        return (scope, item);
        return null;
    }

    /// <summary>Every scope and item of <paramref name="list"/> in <paramref name="file"/> whose <paramref name="idMember"/> is <paramref name="id"/>.</summary>
    public IReadOnlyList<(string Scope, JsonObject Item)> FindAll(string file, string list, string idMember, string? id) =>
        id is null ? [] : Scopes.SelectMany(scope => (Read(scope, file)?[list] as JsonArray ?? []).OfType<JsonObject>()
            .Where(item => item[idMember] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == id)
            .Select(item => (scope, item))).ToList();

    /// <summary>The same item, in the editable copy of its document.</summary>
    public JsonObject? FindForEdit(string file, string list, string idMember, string? id)
    {
        if (Find(file, list, idMember, id) is not { } found)
            return null;
        return Edit(found.Scope, file)[list]!.AsArray().OfType<JsonObject>().First(i => i[idMember]?.GetValue<string>() == id);
    }

    /// <summary>Removes the item; true when it was there.</summary>
    public bool Remove(string file, string list, string idMember, string? id)
    {
        if (Find(file, list, idMember, id) is not { } found)
            return false;
        var items = Edit(found.Scope, file)[list]!.AsArray();
        items.Remove(items.OfType<JsonObject>().First(i => i[idMember]?.GetValue<string>() == id));
        return true;
    }

    /// <summary>Adds an item to a scope's list (the list is created if the document lacks it).</summary>
    public void Add(string scope, string file, string list, JsonObject item)
    {
        var document = Edit(scope, file, () => new JsonObject { [list] = new JsonArray() });
        if (document[list] is not JsonArray items)
            document[list] = items = new JsonArray();
        items.Add(item);
    }

    /// <summary>The snapshot with every edited document in place of the original. Nothing is written anywhere.</summary>
    public SnapshotFiles Result()
    {
        var result = new Dictionary<string, byte[]>(files.Files, StringComparer.Ordinal);
        foreach (var (path, document) in _edited)
            result[path] = Encoding.UTF8.GetBytes(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return files with { Files = result };
    }

    /// <summary>The call whose evidence a scope-relative file is.</summary>
    public static AwsCall? CallOf(string file) =>
        AwsCalls.All.FirstOrDefault(c => c.File == file) ?? AwsCalls.All.FirstOrDefault(c => c.IsPerItem && c.ItemOf(file) is { Length: > 0 });

    private static JsonObject? Parse(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(SnapshotJson.StripBom(bytes).Span) as JsonObject;
        }
        catch (JsonException)
        {
            // Malformed evidence stays as it is: the reader reports it as a gap on both sides.
            return null;
        }
    }
}
