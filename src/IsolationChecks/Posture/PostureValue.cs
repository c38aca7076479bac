using System.Text.Json;

namespace IsolationChecks.Posture;

/// <summary>
/// A value of a posture that the schema has already accepted, with its JSON pointer, so a semantic rule can
/// reject it naming the path, the line and the column. Reading never re-checks structure: the schema did.
/// </summary>
internal sealed record PostureValue(JsonElement Element, string Pointer, JsonSourceMap Source)
{
    public InputException Error(string expected, string? actual = null) => Source.Error(Pointer, expected, actual ?? Describe());

    public string Describe() => Element.ValueKind == JsonValueKind.String ? $"\"{Element.GetString()}\"" : Element.GetRawText();

    public string Text => Element.GetString()!;

    public PostureValue? this[string member] =>
        Element.TryGetProperty(member, out var value) ? new PostureValue(value, JsonSourceMap.Child(Pointer, member), Source) : null;

    public IEnumerable<PostureValue> Items => Element.EnumerateArray().Select((item, index) => new PostureValue(item, JsonSourceMap.Child(Pointer, index), Source));

    public IEnumerable<(string Name, PostureValue Value)> Members =>
        Element.EnumerateObject().Select(m => (m.Name, new PostureValue(m.Value, JsonSourceMap.Child(Pointer, m.Name), Source)));

    public string Required(string member) => this[member]!.Text;

    public string? Optional(string member) => this[member]?.Text;

    public int? OptionalInt(string member) => this[member]?.Element.GetInt32();

    public List<string>? Strings(string member) => this[member]?.Items.Select(i => i.Text).ToList();

    public List<T>? List<T>(string member, Func<PostureValue, T> read) => this[member]?.Items.Select(read).ToList();
}
