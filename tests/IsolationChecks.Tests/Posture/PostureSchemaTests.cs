using NUnit.Framework;
using System.Text;
using System.Text.Json;
using IsolationChecks.Posture;

namespace IsolationChecks.Tests.Posture;

/// <summary>
/// No JSON Schema validator is available, so the loader is the validator and the schema is documentation and
/// editor support. These tests keep the two from drifting apart: same member names at every level.
/// </summary>
public sealed class PostureSchemaTests
{
    private static JsonDocument LoadSchema()
    {
        using var stream = typeof(PostureLoader).Assembly.GetManifestResourceStream("posture.schema.json")
            ?? throw new InvalidOperationException("posture.schema.json is not embedded in the engine assembly");
        return JsonDocument.Parse(stream);
    }

    [Test]
    public void The_schema_and_the_loader_accept_the_same_members_at_every_level()
    {
        using var schema = LoadSchema();
        var fromSchema = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        Walk(schema.RootElement, schema.RootElement, "$", fromSchema);

        var accepted = new AcceptedMembers();
        PostureLoader.Parse(Encoding.UTF8.GetBytes(PostureSamples.Complete), "posture.json", accepted);
        var fromLoader = new SortedDictionary<string, SortedSet<string>>(
            accepted.Levels.ToDictionary(l => l.Key, l => l.Value), StringComparer.Ordinal);

        Assert.That(Describe(fromLoader), Is.EqualTo(Describe(fromSchema)));
    }

    [Test]
    public void Every_object_in_the_schema_forbids_additional_properties()
    {
        using var schema = LoadSchema();
        var open = new List<string>();
        FindOpenObjects(schema.RootElement, "#", open);

        Assert.That(open, Is.Empty);
    }

    [Test]
    public void The_schema_requires_what_the_loader_requires()
    {
        using var schema = LoadSchema();
        var required = schema.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ToList();

        Assert.That(required, Is.EquivalentTo(new[] { "version", "name", "accounts" }));
        foreach (var member in required)
        {
            var posture = PostureSamples.CompleteNode();
            posture.Remove(member!);
            var error = Assert.Throws<InputException>(() => PostureLoader.Parse(PostureSamples.Bytes(posture), "posture.json"));
            Assert.That(error.Field, Is.EqualTo($"$.{member}"));
        }
    }

    private static string Describe(IDictionary<string, SortedSet<string>> levels) =>
        string.Join("\n", levels.Select(l => $"{l.Key}: {string.Join(", ", l.Value)}"));

    private static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var pointer = reference.GetString()!;
            Assert.That(pointer, Does.StartWith("#/$defs/"));
            schema = root.GetProperty("$defs").GetProperty(pointer["#/$defs/".Length..]);
        }

        return schema;
    }

    private static void Walk(JsonElement root, JsonElement schema, string shape, IDictionary<string, SortedSet<string>> levels)
    {
        schema = Resolve(root, schema);
        if (schema.ValueKind != JsonValueKind.Object)
            return;
        if (schema.TryGetProperty("properties", out var properties))
        {
            levels[shape] = new SortedSet<string>(properties.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
            foreach (var property in properties.EnumerateObject())
                Walk(root, property.Value, $"{shape}.{property.Name}", levels);
        }

        if (schema.TryGetProperty("items", out var items))
            Walk(root, items, shape + "[]", levels);
        if (schema.TryGetProperty("additionalProperties", out var map) && map.ValueKind == JsonValueKind.Object)
            Walk(root, map, shape + ".*", levels);
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
