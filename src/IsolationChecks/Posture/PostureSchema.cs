using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace IsolationChecks.Posture;

/// <summary>
/// schemas/posture.schema.json, embedded in the assembly: the one place the posture's structure lives. A posture
/// is evaluated with JsonSchema.Net and the first failure in the file becomes one <see cref="InputException"/>
/// naming the JSON path, the line and column, and what was expected, in the words of the schema's own
/// <c>description</c> of the value.
/// </summary>
internal sealed partial class PostureSchema
{
    public const string ResourceName = "posture.schema.json";

    private readonly JsonSchema _schema;
    private readonly JsonElement _root;

    public PostureSchema(string schemaText)
    {
        _schema = JsonSchema.FromText(schemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry(), DialectRegistry = Dialects });
        _root = JsonDocument.Parse(schemaText).RootElement;
    }

    /// <summary>
    /// Draft 2020-12 with its pattern keyword matching by the regex interpreter: the library compiles each pattern to IL,
    /// which a fresh process pays for in emitting and JIT-compiling (tens of short patterns, each matched a few times per run).
    /// </summary>
    private static DialectRegistry Dialects
    {
        get
        {
            var registry = new DialectRegistry();
            var draft = Dialect.Draft202012;
            registry.Register(draft.Without([PatternKeyword.Instance], draft.Id).With([new InterpretedPattern()], draft.Id));
            return registry;
        }
    }

    /// <summary>The schema this build carries (schemas/posture.schema.json, linked into the assembly).</summary>
    public static PostureSchema Embedded { get; } = new(EmbeddedText());

    public static string EmbeddedText()
    {
        using var stream = typeof(PostureSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in the engine assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Throws the first structural error of the document, in file order; returns when the document fits the schema.</summary>
    public void Validate(JsonElement document, JsonSourceMap source)
    {
        // A valid posture (every run) needs only the verdict; the detailed walk that names the failure is for an invalid one.
        if (_schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid)
            return;
        var results = _schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid)
            return;
        var failures = new List<Failure>();
        Collect(results, _root, _root, document, failures);
        // A missing member next to an unknown one is usually the same member misspelt: report the unknown one.
        var withUnknown = failures.Where(f => f.Kind == FailureKind.UnknownMember).Select(f => Parent(f.Pointer)).ToHashSet(StringComparer.Ordinal);
        var first = failures
            .Where(f => f.Kind != FailureKind.MissingMember || !withUnknown.Contains(Parent(f.Pointer)))
            .OrderBy(f => source.PositionOf(f.Pointer, f.AtMemberName) is { } p ? (p.Line, p.Column) : (int.MaxValue, int.MaxValue))
            .ThenBy(f => f.Kind)
            .FirstOrDefault()
            ?? new Failure("", "a posture as schemas/posture.schema.json describes it", "a document it does not accept", false, FailureKind.Value);
        throw source.Error(first.Pointer, first.Expected, first.Actual, first.AtMemberName);
    }

    /// <summary>
    /// Walks the failed nodes of the evaluation with the subschema each one evaluated (followed along its evaluation
    /// path) and the nearest one that describes the value. The branches of an anyOf/oneOf are followed only when the
    /// value's JSON type picks exactly one of them; otherwise the alternative itself is the failure.
    /// </summary>
    private void Collect(EvaluationResults node, JsonElement schema, JsonElement described, JsonElement document, List<Failure> failures)
    {
        if (node.IsValid)
            return;
        var pointer = node.InstanceLocation.ToString();
        if (Find(document, pointer) is not { } value)
            return;
        foreach (var (keyword, _) in node.Errors ?? new Dictionary<string, string>())
            if (Describe(keyword, pointer, value, schema, described) is { } failure)
                failures.Add(failure);

        var path = node.EvaluationPath.ToString();
        var failed = (node.Details ?? []).Where(c => !c.IsValid).ToList();
        var branches = failed.Where(c => BranchStep().IsMatch(Step(path, c))).ToList();
        if (branches.Count > 0)
        {
            var picked = PickBranch(schema, value);
            var chosen = picked is { } b ? branches.FirstOrDefault(c => Step(path, c) == $"/{b.Keyword}/{b.Index}") : null;
            if (picked is { } branch && chosen is not null)
            {
                var branchSchema = schema.GetProperty(branch.Keyword)[branch.Index];
                Collect(chosen, branchSchema, Described(branchSchema, described), document, failures);
            }
            else
                failures.Add(new Failure(pointer, Expectation(schema, described), Found(value), false, FailureKind.Alternative));
        }

        foreach (var child in failed.Except(branches))
        {
            var step = Step(path, child);
            var childPointer = child.InstanceLocation.ToString();
            if (step == "/additionalProperties" && schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.False)
            {
                var members = schema.TryGetProperty("properties", out var properties) ? properties.EnumerateObject().Select(m => m.Name).ToList() : [];
                var unknown = LastSegment(childPointer);
                var like = members.FirstOrDefault(m => string.Equals(m, unknown, StringComparison.OrdinalIgnoreCase))
                           ?? members.FirstOrDefault(m => EndpointServices.Distance(m, unknown) <= 2);
                failures.Add(new Failure(childPointer, $"only the members {ListOf(members)}",
                    $"unknown member \"{unknown}\"{(like is null ? "" : $" (did you mean \"{like}\"?)")}", true, FailureKind.UnknownMember));
            }
            else if (step == "/propertyNames" && schema.TryGetProperty("propertyNames", out var names))
                failures.Add(new Failure(childPointer, Text(names, "description") ?? "a valid member name", $"the name \"{LastSegment(childPointer)}\"", true, FailureKind.WrongType));
            else if (Walk(schema, step) is { } childSchema)
                Collect(child, childSchema, Described(childSchema, described), document, failures);
        }
    }

    private static string Step(string parentPath, EvaluationResults child)
    {
        var path = child.EvaluationPath.ToString();
        return path.Length > parentPath.Length && path.StartsWith(parentPath, StringComparison.Ordinal) ? path[parentPath.Length..] : "";
    }

    /// <summary>The subschema an evaluation step leads to ("/properties/name", "/$ref", "/items", "/anyOf/1", ...).</summary>
    private JsonElement? Walk(JsonElement schema, string step)
    {
        var segments = step.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Unescape).ToList();
        var current = schema;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            switch (segment)
            {
                case "$ref":
                    current = Deref(current);
                    break;
                case "properties" when i + 1 < segments.Count && current.TryGetProperty("properties", out var properties)
                                       && properties.TryGetProperty(segments[i + 1], out var property):
                    current = property;
                    i++;
                    break;
                case "anyOf" or "oneOf" or "allOf" when i + 1 < segments.Count && current.TryGetProperty(segment, out var alternatives)
                                                        && int.TryParse(segments[i + 1], out var index) && index < alternatives.GetArrayLength():
                    current = alternatives[index];
                    i++;
                    break;
                case "items" or "additionalProperties" or "not" or "propertyNames" when current.TryGetProperty(segment, out var next) && next.ValueKind == JsonValueKind.Object:
                    current = next;
                    break;
                case "items":
                    // JsonSchema.Net names the items keyword twice in an evaluation path ("/items/items"); the second is no step.
                    break;
                default:
                    return null;
            }
        }

        return current;
    }

    private static JsonElement Described(JsonElement schema, JsonElement inherited) => Text(schema, "description") is null ? inherited : schema;

    private Failure? Describe(string keyword, string pointer, JsonElement value, JsonElement schema, JsonElement described)
    {
        switch (keyword)
        {
            case "required":
                var missing = schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!)
                    .FirstOrDefault(r => value.ValueKind == JsonValueKind.Object && !value.TryGetProperty(r, out _));
                if (missing is null)
                    return null;
                // A section that refers to a shared definition for its members ("$ref" beside "required") describes them there.
                var owner = schema.TryGetProperty("properties", out _) ? schema : Deref(schema);
                var member = owner.TryGetProperty("properties", out var properties) && properties.TryGetProperty(missing, out var m) ? Deref(m) : (JsonElement?)null;
                return new Failure(JsonSourceMap.Child(pointer, missing),
                    $"the member \"{missing}\"{(member is { } s ? $": {Expectation(s, s)}" : "")}", $"no \"{missing}\" member", false, FailureKind.MissingMember);
            case "minItems":
                var least = schema.GetProperty("minItems").GetInt32();
                return new Failure(pointer, $"an array with at least {(least == 1 ? "one item" : $"{least} items")}: {Text(described, "description")}",
                    Found(value), false, FailureKind.Value);
            case "minProperties" when !schema.TryGetProperty("maxProperties", out _):
                return new Failure(pointer, $"at least one member: {Text(described, "description")}", "an empty object", false, FailureKind.Value);
            default:
                return new Failure(pointer, Expectation(schema, described), Found(value), false, keyword == "type" ? FailureKind.WrongType : FailureKind.Value);
        }
    }

    /// <summary>What a value must be, in the schema's words: a leaf's description says it; a container's type comes first.</summary>
    private static string Expectation(JsonElement schema, JsonElement described)
    {
        var description = Text(schema, "description") ?? Text(described, "description");
        var type = Text(schema, "type") ?? Text(described, "type");
        return type switch
        {
            "object" when schema.TryGetProperty("maxProperties", out _) || schema.TryGetProperty("oneOf", out _) || schema.TryGetProperty("anyOf", out _)
                => description ?? "an object",
            "object" => description is null ? "an object" : $"an object: {description}",
            "array" => description is null ? "an array" : $"an array: {description}",
            _ => description ?? type switch
            {
                "string" => "a string",
                "integer" => "an integer",
                "boolean" => "true or false",
                _ => "a value the schema accepts",
            },
        };
    }

    private static string Found(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => Truncate(value.GetRawText()),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "an empty array" : "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Truncate(string text) => text.Length > 80 ? text[..80] + "..." : text;

    private static string? Text(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The branch of an anyOf/oneOf that the value's JSON type selects, when exactly one does.</summary>
    private (string Keyword, int Index)? PickBranch(JsonElement owner, JsonElement value)
    {
        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (!owner.TryGetProperty(keyword, out var alternatives))
                continue;
            var matching = alternatives.EnumerateArray().Select((branch, index) => (Type: Text(Deref(branch), "type"), Index: index))
                .Where(b => b.Type is not null && TypeMatches(b.Type, value)).ToList();
            return matching.Count == 1 ? (keyword, matching[0].Index) : null;
        }

        return null;
    }

    private static bool TypeMatches(string type, JsonElement value) => (type, value.ValueKind) switch
    {
        ("string", JsonValueKind.String) or ("object", JsonValueKind.Object) or ("array", JsonValueKind.Array) => true,
        ("boolean", JsonValueKind.True or JsonValueKind.False) or ("integer" or "number", JsonValueKind.Number) => true,
        _ => false,
    };

    private JsonElement Deref(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference)
               && reference.GetString() is { } target && target.StartsWith("#/$defs/", StringComparison.Ordinal))
            schema = _root.GetProperty("$defs").GetProperty(target["#/$defs/".Length..]);
        return schema;
    }

    private static JsonElement? Find(JsonElement document, string pointer)
    {
        JsonElement? current = document;
        foreach (var segment in pointer.Split('/').Skip(1).Select(Unescape))
            current = current is { } container ? Step(container, segment) : null;
        return current;
    }

    private static JsonElement? Step(JsonElement container, string segment) => container.ValueKind switch
    {
        JsonValueKind.Object when container.TryGetProperty(segment, out var member) => member,
        JsonValueKind.Array when int.TryParse(segment, out var index) && index >= 0 && index < container.GetArrayLength() => container[index],
        _ => null,
    };

    private static string ListOf(IReadOnlyList<string> members) => members.Count == 0 ? "none" : string.Join(", ", members);

    private static string Parent(string pointer) => pointer[..Math.Max(0, pointer.LastIndexOf('/'))];

    private static string LastSegment(string pointer) => Unescape(pointer[(pointer.LastIndexOf('/') + 1)..]);

    private static string Unescape(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    [GeneratedRegex(@"^/(anyOf|oneOf)/\d+$")]
    private static partial Regex BranchStep();

    /// <summary>Which failure to report first among several at the same token, most telling first.</summary>
    private enum FailureKind
    {
        UnknownMember,
        WrongType,
        Value,
        Alternative,
        MissingMember,
    }

    /// <summary>The pattern keyword, matched as ECMAScript by the interpreter (same matches as the library's compiled regex).</summary>
    private sealed class InterpretedPattern : PatternKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value) =>
            value.ValueKind == JsonValueKind.String ? new Regex(value.GetString()!, RegexOptions.ECMAScript) : base.ValidateKeywordValue(value);
    }

    private sealed record Failure(string Pointer, string Expected, string? Actual, bool AtMemberName, FailureKind Kind);
}
