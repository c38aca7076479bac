namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>
/// What a pipeline reads from `dotnet test IsolationTests`: the exit code follows the audit gate over every finding,
/// whatever --filter selects; gate settings refuse an empty target and the demo data; an error is printed once.
/// </summary>
[Category("EndToEnd")]
public class ExitCodeSuiteTests
{
    private string _failing = "";

    /// <summary>The reference environment with app-build running privileged: CB-5 (high) fails, so the gate fails.</summary>
    [OneTimeSetUp]
    public void WriteFailingSnapshot()
    {
        _failing = Path.Combine(Path.GetTempPath(), $"privileged-{Guid.NewGuid():N}");
        var reference = Path.Combine(SuiteProcess.RepoRoot, "Fixtures", "reference");
        foreach (var file in Directory.EnumerateFiles(reference, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_failing, Path.GetRelativePath(reference, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        var projects = Path.Combine(_failing, "accounts", "222222222222", "ap-northeast-1", "codebuild", "batch-get-projects.json");
        var text = File.ReadAllText(projects);
        var first = text.IndexOf("\"privilegedMode\": false", StringComparison.Ordinal);
        File.WriteAllText(projects, string.Concat(text.AsSpan(0, first), "\"privilegedMode\": true", text.AsSpan(first + "\"privilegedMode\": false".Length)));
    }

    [OneTimeTearDown]
    public void DeleteFailingSnapshot() => Directory.Delete(_failing, recursive: true);

    [TestCase("Control=CB-1")]
    [TestCase("TestCategory!=CodeBuild")]
    public async Task A_failed_gate_fails_dotnet_test_when_the_filter_selects_only_passing_tests(string filter)
    {
        var outcome = await SuiteProcess.RunAsync(new SuiteStart(new Dictionary<string, string> { ["Target"] = _failing }, filter), CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Not.Zero, outcome.Output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Output, Does.Contain("Failed:     0"), "every selected test passed");
            Assert.That(outcome.Occurrences("IsolationChecks audit gate FAILED"), Is.EqualTo(1), outcome.Output);
            Assert.That(outcome.StatusOf("CB-5", "app-build"), Is.EqualTo("fail"), "the gate is judged over every finding");
            Assert.That(outcome.Findings!.RootElement.GetProperty("exitCode").GetInt32(), Is.EqualTo(1));
            Assert.That(outcome.Output, Does.Not.Contain("   at "), "no stack trace");
        }
    }

    [Test]
    public async Task The_default_run_passes_on_the_demo_data_and_every_report_says_it_is_demo_data()
    {
        var outcome = await SuiteProcess.RunAsync(new SuiteStart(Filter: "Control=CB-1"), CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Zero, outcome.Output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Output, Does.Contain("DEMO DATA, NOT AN AUDIT"));
            Assert.That(outcome.Findings!.RootElement.GetProperty("demoData").GetBoolean(), Is.True);
            Assert.That(File.ReadAllText(Path.Combine(outcome.OutputFolder, "report.md")), Does.Contain("DEMO DATA, NOT AN AUDIT"));
            Assert.That(File.ReadAllText(Path.Combine(outcome.OutputFolder, "report.html")), Does.Contain("DEMO DATA, NOT AN AUDIT"));
        }
    }

    /// <summary>An unset CI variable arrives as an empty ISOLATION_TARGET; the gate settings file must not read it as "the demo data".</summary>
    [TestCase("an empty variable", "environment variable ISOLATION_TARGET: Target")]
    [TestCase("the embedded reference", "never judges the embedded demo data")]
    public async Task The_gate_settings_refuse_an_empty_target_and_the_demo_data_printing_the_error_once(string target, string error)
    {
        var embedded = Path.GetDirectoryName(SuiteProcess.SuiteAssembly)!;
        var output = Path.Combine(Path.GetTempPath(), $"gate-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "findings.json"), """{"auditGate": {"passed": true}}""");
        var value = target == "an empty variable" ? "" : Path.Combine(embedded, "Fixtures", "reference");

        var outcome = await SuiteProcess.RunAsync(
            new SuiteStart(SettingsFile: "runsettings/audit-gate.runsettings", Environment: new Dictionary<string, string> { ["ISOLATION_TARGET"] = value }, OutputFolder: output),
            CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Not.Zero, outcome.Output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Occurrences(error), Is.EqualTo(1), outcome.Output);
            Assert.That(outcome.Output, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(outcome.Findings, Is.Null, "the previous run's passing findings.json is gone");
            Assert.That(outcome.Error?.GetProperty("kind").GetString(), Is.EqualTo("configuration-error"));
            Assert.That(outcome.Error?.GetProperty("exitCode").GetInt32(), Is.EqualTo(2));
        }
    }

    /// <summary>Unfiltered, the "Suite configuration" test prints the error; filtered away, the end of the run does: once either way.</summary>
    [TestCase(null)]
    [TestCase("Control=CB-2")]
    public async Task A_configuration_error_is_printed_once_whatever_the_filter(string? filter)
    {
        var outcome = await SuiteProcess.RunAsync(
            new SuiteStart(Filter: filter, Environment: new Dictionary<string, string> { ["ISOLATION_TAGRET"] = "live" }), CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Not.Zero, outcome.Output);
        Assert.That(outcome.Occurrences("unknown variable ISOLATION_TAGRET"), Is.EqualTo(1), outcome.Output);
        Assert.That(outcome.Output, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(File.ReadAllText(Path.Combine(outcome.OutputFolder, "error.txt")), Does.Contain("unknown variable ISOLATION_TAGRET"));
    }
}
