using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Drift;

/// <summary>
/// A document as its declared shape reads it, back as JSON: only the members some control reads (Aws/Shapes declares
/// nothing else), so drift compares what the verdicts rest on and ignores what changes every night (timestamps, counters
/// the controls never read). Absent optional members are left out; policy documents held in strings are parsed, and
/// their statements canonicalised (a single statement or action is a list of one), so a rewrite that means the same is no change.
/// </summary>
internal static class DeclaredJson
{
    public static JsonNode? Of(object? value, bool camelCase) => value switch
    {
        null => null,
        string text => PolicyText(text) ?? JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        int number => JsonValue.Create(number),
        long number => JsonValue.Create(number),
        double number => JsonValue.Create(number),
        DateOnly date => JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        DateTimeOffset time => JsonValue.Create(time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
        JsonElement element => Canonical(JsonNode.Parse(element.GetRawText())),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(item => Of(item, camelCase)).ToArray()),
        _ when ShapeMember.IsShape(value.GetType()) => Record(value, camelCase),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static JsonObject Record(object value, bool camelCase)
    {
        var type = value.GetType();
        var node = new JsonObject();
        foreach (var parameter in type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters())
        {
            var member = Of(type.GetProperty(parameter.Name!)?.GetValue(value), camelCase);
            if (member is not null)
                node[camelCase ? char.ToLowerInvariant(parameter.Name![0]) + parameter.Name[1..] : parameter.Name!] = member;
        }

        return node;
    }

    /// <summary>A policy held as a string (ECR's policyText, an endpoint's PolicyDocument) as the document it is.</summary>
    private static JsonNode? PolicyText(string text)
    {
        if (!text.TrimStart().StartsWith('{'))
            return null;
        try
        {
            return Canonical(JsonNode.Parse(text));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly string[] ListMembers = ["Action", "NotAction", "Resource", "NotResource"];

    /// <summary>"Statement": {...} is a list of one, and so is a single action or resource.</summary>
    private static JsonNode? Canonical(JsonNode? node)
    {
        if (node is JsonObject document && document["Statement"] is JsonObject single)
            document["Statement"] = new JsonArray(single.DeepClone());
        if (node is JsonObject { } policy && policy["Statement"] is JsonArray statements)
            foreach (var statement in statements.OfType<JsonObject>())
                foreach (var member in ListMembers)
                    if (statement[member] is JsonValue value)
                        statement[member] = new JsonArray(value.DeepClone());
        return node;
    }
}
