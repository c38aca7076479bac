using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IsolationChecks.Evaluation.Drift;

/// <summary>JSON compared by meaning: object members in name order, so two documents that differ only in member order are equal.</summary>
internal static class Canonical
{
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray list => new JsonArray(list.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    public static string Text(JsonNode? node) => Sorted(node)?.ToJsonString(Compact) ?? "null";
}
