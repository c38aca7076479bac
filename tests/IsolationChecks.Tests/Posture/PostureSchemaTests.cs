using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using IsolationChecks.Posture;
using IsolationChecks.Tests.Support;
using Json.Schema;

namespace IsolationChecks.Tests.Posture;

/// <summary>
/// schemas/posture.schema.json is the posture's structure, and the loader enforces it: changing the schema changes
/// what the loader accepts, and on generated mutations of a complete posture the schema alone decides which are
/// structurally wrong (checked against JsonSchema.Net evaluating the repository's schema file directly).
/// </summary>
public sealed class PostureSchemaTests
{
    private static string RepositorySchema => File.ReadAllText(RepositoryPaths.Path("schemas", "posture.schema.json"));

    [Test]
    public void Every_object_in_the_schema_forbids_additional_properties()
    {
        using var schema = JsonDocument.Parse(RepositorySchema);
        var open = new List<string>();
        FindOpenObjects(schema.RootElement, "#", open);

        Assert.That(open, Is.Empty);
    }

    [Test]
    public void Relaxing_the_schema_relaxes_the_loader()
    {
        var posture = PostureSamples.CompleteNode();
        posture["build"]!["note"] = "free text";
        var relaxed = JsonNode.Parse(RepositorySchema)!;
        relaxed["properties"]!["build"]!["additionalProperties"] = true;

        var strict = Assert.Throws<InputException>(() => PostureLoader.Parse(PostureSamples.Bytes(posture), "posture.json"));
        var loaded = PostureLoader.Parse(PostureSamples.Bytes(posture), "posture.json", new PostureSchema(relaxed.ToJsonString()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(strict!.Field, Is.EqualTo("$.build.note"));
            Assert.That(loaded.Build!.Account, Is.EqualTo("prd"));
        }
    }

    [Test]
    public void Tightening_the_schema_tightens_the_loader_in_the_schemas_words()
    {
        var tightened = JsonNode.Parse(RepositorySchema)!;
        tightened["properties"]!["name"]!["maxLength"] = 5;
        tightened["properties"]!["name"]!["description"] = "a name of at most five characters";

        var error = Assert.Throws<InputException>(() =>
            PostureLoader.Parse(Encoding.UTF8.GetBytes(PostureSamples.Complete), "posture.json", new PostureSchema(tightened.ToJsonString())));

        Assert.That(error!.Message, Does.Contain("posture.json: $.name at line 4, column 11: expected a name of at most five characters, found \"private-cicd\""));
    }

    [Test]
    public void The_embedded_schema_is_the_repository_file()
    {
        Assert.That(PostureSchema.EmbeddedText(), Is.EqualTo(RepositorySchema));
    }

    /// <summary>
    /// Generated mutations (a value replaced by another JSON type, a member removed, an unknown member added): whenever
    /// the schema rejects the result, the loader rejects it at a place the schema names; whenever the schema accepts it,
    /// the loader loads it or rejects exactly the value that changed (a semantic rule about that value).
    /// </summary>
    [Test]
    public void On_generated_mutations_the_schema_decides_the_structure()
    {
        var schema = JsonSchema.FromText(RepositorySchema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var sample = PostureSamples.CompleteNode();
        var pointers = Pointers(sample, "").Where(p => p.Length > 0 && !p.StartsWith("/accounts/", StringComparison.Ordinal)).ToList();
        var replacements = new JsonNode?[] { "x", 7, true, null, new JsonArray(), new JsonObject() };

        Gen.Select(Gen.Int[0, pointers.Count - 1], Gen.Int[0, 2], Gen.Int[0, replacements.Length - 1])
            .Sample((target, operation, replacement) =>
            {
                var posture = PostureSamples.CompleteNode();
                var pointer = pointers[target];
                var changed = Mutate(posture, pointer, operation, replacements[replacement]?.DeepClone());
                var bytes = PostureSamples.Bytes(posture);
                using var document = JsonDocument.Parse(bytes);
                var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                InputException? error = null;
                try
                {
                    PostureLoader.Parse(bytes, "posture.json");
                }
                catch (InputException e)
                {
                    error = e;
                }

                var source = JsonSourceMap.Scan(bytes, "posture.json");
                if (!results.IsValid)
                {
                    var named = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                        .Select(d => source.PathOf(d.InstanceLocation.ToString())).ToHashSet(StringComparer.Ordinal);
                    return error is not null && (named.Contains(error.Field) || named.Any(n => error.Field.StartsWith(n, StringComparison.Ordinal)));
                }

                return error is null || error.Field.StartsWith(source.PathOf(changed), StringComparison.Ordinal);
            }, iter: 400);
    }

    /// <summary>Applies one mutation; returns the pointer of what changed (for a removal, the object it was removed from).</summary>
    private static string Mutate(JsonObject posture, string pointer, int operation, JsonNode? replacement)
    {
        var slash = pointer.LastIndexOf('/');
        var parentPointer = pointer[..slash];
        var member = pointer[(slash + 1)..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        var parent = Find(posture, parentPointer)!;
        switch (operation)
        {
            case 0 when parent is JsonObject obj:
                obj.Remove(member);
                return parentPointer;
            case 1 when Find(posture, pointer) is JsonObject target:
                target["zz"] = 1;
                return pointer;
            default:
                if (parent is JsonArray array)
                    array[int.Parse(member, System.Globalization.CultureInfo.InvariantCulture)] = replacement;
                else
                    parent[member] = replacement;
                return pointer;
        }
    }

    private static JsonNode? Find(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var segment in pointer.Split('/').Skip(1).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)))
            node = node is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : node![segment];
        return node;
    }

    private static IEnumerable<string> Pointers(JsonNode? node, string at)
    {
        yield return at;
        var children = node switch
        {
            JsonObject obj => obj.Select(m => (Key: m.Key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal), Value: m.Value)),
            JsonArray array => array.Select((v, i) => (Key: i.ToString(System.Globalization.CultureInfo.InvariantCulture), Value: v)),
            _ => [],
        };
        foreach (var (key, value) in children.ToList())
            foreach (var pointer in Pointers(value, $"{at}/{key}"))
                yield return pointer;
    }

    private static void FindOpenObjects(JsonElement schema, string at, List<string> open)
    {
        if (schema.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in schema.EnumerateArray())
                FindOpenObjects(item, $"{at}/{i++}", open);
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
            return;
        var isObjectType = schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "object";
        if (isObjectType && !schema.TryGetProperty("additionalProperties", out _))
            open.Add(at);
        foreach (var property in schema.EnumerateObject())
            if (property.Name is not ("const" or "enum" or "required"))
                FindOpenObjects(property.Value, $"{at}/{property.Name}", open);
    }
}
