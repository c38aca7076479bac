using System.Text.Json;
using IsolationChecks.Running;
using IsolationChecks.Tests.Cli;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Drift;

/// <summary>
/// `audit --baseline` and `snapshot diff` on the reference and a violation overlay (EP-2: private DNS turned off on one
/// endpoint, which drops its two private DNS names): the changed setting and the removed names are reported with the controls that read it, the verdict that moved is named, and
/// the same drift appears in findings.json, report.md and the diff's JSON.
/// </summary>
public class DriftCommandsTests
{
    private string _work = null!;
    private string _changed = null!;

    [SetUp]
    public async Task MaterialiseTheChangeAsync()
    {
        _work = Directory.CreateTempSubdirectory("drift-").FullName;
        using var fixture = await IsolationChecks.TestSupport.FixtureOverlay.MaterialiseAsync(Path.Combine(RepositoryPaths.Root, "Fixtures", "violations", "EP-2-private-dns-off"));
        _changed = Path.Combine(_work, "changed");
        ConsoleToolTests.CopyFolder(fixture.Folder, _changed);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_work, recursive: true);

    [Test]
    public async Task Audit_with_a_baseline_reports_the_change_and_the_verdict_that_moved()
    {
        var run = await ToolRun.RunAsync(["audit", "--target", _changed, "--baseline", RepositoryPaths.Reference, "--progress", "quiet"], null, _work);

        Assert.That(run.Code, Is.EqualTo(ExitCodes.GateFailed), run.ToString());
        Assert.That(run.Output, Does.Contain("drift since").And.Contain("3 evidence change(s)"));
        using var findings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work, "isolation-results", "findings.json")));
        var drift = findings.RootElement.GetProperty("drift");
        var changes = drift.GetProperty("changes").EnumerateArray().ToList();
        Assert.That(changes.Select(c => (c.GetProperty("resource").GetString(), c.GetProperty("member").GetString(), c.GetProperty("kind").GetString())),
            Is.EquivalentTo(new[]
            {
                ("vpce-00d31767907abadc5", "PrivateDnsEnabled", "changed"),
                ("vpce-00d31767907abadc5", "DnsEntries", "removed"),
                ("vpce-00d31767907abadc5", "DnsEntries", "removed"),
            }));
        var change = changes.Single(c => c.GetProperty("member").GetString() == "PrivateDnsEnabled");
        Assert.That(change.GetProperty("category").GetString(), Is.EqualTo("VPC endpoint setting"));
        Assert.That(change.GetProperty("member").GetString(), Is.EqualTo("PrivateDnsEnabled"));
        Assert.That(change.GetProperty("before").GetBoolean(), Is.True);
        Assert.That(change.GetProperty("after").GetBoolean(), Is.False);
        Assert.That(change.GetProperty("controls").EnumerateArray().Select(c => c.GetString()), Does.Contain("EP-2"));
        var verdicts = drift.GetProperty("verdicts").EnumerateArray().ToList();
        Assert.That(verdicts.Select(v => (v.GetProperty("control").GetString(), v.GetProperty("before").GetString(), v.GetProperty("after").GetString())),
            Does.Contain(("EP-2", "pass", "fail")));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(_work, "isolation-results", "report.md")),
            Does.Contain("## Drift since the baseline").And.Contain("VPC endpoint setting").And.Contain("controls: EP-1, EP-2"));
    }

    [Test]
    public async Task Snapshot_diff_prints_the_same_drift_and_exits_1_on_changes_0_without()
    {
        var diff = await ToolRun.RunAsync(["snapshot", "diff", RepositoryPaths.Reference, _changed, "--json"], null, _work);
        var same = await ToolRun.RunAsync(["snapshot", "diff", RepositoryPaths.Reference, RepositoryPaths.Reference], null, _work);
        var text = await ToolRun.RunAsync(["snapshot", "diff", RepositoryPaths.Reference, _changed], null, _work);

        Assert.That((diff.Code, same.Code, text.Code), Is.EqualTo((ExitCodes.Negative, ExitCodes.Affirmative, ExitCodes.Negative)), diff + "\n" + same);
        using var json = JsonDocument.Parse(diff.Output);
        Assert.That(json.RootElement.GetProperty("changes").GetArrayLength(), Is.EqualTo(3));
        Assert.That(json.RootElement.GetProperty("affectedControls").EnumerateArray().Select(c => c.GetString()), Does.Contain("EP-2"));
        Assert.That(same.Output, Does.Contain("Evidence that changed (0)").And.Contain("Verdicts that changed (0)"));
        Assert.That(text.Output, Does.Contain("PrivateDnsEnabled changed from true to false"));
    }
}
