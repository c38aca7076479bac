using IsolationChecks.Collection;
namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>`dotnet test IsolationTests` as users run it, on fixtures: exit codes, reports, clear errors.</summary>
[Category("EndToEnd")]
public class OfflineSuiteTests
{
    [Test]
    public async Task The_embedded_reference_passes_and_writes_the_three_reports()
    {
        var outcome = await SuiteProcess.RunAsync(new Dictionary<string, string>(), null, CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Zero, outcome.Output);
        using (Assert.EnterMultipleScope())
        {
            foreach (var file in new[] { "findings.json", "report.md", "report.html" })
                Assert.That(File.Exists(Path.Combine(outcome.OutputFolder, file)), Is.True, file);
            Assert.That(outcome.FindingsOf("CB-1").Select(f => f.GetProperty("status").GetString()), Is.Not.Empty.And.All.EqualTo("pass"));
        }
    }

    [Test]
    public async Task A_violation_fixture_fails_the_run_and_names_the_route()
    {
        using var fixture = await IsolationChecks.TestSupport.FixtureOverlay.MaterialiseAsync(Path.Combine(SuiteProcess.RepoRoot, "Fixtures", "violations", "CB-2-nat-route"));
        var outcome = await SuiteProcess.RunAsync(
            new Dictionary<string, string> { ["Target"] = fixture.Folder }, "TestCategory=CodeBuild", CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Not.Zero, outcome.Output);
        Assert.That(outcome.StatusOf("CB-2", "app-build"), Is.EqualTo("fail"));
        Assert.That(outcome.Output, Does.Contain("CB-2 app-build").And.Contain("0.0.0.0/0"));
    }

    [Test]
    public async Task A_malformed_posture_stops_the_run_naming_file_and_field()
    {
        var posture = Path.Combine(Path.GetTempPath(), $"posture-{Guid.NewGuid():N}.json");
        var reference = await File.ReadAllTextAsync(Path.Combine(SuiteProcess.RepoRoot, "Fixtures", "reference", "posture.json"));
        await File.WriteAllTextAsync(posture, reference.Replace("\"version\": 1", "\"version\": 1, \"colour\": \"blue\"", StringComparison.Ordinal));

        var outcome = await SuiteProcess.RunAsync(new Dictionary<string, string> { ["Posture"] = posture }, null, CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Not.Zero);
        Assert.That(outcome.Output, Does.Contain(posture).And.Contain("colour"));
    }

    [Test]
    public async Task A_malformed_setting_stops_the_run_naming_the_setting()
    {
        var outcome = await SuiteProcess.RunAsync(new Dictionary<string, string> { ["Region"] = "mars-north-9x" }, null, CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Not.Zero);
        Assert.That(outcome.Output, Does.Contain("Region").And.Contain("mars-north-9x"));
    }

    [Test]
    public async Task A_snapshot_file_that_no_longer_matches_its_manifest_refuses_to_pass()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"tampered-{Guid.NewGuid():N}");
        var reference = await IsolationChecks.Snapshots.SnapshotFolder.ReadAsync(Path.Combine(SuiteProcess.RepoRoot, "Fixtures", "reference"), CancellationToken.None);
        await IsolationChecks.Snapshots.SnapshotFolder.WriteAsync(reference with
        {
            Manifest = new IsolationChecks.Collection.SnapshotManifest(IsolationChecks.Collection.SnapshotManifest.CurrentFormat, "test",
                DateTimeOffset.UtcNow, [], [], reference.Files.ToDictionary(f => f.Key, f => IsolationChecks.Collection.FileDigest.Sha256Hex(f.Value))),
        }, folder, signingKey: null, CancellationToken.None);
        var subnets = Path.Combine(folder, "accounts", "222222222222", "ap-northeast-1", "Subnets.json");
        await File.WriteAllTextAsync(subnets, (await File.ReadAllTextAsync(subnets)).Replace("10.20.", "10.21.", StringComparison.Ordinal));

        var outcome = await SuiteProcess.RunAsync(new Dictionary<string, string> { ["Target"] = folder }, "TestCategory=CodeBuild", CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Not.Zero, outcome.Output);
        Assert.That(outcome.FindingsOf("CB-2").Select(f => f.GetProperty("status").GetString()), Is.Not.Empty.And.All.EqualTo("error"));
        Assert.That(outcome.FindingsOf("CB-2").First().GetProperty("message").GetString(), Does.Contain("Subnets.json"));
    }
}
