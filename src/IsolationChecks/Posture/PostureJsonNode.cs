using System.Globalization;
using System.Text.Json;

namespace IsolationChecks.Posture;

/// <summary>
/// Records, per level of the document, the member names the loader accepts. Levels are JSON paths with array
/// indices as [] and map keys as * ("$.gitLab.hosts[].tag", "$.accounts.*"), so a test can compare them with the schema.
/// </summary>
internal sealed class AcceptedMembers
{
    private readonly Dictionary<string, SortedSet<string>> _levels = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, SortedSet<string>> Levels => _levels;

    public void Record(string shape, IEnumerable<string> members)
    {
        if (!_levels.TryGetValue(shape, out var set))
            _levels[shape] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.UnionWith(members);
    }
}

/// <summary>A value in the posture document with its JSON path (for errors) and its shape (for <see cref="AcceptedMembers"/>).</summary>
internal readonly record struct PostureJsonNode(JsonElement Element, string Path, string Shape, PostureParseContext Context)
{
    public InputException Error(string expected, string? actual = null) => new(Context.File, Path, expected, actual ?? Describe(Element));

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"\"{Truncate(element.GetString()!)}\"",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Truncate(string text) => text.Length > 80 ? text[..80] + "..." : text;

    public PostureObject Object(params string[] members)
    {
        if (Element.ValueKind != JsonValueKind.Object)
            throw Error("an object");
        Context.Accepted?.Record(Shape, members);
        foreach (var property in Element.EnumerateObject())
            if (Array.IndexOf(members, property.Name) < 0)
                throw new InputException(Context.File, $"{Path}.{property.Name}",
                    $"only the members {string.Join(", ", members)}", $"unknown member \"{property.Name}\"");
        return new PostureObject(this);
    }

    public string String()
    {
        if (Element.ValueKind != JsonValueKind.String || Element.GetString()!.Length == 0)
            throw Error("a non-empty string");
        return Element.GetString()!;
    }

    public string String(PostureFormats.Format format)
    {
        if (Element.ValueKind != JsonValueKind.String)
            throw Error(format.Expected);
        var text = Element.GetString()!;
        if (!format.Pattern.IsMatch(text))
            throw Error(format.Expected);
        return text;
    }

    public int Int(int min, int max)
    {
        if (Element.ValueKind != JsonValueKind.Number || !Element.TryGetInt32(out var value) || value < min || value > max)
            throw Error($"an integer from {min} to {max}");
        return value;
    }

    public bool Bool()
    {
        if (Element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw Error("true or false");
        return Element.GetBoolean();
    }

    public string Cidr()
    {
        if (Element.ValueKind != JsonValueKind.String)
            throw Error(PostureFormats.CidrExpected);
        var text = Element.GetString()!;
        var check = PostureFormats.CheckCidr(text);
        if (check.IsValid)
            return text;
        throw check.NetworkAddress is null
            ? Error(PostureFormats.CidrExpected)
            : Error($"the network address {check.NetworkAddress} (host bits must be zero)");
    }

    public DateOnly Date()
    {
        var text = String(PostureFormats.Date);
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw Error(PostureFormats.Date.Expected + " that exists in the calendar");
        return date;
    }

    public string AccountReference()
    {
        var name = String();
        if (!Context.AccountNames.Contains(name))
            throw Error($"the name of an account declared under $.accounts ({string.Join(", ", Context.AccountNames.Order(StringComparer.Ordinal))})");
        return name;
    }

    public List<T> List<T>(Func<PostureJsonNode, T> read, bool atLeastOne)
    {
        if (Element.ValueKind != JsonValueKind.Array)
            throw Error(atLeastOne ? "an array with at least one item" : "an array");
        if (atLeastOne && Element.GetArrayLength() == 0)
            throw Error("an array with at least one item", "an empty array");
        var items = new List<T>();
        var index = 0;
        foreach (var item in Element.EnumerateArray())
            items.Add(read(new PostureJsonNode(item, $"{Path}[{index++}]", Shape + "[]", Context)));
        return items;
    }
}

/// <summary>An object whose member names have been checked; reads required and optional members.</summary>
internal readonly struct PostureObject(PostureJsonNode node)
{
    public PostureJsonNode Node => node;

    public bool Has(string name) => node.Element.TryGetProperty(name, out _);

    public PostureJsonNode Required(string name, string expected)
    {
        if (!node.Element.TryGetProperty(name, out var value))
            throw new InputException(node.Context.File, $"{node.Path}.{name}", expected, "absent");
        return Child(name, value);
    }

    public T Required<T>(string name, string expected, Func<PostureJsonNode, T> read) => read(Required(name, expected));

    public T? Optional<T>(string name, Func<PostureJsonNode, T> read) where T : class =>
        node.Element.TryGetProperty(name, out var value) ? read(Child(name, value)) : null;

    public T? OptionalValue<T>(string name, Func<PostureJsonNode, T> read) where T : struct =>
        node.Element.TryGetProperty(name, out var value) ? read(Child(name, value)) : null;

    private PostureJsonNode Child(string name, JsonElement value) =>
        new(value, $"{node.Path}.{name}", $"{node.Shape}.{name}", node.Context);
}

internal sealed class PostureParseContext(string file, AcceptedMembers? accepted)
{
    public string File { get; } = file;

    public AcceptedMembers? Accepted { get; } = accepted;

    public HashSet<string> AccountNames { get; } = new(StringComparer.Ordinal);
}
