using System.Text.Json;

namespace IsolationChecks.Evaluation.Policies;

/// <summary>
/// Reads the IAM policy grammar: Version; Statement as an object or an array; Sid; Effect; Action/NotAction;
/// Resource/NotResource; Principal/NotPrincipal; Condition. Anything outside the grammar is a
/// <see cref="PolicyFormatException"/> saying where: a verdict is never built on a guess about a document.
/// </summary>
public static class PolicyParser
{
    private static readonly HashSet<string> KnownStatementMembers = new(StringComparer.Ordinal)
    {
        "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition",
    };

    /// <summary>A document as JSON text, or URL-encoded JSON text (as the IAM API returns it).</summary>
    public static PolicyDocument Parse(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('%')) text = Uri.UnescapeDataString(text);
        try
        {
            using var json = JsonDocument.Parse(text);
            return Parse(json.RootElement);
        }
        catch (JsonException e)
        {
            throw new PolicyFormatException($"the document is not JSON: {e.Message}");
        }
    }

    /// <summary>A document as the CLI prints it (an object), or as a string holding the (possibly URL-encoded) JSON.</summary>
    public static PolicyDocument Parse(JsonElement document)
    {
        if (document.ValueKind == JsonValueKind.String) return Parse(document.GetString()!);
        if (document.ValueKind != JsonValueKind.Object)
            throw new PolicyFormatException($"the document is a JSON {document.ValueKind}, not an object");

        string? version = null;
        JsonElement? statements = null;
        foreach (var member in document.EnumerateObject())
        {
            switch (member.Name)
            {
                case "Version":
                    version = member.Value.ValueKind == JsonValueKind.String
                        ? member.Value.GetString()
                        : throw new PolicyFormatException("Version is not a string");
                    if (version is not ("2012-10-17" or "2008-10-17"))
                        throw new PolicyFormatException($"Version '{version}' is not 2012-10-17 or 2008-10-17");
                    break;
                case "Id":
                    break;
                case "Statement":
                    statements = member.Value;
                    break;
                default:
                    throw new PolicyFormatException($"unknown top-level element '{member.Name}'");
            }
        }

        if (statements is not { } list) throw new PolicyFormatException("the document has no Statement");
        var parsed = list.ValueKind switch
        {
            JsonValueKind.Object => [ParseStatement(list, 0)],
            JsonValueKind.Array => list.EnumerateArray().Select(ParseStatement).ToList(),
            _ => throw new PolicyFormatException("Statement is neither an object nor an array"),
        };
        return new PolicyDocument(version, parsed);
    }

    private static Statement ParseStatement(JsonElement element, int index)
    {
        var where = $"Statement[{index}]";
        if (element.ValueKind != JsonValueKind.Object) throw new PolicyFormatException($"{where} is not an object");
        foreach (var member in element.EnumerateObject())
            if (!KnownStatementMembers.Contains(member.Name))
                throw new PolicyFormatException($"{where} has unknown element '{member.Name}'");

        string? sid = element.TryGetProperty("Sid", out var sidElement)
            ? sidElement.ValueKind == JsonValueKind.String ? sidElement.GetString() : throw new PolicyFormatException($"{where}.Sid is not a string")
            : null;
        if (sid is not null) where = $"{where} (Sid '{sid}')";

        var effect = element.TryGetProperty("Effect", out var effectElement) ? effectElement.GetString() : null;
        var parsedEffect = effect switch
        {
            "Allow" => Effect.Allow,
            "Deny" => Effect.Deny,
            _ => throw new PolicyFormatException($"{where}.Effect is '{effect ?? "(absent)"}', not Allow or Deny"),
        };

        var action = StringList(element, "Action", where);
        var notAction = StringList(element, "NotAction", where);
        if ((action is null) == (notAction is null))
            throw new PolicyFormatException($"{where} must have exactly one of Action and NotAction");
        var resource = StringList(element, "Resource", where);
        var notResource = StringList(element, "NotResource", where);
        if (resource is not null && notResource is not null)
            throw new PolicyFormatException($"{where} has both Resource and NotResource");
        var principal = Principal(element, "Principal", where);
        var notPrincipal = Principal(element, "NotPrincipal", where);
        if (principal is not null && notPrincipal is not null)
            throw new PolicyFormatException($"{where} has both Principal and NotPrincipal");

        return new Statement(index, sid, parsedEffect, action, notAction, resource, notResource, principal, notPrincipal,
            element.TryGetProperty("Condition", out var condition) ? Conditions(condition, where) : []);
    }

    private static IReadOnlyList<string>? StringList(JsonElement statement, string name, string where)
    {
        if (!statement.TryGetProperty(name, out var value)) return null;
        return Strings(value, $"{where}.{name}");
    }

    private static IReadOnlyList<string> Strings(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new PolicyFormatException($"{where} holds a {v.ValueKind}, not a string")).ToList(),
        _ => throw new PolicyFormatException($"{where} is a {value.ValueKind}, not a string or an array of strings"),
    };

    private static PrincipalSpec? Principal(JsonElement statement, string name, string where)
    {
        if (!statement.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString() == "*"
                ? new PrincipalSpec(true, new Dictionary<string, IReadOnlyList<string>>())
                : throw new PolicyFormatException($"{where}.{name} is the string '{value.GetString()}'; only \"*\" may be written as a bare string");
        if (value.ValueKind != JsonValueKind.Object)
            throw new PolicyFormatException($"{where}.{name} is a {value.ValueKind}, not \"*\" or an object");
        var byType = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            if (member.Name is not ("AWS" or "Service" or "Federated" or "CanonicalUser"))
                throw new PolicyFormatException($"{where}.{name} has unknown principal type '{member.Name}'");
            byType[member.Name] = Strings(member.Value, $"{where}.{name}.{member.Name}");
        }

        return new PrincipalSpec(false, byType);
    }

    private static IReadOnlyList<ConditionClause> Conditions(JsonElement condition, string where)
    {
        if (condition.ValueKind != JsonValueKind.Object) throw new PolicyFormatException($"{where}.Condition is not an object");
        var clauses = new List<ConditionClause>();
        foreach (var op in condition.EnumerateObject())
        {
            if (op.Value.ValueKind != JsonValueKind.Object)
                throw new PolicyFormatException($"{where}.Condition.{op.Name} is not an object of key: values");
            foreach (var key in op.Value.EnumerateObject())
            {
                var values = key.Value.ValueKind switch
                {
                    JsonValueKind.Array => key.Value.EnumerateArray().Select(v => Scalar(v, $"{where}.Condition.{op.Name}.{key.Name}")).ToList(),
                    _ => [Scalar(key.Value, $"{where}.Condition.{op.Name}.{key.Name}")],
                };
                clauses.Add(new ConditionClause(op.Name, ConditionOperator.Parse(op.Name), key.Name, values));
            }
        }

        return clauses;
    }

    /// <summary>Condition values may be written as strings, numbers or booleans; all compare as their text.</summary>
    private static string Scalar(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new PolicyFormatException($"{where} holds a {value.ValueKind}, not a string, number or boolean"),
    };
}
