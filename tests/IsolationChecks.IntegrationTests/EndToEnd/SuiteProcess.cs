using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>The outcome of one `dotnet test` run of the compliance suite, as a user's CI sees it.</summary>
public sealed record SuiteOutcome(int ExitCode, string Output, JsonDocument? Findings, string OutputFolder)
{
    public IEnumerable<JsonElement> FindingsOf(string control) =>
        Findings is null ? [] : Findings.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("control").GetString() == control);

    public string StatusOf(string control, string resourceName) =>
        FindingsOf(control).Single(f => f.GetProperty("resourceName").GetString() == resourceName).GetProperty("status").GetString()!;
}

/// <summary>Runs the built IsolationTests assembly with `dotnet test`, configured through ISOLATION_* variables.</summary>
public static class SuiteProcess
{
    private static string Metadata(string key) =>
        typeof(SuiteProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string RepoRoot => Metadata("RepoRoot");

    public static string SuiteAssembly =>
        Path.Combine(RepoRoot, "IsolationTests", "bin", Metadata("Configuration"), "net10.0", "IsolationTests.dll");

    public static async Task<SuiteOutcome> RunAsync(
        IReadOnlyDictionary<string, string> settings, string? filter, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Assert.That(File.Exists(SuiteAssembly), Is.True, $"the suite is built at {SuiteAssembly}");
        var output = Path.Combine(Path.GetTempPath(), "isolation-e2e-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot };
        start.ArgumentList.Add("test");
        start.ArgumentList.Add(SuiteAssembly);
        if (filter is not null)
        {
            start.ArgumentList.Add("--filter");
            start.ArgumentList.Add(filter);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ISOLATION_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        start.Environment["ISOLATION_OUTPUT"] = output;
        start.Environment["PWD"] = RepoRoot;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        foreach (var (name, value) in settings)
            start.Environment["ISOLATION_" + name.ToUpperInvariant()] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = await stdout + await stderr;
        var findingsFile = Path.Combine(output, "findings.json");
        var findings = File.Exists(findingsFile) ? JsonDocument.Parse(await File.ReadAllBytesAsync(findingsFile, cancellationToken)) : null;
        return new SuiteOutcome(process.ExitCode, text, findings, output);
    }
}
