using System.Text.Json;
using System.Text.Json.Serialization;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.BadInput;

/// <summary>What a case expects: the one message of the run contains <see cref="Fragment"/>, and the run exits with <see cref="ExitCode"/>.</summary>
public sealed record BadInputExpectation(
    [property: JsonPropertyName("fragment")] string Fragment,
    [property: JsonPropertyName("exitCode")] int ExitCode);

/// <summary>
/// One case of the bad-input corpus: <c>BadInput/Cases/&lt;name&gt;/case.json</c>, with its input files beside it.
/// <c>kind</c> says what the user got wrong: <c>settings</c> (runsettings parameters), <c>environment</c> (environment
/// variables), <c>snapshot</c> (the <c>snapshot</c> file or folder beside case.json is the Target) or <c>posture</c>
/// (the <c>posture.json</c> beside case.json).
/// </summary>
public sealed record BadInputCase(
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("parameters")] Dictionary<string, string>? Parameters,
    [property: JsonPropertyName("environment")] Dictionary<string, string>? Environment,
    [property: JsonPropertyName("expect")] BadInputExpectation Expect)
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "settings", "environment", "snapshot", "posture" };

    /// <summary>In a parameter or variable value: the suite's embedded reference environment (the demo data).</summary>
    public const string EmbeddedReferenceToken = "{EmbeddedReference}";

    public static string CasesFolder => RepositoryPaths.Path("tests", "IsolationChecks.Tests", "BadInput", "Cases");

    [JsonIgnore]
    public string Folder { get; private init; } = "";

    public string Name => Path.GetFileName(Folder);

    public override string ToString() => Name;

    public static IReadOnlyList<BadInputCase> All() =>
        Directory.EnumerateDirectories(CasesFolder).Order(StringComparer.Ordinal).Select(Load).ToList();

    public static BadInputCase Load(string folder)
    {
        var file = System.IO.Path.Combine(folder, "case.json");
        var loaded = JsonSerializer.Deserialize<BadInputCase>(File.ReadAllBytes(file), new JsonSerializerOptions { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow })
            ?? throw new InvalidDataException($"{file}: empty");
        return loaded with { Folder = folder };
    }
}
