using System.Text.RegularExpressions;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Documentation;

/// <summary>The repository stands alone: no doc, comment, script or data file points at the design folder beside it.</summary>
public partial class StandsAloneTests
{
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "bin", "obj", ".git", "TestResults", "isolation-results", "node_modules", "work" };

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".md", ".json", ".yml", ".yaml", ".py", ".sh", ".props", ".csproj", ".sln", ".txt", ".xml", ".runsettings", "",
    };

    [Test]
    public void No_file_points_outside_the_repository()
    {
        var offending = Files(RepositoryPaths.Root)
            .SelectMany(file => File.ReadLines(file).Select((line, n) => (File: file, Line: n + 1, Text: line)))
            .Where(l => OutsideReference().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(RepositoryPaths.Root, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.That(offending, Is.Empty, "copy what a reader needs into docs/ instead");
    }

    private static IEnumerable<string> Files(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => TextExtensions.Contains(Path.GetExtension(f)) && new FileInfo(f).Length < 2_000_000))
            yield return file;
        foreach (var sub in Directory.EnumerateDirectories(folder).Where(d => !Skipped.Contains(Path.GetFileName(d))))
        foreach (var file in Files(sub))
            yield return file;
    }

    // The design folder beside a checkout, by a relative or an absolute path, or by its design and seeds subfolders.
    [GeneratedRegex(@"(\.\./|/work/)shared/|shared/(design|seeds)/")]
    private static partial Regex OutsideReference();
}
