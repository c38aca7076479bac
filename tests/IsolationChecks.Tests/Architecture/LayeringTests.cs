using System.Text.RegularExpressions;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Architecture;

/// <summary>
/// Layers are folders, and no dependency points backwards: AWS access → posture → collection (and the probes) →
/// snapshot → evaluation → controls → settings → running → reporting, with the one CIDR type (Evaluation/Addressing)
/// a foundation every layer may use. A file may use its own layer and the layers before it. Read from the source
/// (using directives and qualified names), so a new backward reference fails here.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly string[][] Order =
    [
        ["Addressing", "Aws"], ["Posture"], ["Collection", "Git", "Probes"], ["Snapshots"], ["Evaluation"], ["Controls"], ["Settings"], ["Running"], ["Reporting"],
    ];

    private static int RankOf(string layer) => Array.FindIndex(Order, l => l.Contains(layer));

    public static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(RepositoryPaths.Path("src", "IsolationChecks"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Path("src", "IsolationChecks"), f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => f.Contains('/'))
            .Order(StringComparer.Ordinal);

    private static string LayerOf(string file) => file.StartsWith("Evaluation/Addressing/", StringComparison.Ordinal) ? "Addressing" : file.Split('/')[0];

    [Test]
    public void Every_folder_of_the_engine_is_a_known_layer() =>
        Assert.That(SourceFiles().Select(LayerOf).Distinct().Where(l => RankOf(l) < 0), Is.Empty);

    [TestCaseSource(nameof(SourceFiles))]
    public void No_dependency_points_backwards(string file)
    {
        var layer = LayerOf(file);
        var text = File.ReadAllText(RepositoryPaths.Path("src", "IsolationChecks", file));
        var code = string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
        var used = Reference().Matches(code).Select(m => m.Groups[2].Success ? "Addressing" : m.Groups[1].Value).Where(l => RankOf(l) >= 0).Distinct();

        Assert.That(used.Where(l => RankOf(l) > RankOf(layer)), Is.Empty, $"{file} ({layer}) may use only {string.Join(", ", Order.Take(RankOf(layer) + 1).SelectMany(l => l))}");
    }

    [GeneratedRegex(@"(?:using\s+IsolationChecks\.|\bIsolationChecks\.|(?<![\w.])(?=(?:Aws|Posture|Collection|Git|Probes|Snapshots|Evaluation|Controls|Settings|Running|Reporting)\.[A-Z]))(\w+)(\.Addressing\b)?")]
    private static partial Regex Reference();
}
