using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IsolationChecks.Posture;

/// <summary>
/// Where every value and member name of a JSON file starts (line and column), by JSON pointer, with the
/// JSON path a person reads ("$.build.projects[2]"), so an error found later (by the schema or a semantic
/// rule) can point at the offending token. Built by one pass of <see cref="Utf8JsonReader"/>, which also
/// rejects what a document model would hide or misplace: malformed JSON, a member given twice, a number too
/// large to compare, a file that is not UTF-8.
/// </summary>
internal sealed partial class JsonSourceMap
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly int[] _lineStarts;
    private readonly ReadOnlyMemory<byte> _text;

    private JsonSourceMap(string file, ReadOnlyMemory<byte> text)
    {
        File = file;
        _text = text;
        var starts = new List<int> { 0 };
        var span = text.Span;
        for (var i = 0; i < span.Length; i++)
            if (span[i] == (byte)'\n')
                starts.Add(i + 1);
        _lineStarts = [.. starts];
    }

    public string File { get; }

    /// <summary>The document model of the scanned text (which <see cref="Scan"/> has already proven well-formed).</summary>
    public JsonDocument Parse() => JsonDocument.Parse(_text, new JsonDocumentOptions { MaxDepth = 64 });

    /// <summary>The JSON path of a pointer's value ("$" for the root); pointers of absent members get one too.</summary>
    public string PathOf(string pointer)
    {
        if (_entries.TryGetValue(pointer, out var entry))
            return entry.Path;
        var slash = pointer.LastIndexOf('/');
        return slash < 0 ? "$" : PathOf(pointer[..slash]) + Member(Unescape(pointer[(slash + 1)..]));
    }

    /// <summary>
    /// Where the value at a pointer starts; for a member name, where the name starts. For a member that is absent,
    /// where the object that lacks it starts.
    /// </summary>
    public TextPosition? PositionOf(string pointer, bool memberName = false)
    {
        if (_entries.TryGetValue(pointer, out var entry))
            return memberName && entry.Key is { } key ? key : entry.Value;
        var slash = pointer.LastIndexOf('/');
        return slash < 0 ? null : PositionOf(pointer[..slash]);
    }

    /// <summary>The one error for a value: the file, its JSON path, line and column, and what was expected.</summary>
    public InputException Error(string pointer, string expected, string? actual, bool atMemberName = false) =>
        new(File, PathOf(pointer), expected, actual, position: PositionOf(pointer, atMemberName));

    public static string Child(string pointer, string member) => $"{pointer}/{member.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";

    public static string Child(string pointer, int index) => $"{pointer}/{index}";

    /// <summary>Scans a whole file; bad input throws <see cref="InputException"/> naming the line and column.</summary>
    public static JsonSourceMap Scan(byte[] bytes, string file, string what = "the posture")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
            throw new InputException(file, "$", "a UTF-8 text file (save it as UTF-8)", "a UTF-16 byte order mark", position: new TextPosition(1, 1));
        var text = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? bytes.AsMemory(3) : bytes.AsMemory();
        if (text.Span.Trim(" \t\r\n"u8).IsEmpty)
            throw new InputException(file, "$", $"a JSON object ({what})", "an empty file", position: new TextPosition(1, 1));
        var map = new JsonSourceMap(file, text);
        map.Read();
        return map;
    }

    private void Read()
    {
        var reader = new Utf8JsonReader(_text.Span, new JsonReaderOptions
        {
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 64,
        });
        var frames = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                var at = At((int)reader.TokenStartIndex);
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        ReadMemberName(ref reader, frames.Peek(), at);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.Pop();
                        break;
                    default:
                        var pointer = ValuePointer(frames, at);
                        if (reader.TokenType == JsonTokenType.String)
                            CheckText(ref reader, pointer, at);
                        if (reader.TokenType == JsonTokenType.Number && !reader.TryGetDecimal(out _))
                            throw new InputException(File, PathOf(pointer),
                                "a number of ordinary size (the posture's numbers are small integers such as 1 or 30)",
                                $"{Truncate(Encoding.UTF8.GetString(reader.ValueSpan))} (too large to compare)", position: at);
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                            frames.Push(new Frame(pointer, reader.TokenType == JsonTokenType.StartArray));
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw Malformed(e, frames);
        }

    }

    private void ReadMemberName(ref Utf8JsonReader reader, Frame frame, TextPosition at)
    {
        var name = reader.GetString()!;
        var pointer = Child(frame.Pointer, name);
        if (frame.Names.TryGetValue(name, out var first))
            throw new InputException(File, PathOf(frame.Pointer) + Member(name),
                "each member at most once in an object", $"\"{name}\" a second time (first at {first})", position: at);
        frame.Names[name] = at;
        frame.PendingMember = (pointer, name, at);
    }

    private string ValuePointer(Stack<Frame> frames, TextPosition at)
    {
        if (frames.Count == 0)
        {
            _entries[""] = new Entry("$", at, null);
            return "";
        }

        var frame = frames.Peek();
        string pointer, path;
        TextPosition? key = null;
        if (frame.IsArray)
        {
            pointer = Child(frame.Pointer, frame.NextIndex);
            path = $"{_entries[frame.Pointer].Path}[{frame.NextIndex++}]";
        }
        else
        {
            var (memberPointer, name, nameAt) = frame.PendingMember!.Value;
            pointer = memberPointer;
            path = _entries[frame.Pointer].Path + Member(name);
            key = nameAt;
        }

        _entries[pointer] = new Entry(path, at, key);
        return pointer;
    }

    private void CheckText(ref Utf8JsonReader reader, string pointer, TextPosition at)
    {
        try
        {
            _ = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            throw new InputException(File, PathOf(pointer), "text encoded as UTF-8", "bytes that are not UTF-8", position: at);
        }
    }

    private InputException Malformed(JsonException e, Stack<Frame> frames)
    {
        var line = (int)(e.LineNumber ?? 0);
        var offset = line < _lineStarts.Length ? _lineStarts[line] + (int)(e.BytePositionInLine ?? 0) : _text.Length;
        var path = frames.Count == 0 ? "$" : _entries[frames.Peek().Pointer].Path;
        var reason = ReaderDetail().Replace(e.Message, "").Trim();
        var expected = reason.Contains("after a single JSON value", StringComparison.Ordinal) ? "a single JSON object (there is more text after the end of the posture)"
            : reason.Contains("'/'", StringComparison.Ordinal) ? "JSON without comments (// and /* */ are not JSON)"
            : reason.Contains("trailing comma", StringComparison.OrdinalIgnoreCase) ? "no comma after the last item of an object or array"
            : reason.Contains("end of data", StringComparison.OrdinalIgnoreCase) || reason.Contains("incomplete", StringComparison.OrdinalIgnoreCase)
                ? "the rest of the document (it ends early: a closing } or ] is missing)"
            : "well-formed JSON";
        return new InputException(File, path, expected, $"malformed JSON: {reason}", position: At(Math.Min(offset, _text.Length)));
    }

    private TextPosition At(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, offset);
        var line = index >= 0 ? index : ~index - 1;
        var column = 1;
        var span = _text.Span;
        for (var i = _lineStarts[line]; i < offset && i < span.Length; i++)
            if ((span[i] & 0xC0) != 0x80)
                column++;
        return new TextPosition(line + 1, column);
    }

    private static string Member(string name) => IdentifierLike().IsMatch(name) ? $".{name}" : $"['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    private static string Unescape(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static string Truncate(string text) => text.Length > 40 ? text[..40] + "..." : text;

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$-]*$")]
    private static partial Regex IdentifierLike();

    /// <summary>The reader's own position suffix; the message carries line and column in the editor's terms instead.</summary>
    [GeneratedRegex(@"\s*(LineNumber|Path): .*$", RegexOptions.Singleline)]
    private static partial Regex ReaderDetail();

    private sealed record Entry(string Path, TextPosition Value, TextPosition? Key);

    private sealed class Frame(string pointer, bool isArray)
    {
        public string Pointer { get; } = pointer;

        public bool IsArray { get; } = isArray;

        public int NextIndex { get; set; }

        public Dictionary<string, TextPosition> Names { get; } = new(StringComparer.Ordinal);

        public (string Pointer, string Name, TextPosition At)? PendingMember { get; set; }
    }
}
