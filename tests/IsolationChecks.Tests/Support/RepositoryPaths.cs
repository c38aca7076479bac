using System.Reflection;

namespace IsolationChecks.Tests.Support;

/// <summary>Paths inside the repository (fixtures are read in place: violation fixtures are overlays on the reference).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Reference => Path("Fixtures", "reference");

    public static IEnumerable<string> ViolationFixtures() =>
        Directory.EnumerateDirectories(Path("Fixtures", "violations"))
            .Where(d => File.Exists(System.IO.Path.Combine(d, "fixture.json")))
            .Order(StringComparer.Ordinal);
}
