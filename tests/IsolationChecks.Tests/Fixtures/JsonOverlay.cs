using System.Text.Json.Nodes;

namespace IsolationChecks.Tests.Fixtures;

/// <summary>
/// Applies a violation fixture's patches to a copy of its base's files: RFC 6902 add/remove/replace with
/// RFC 6901 pointers, plus whole-file put/delete. Kept independent of the engine's overlay reader so the
/// fixtures are checked against the standard, not against the code under test.
/// </summary>
internal static class JsonOverlay
{
    public static Dictionary<string, JsonNode?> Apply(IReadOnlyDictionary<string, JsonNode?> baseFiles, JsonArray patches)
    {
        var files = baseFiles.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone(), StringComparer.Ordinal);
        foreach (var patch in patches)
        {
            var file = (string)patch!["file"]!;
            var op = (string)patch["op"]!;
            switch (op)
            {
                case "put":
                    files[file] = patch["value"]!.DeepClone();
                    continue;
                case "delete":
                    if (!files.Remove(file))
                        throw new InvalidOperationException($"delete of {file}, which the base does not have");
                    continue;
            }

            if (!files.TryGetValue(file, out var document) || document is null)
                throw new InvalidOperationException($"{op} on {file}, which the base does not have");
            var tokens = Tokens((string)patch["path"]!);
            if (tokens.Count == 0)
                throw new InvalidOperationException($"{op} on the whole of {file}: use put");
            var parent = Walk(document, tokens.Take(tokens.Count - 1), file);
            Apply(op, parent, tokens[^1], patch["value"], file);
        }

        return files;
    }

    private static void Apply(string op, JsonNode parent, string last, JsonNode? value, string file)
    {
        switch (parent, op)
        {
            case (JsonArray array, "add"):
                if (last == "-")
                    array.Add(value?.DeepClone());
                else
                    array.Insert(Index(array, last, array.Count, file), value?.DeepClone());
                break;
            case (JsonArray array, "remove"):
                array.RemoveAt(Index(array, last, array.Count - 1, file));
                break;
            case (JsonArray array, "replace"):
                array[Index(array, last, array.Count - 1, file)] = value?.DeepClone();
                break;
            case (JsonObject obj, "add"):
                obj[last] = value?.DeepClone();
                break;
            case (JsonObject obj, "remove" or "replace") when !obj.ContainsKey(last):
                throw new InvalidOperationException($"{op} of absent member '{last}' in {file}");
            case (JsonObject obj, "remove"):
                obj.Remove(last);
                break;
            case (JsonObject obj, "replace"):
                obj[last] = value?.DeepClone();
                break;
            default:
                throw new InvalidOperationException($"unsupported op '{op}' on {parent.GetValueKind()} in {file}");
        }
    }

    private static int Index(JsonArray array, string token, int max, string file) =>
        int.TryParse(token, out var i) && i >= 0 && i <= max
            ? i
            : throw new InvalidOperationException($"index '{token}' out of range (0..{max}) for an array of {array.Count} in {file}");

    private static JsonNode Walk(JsonNode node, IEnumerable<string> tokens, string file)
    {
        foreach (var token in tokens)
        {
            node = node switch
            {
                JsonArray array => array[Index(array, token, array.Count - 1, file)],
                JsonObject obj => obj[token],
                _ => null,
            } ?? throw new InvalidOperationException($"pointer step '{token}' does not exist in {file}");
        }

        return node;
    }

    private static List<string> Tokens(string pointer) =>
        pointer.Length == 0
            ? []
            : pointer[0] == '/'
                ? pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList()
                : throw new InvalidOperationException($"'{pointer}' is not a JSON Pointer");
}
