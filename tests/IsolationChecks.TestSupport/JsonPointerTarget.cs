using System.Globalization;
using System.Text.Json.Nodes;

namespace IsolationChecks.TestSupport;

/// <summary>RFC 6901 JSON Pointer with the RFC 6902 add/remove/replace semantics, reporting errors against fixture.json.</summary>
internal sealed class JsonPointerTarget(string file, string pointer, string fixtureFile, string field)
{
    private readonly IReadOnlyList<string> _tokens = Parse(pointer, fixtureFile, field);

    private static List<string> Parse(string pointer, string fixtureFile, string field)
    {
        if (pointer.Length == 0)
            return [];
        if (pointer[0] != '/')
            throw new InputException(fixtureFile, field, "an RFC 6901 JSON Pointer: empty, or starting with '/'", pointer);
        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    /// <returns>The new root.</returns>
    public JsonNode? Add(JsonNode? root, JsonNode? value)
    {
        if (_tokens.Count == 0)
            return value;
        var (parent, last) = Parent(root);
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array:
                var index = Index(last, array.Count, allowEnd: true);
                array.Insert(index, value);
                break;
            default:
                throw Fail($"an object or array at {ParentPointer()}");
        }

        return root;
    }

    public JsonNode? Replace(JsonNode? root, JsonNode? value)
    {
        if (_tokens.Count == 0)
            return value;
        var (parent, last) = Parent(root);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj[last] = value;
                break;
            case JsonArray array:
                array[Index(last, array.Count, allowEnd: false)] = value;
                break;
            default:
                throw Fail($"an existing member \"{last}\" at {pointer}");
        }

        return root;
    }

    public JsonNode? Remove(JsonNode? root)
    {
        if (_tokens.Count == 0)
            throw Fail("a pointer below the document root (use op \"delete\" to remove a whole file)");
        var (parent, last) = Parent(root);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj.Remove(last);
                break;
            case JsonArray array:
                array.RemoveAt(Index(last, array.Count, allowEnd: false));
                break;
            default:
                throw Fail($"an existing member \"{last}\" at {pointer}");
        }

        return root;
    }

    private (JsonNode? Parent, string Last) Parent(JsonNode? root)
    {
        var current = root;
        for (var i = 0; i < _tokens.Count - 1; i++)
        {
            var token = _tokens[i];
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array => array[Index(token, array.Count, allowEnd: false)],
                _ => throw Fail($"an existing location {Prefix(i + 1)}"),
            };
        }

        return (current, _tokens[^1]);
    }

    private int Index(string token, int count, bool allowEnd)
    {
        var valid = token.Length > 0 && token.All(char.IsAsciiDigit) && (token.Length == 1 || token[0] != '0')
            && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        var index = valid ? int.Parse(token, CultureInfo.InvariantCulture) : -1;
        if (!valid || index > count || (!allowEnd && index == count))
            throw Fail($"an array index from 0 to {(allowEnd ? count : count - 1)}{(allowEnd ? " or \"-\"" : "")} (the array has {count} item(s))", token);
        return index;
    }

    private string ParentPointer() => Prefix(_tokens.Count - 1) is { Length: > 0 } p ? p : "the document root";

    private string Prefix(int count) =>
        string.Concat(_tokens.Take(count).Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));

    private InputException Fail(string expected, string? actual = null) =>
        new(fixtureFile, field, $"{expected} in {file}", actual ?? $"{pointer} does not exist");
}
