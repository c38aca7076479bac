using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace IsolationChecks.IntegrationTests.Aws;

/// <summary>Canonical JSON text for comparisons: keys sorted, timestamps in one format.</summary>
public static partial class JsonCanon
{
    public static string Of(JsonNode? node) => Canonical(node)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonical).ToArray()),
        JsonValue value when value.GetValueKind() == JsonValueKind.String && Timestamp().IsMatch(value.GetValue<string>()) =>
            JsonValue.Create(DateTimeOffset.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture)),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => JsonValue.Create(double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture)),
        null => null,
        _ => node.DeepClone(),
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Timestamp();
}

/// <summary>Path-level differences between two JSON documents (after canonicalisation), for readable failures.</summary>
public static class JsonDiff
{
    public static IReadOnlyList<string> Between(JsonNode? expected, JsonNode? actual)
    {
        var differences = new List<string>();
        Compare("$", JsonNode.Parse(JsonCanon.Of(expected)), JsonNode.Parse(JsonCanon.Of(actual)), differences);
        return differences;
    }

    private static void Compare(string path, JsonNode? expected, JsonNode? actual, List<string> differences)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!a.ContainsKey(key))
                        differences.Add($"{path}.{key}: missing (expected {Short(e[key])})");
                    else if (!e.ContainsKey(key))
                        differences.Add($"{path}.{key}: unexpected {Short(a[key])}");
                    else
                        Compare($"{path}.{key}", e[key], a[key], differences);
                }

                break;
            case (JsonArray e, JsonArray a) when e.Count == a.Count:
                for (var i = 0; i < e.Count; i++)
                    Compare($"{path}[{i}]", e[i], a[i], differences);
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                    differences.Add($"{path}: expected {Short(expected)}, got {Short(actual)}");
                break;
        }
    }

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 160 ? text[..160] + "..." : text;
    }
}
