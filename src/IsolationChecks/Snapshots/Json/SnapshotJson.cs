using System.Text.Json;
using System.Text.RegularExpressions;

namespace IsolationChecks.Snapshots.Json;

/// <summary>
/// Serializer settings and error translation shared by the snapshot reader, the folder reader and the overlay.
/// Reading is strict about what the catalog needs (required members, no nulls where the API never sends one)
/// and lenient about everything else (unknown members are ignored: hand-made CLI folders carry many more).
/// </summary>
internal static partial class SnapshotJson
{
    /// <summary>EC2, IAM and STS: the API's PascalCase member names, matched exactly.</summary>
    public static JsonSerializerOptions PascalCase { get; } = Create(null, writeIndented: false);

    /// <summary>CodeBuild and ECR print camelCase member names.</summary>
    public static JsonSerializerOptions CamelCase { get; } = Create(JsonNamingPolicy.CamelCase, writeIndented: false);

    /// <summary>
    /// manifest.json: camelCase, indented, nulls omitted; optional members (target, file, errorCode...) may be left
    /// out, so required members are checked by <see cref="SnapshotFolder"/> after reading.
    /// </summary>
    public static JsonSerializerOptions Manifest { get; } = Create(JsonNamingPolicy.CamelCase, writeIndented: true);

    public static JsonDocumentOptions DocumentOptions { get; } = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    private static JsonSerializerOptions Create(JsonNamingPolicy? naming, bool writeIndented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = naming,
            PropertyNameCaseInsensitive = false,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = !writeIndented,
            TypeInfoResolver = SnapshotJsonMetadata.Default,
            WriteIndented = writeIndented,
            DefaultIgnoreCondition = writeIndented
                ? System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull
                : System.Text.Json.Serialization.JsonIgnoreCondition.Never,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Parses a whole file, turning malformed JSON into an <see cref="InputException"/> with line and column.</summary>
    public static JsonDocument ParseDocument(byte[] bytes, string file)
    {
        try
        {
            return JsonDocument.Parse(StripBom(bytes), DocumentOptions);
        }
        catch (JsonException e)
        {
            throw Malformed(file, e);
        }
    }

    public static ReadOnlyMemory<byte> StripBom(byte[] bytes) =>
        bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? bytes.AsMemory(3) : bytes;

    public static InputException Malformed(string file, JsonException e) =>
        new(file, e.Path ?? "$", "well-formed JSON",
            $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}", e);

    /// <summary>Deserializes one element; a wrong type or missing member becomes an InputException with the full JSON path.</summary>
    /// <param name="basePath">The element's own path in the file ("$" or "$.Vpcs"), prefixed to the serializer's relative path.</param>
    /// <param name="shape">What the file should be, e.g. "the output of `aws ec2 describe-vpcs --output json`".</param>
    public static T Deserialize<T>(JsonElement element, JsonSerializerOptions options, string file, string basePath, string shape)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(element, options)
                ?? throw new InputException(file, basePath, $"a JSON value ({shape})", "null");
        }
        catch (JsonException e)
        {
            var relative = e.Path ?? "$";
            var path = basePath + (relative.StartsWith('$') ? relative[1..] : relative);
            throw new InputException(file, path, $"{Expectation(e)} ({shape})", Found(e), e);
        }
    }

    private static string Expectation(JsonException e)
    {
        // The reader's own message names the JSON type it wanted; the serializer's names the .NET type.
        var token = TokenExpectation().Match(e.InnerException?.Message ?? "");
        if (token.Success)
            return token.Groups[1].Value switch
            {
                "boolean" => "true or false",
                "number" => "a number",
                "string" => "a string",
                var other => $"a {other}",
            };
        var message = e.Message;
        var missing = MissingRequired().Match(message);
        if (missing.Success)
            return $"required member(s) {missing.Groups[1].Value}";
        var disallowNull = NullNotAllowed().Match(message);
        if (disallowNull.Success)
            return $"a non-null value for '{disallowNull.Groups[1].Value}'";
        var conversion = ConversionTarget().Match(message);
        if (!conversion.Success)
            return "a value of the documented type";
        var type = conversion.Groups[1].Value;
        if (type.StartsWith("System.Nullable`1", StringComparison.Ordinal))
            type = type["System.Nullable`1".Length..].TrimStart('[');
        return type switch
        {
            _ when type.StartsWith("System.String", StringComparison.Ordinal) => "a string",
            _ when type.StartsWith("System.Boolean", StringComparison.Ordinal) => "true or false",
            _ when type.StartsWith("System.Int", StringComparison.Ordinal) || type.StartsWith("System.Double", StringComparison.Ordinal)
                || type.StartsWith("System.Decimal", StringComparison.Ordinal) => "a number",
            _ when type.StartsWith("System.DateTimeOffset", StringComparison.Ordinal) => "an ISO 8601 date and time",
            _ when type.Contains("IReadOnlyList", StringComparison.Ordinal) || type.Contains("List`1", StringComparison.Ordinal) => "an array",
            _ => "an object",
        };
    }

    /// <summary>What was there instead, in the document's terms rather than the serializer's.</summary>
    private static string Found(JsonException e) =>
        MissingRequired().IsMatch(e.Message) ? "no such member"
        : NullNotAllowed().IsMatch(e.Message) ? "null"
        : e.InnerException is InvalidOperationException inner ? inner.Message
        : FirstSentence(e.Message);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    [GeneratedRegex(@"missing required properties including: (.*?)\.?$", RegexOptions.Multiline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"parameter '([^']+)' on type .* doesn't allow null values")]
    private static partial Regex NullNotAllowed();

    [GeneratedRegex(@"as an? (\w+)\.")]
    private static partial Regex TokenExpectation();

    [GeneratedRegex(@"could not be converted to ([^\s]+)")]
    private static partial Regex ConversionTarget();
}
