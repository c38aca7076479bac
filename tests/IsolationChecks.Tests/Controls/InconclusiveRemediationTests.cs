using IsolationChecks.Collection;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Snapshots;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls;

/// <summary>
/// An inconclusive finding says how to get the evidence it lacks; the control's remediation says how to fix a failed
/// resource, and would send a person to change something nobody has shown to be wrong.
/// </summary>
public class InconclusiveRemediationTests
{
    public static IEnumerable<TestCaseData> Fixtures() =>
        RepositoryPaths.ViolationFixtures().Select(f => new TestCaseData(f).SetName($"inconclusive findings of {Path.GetFileName(f)} say how to get the evidence"));

    [TestCaseSource(nameof(Fixtures))]
    public async Task On_every_violation_fixture(string folder) =>
        AssertEvidenceRemedies(await FixtureRun.EvaluateAsync(folder));

    [Test]
    public async Task On_a_snapshot_with_every_file_removed()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"emptied-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            // The reference's scopes, declared by a manifest that lists no file: every file of every scope is missing.
            var scopes = Directory.EnumerateDirectories(Path.Combine(RepositoryPaths.Reference, "accounts"))
                .SelectMany(account => Directory.EnumerateDirectories(account).Select(region =>
                    new ManifestScope(Path.GetFileName(account), Path.GetFileName(region), SnapshotLayout.ScopeFolder(Path.GetFileName(account), Path.GetFileName(region)))))
                .ToList();
            await SnapshotFolder.WriteAsync(new SnapshotFiles(folder, new Dictionary<string, byte[]>(),
                new SnapshotManifest(SnapshotManifest.CurrentFormat, "test", DateTimeOffset.UtcNow, scopes, [], new Dictionary<string, string>())), folder, null, CancellationToken.None);
            File.Copy(Path.Combine(RepositoryPaths.Reference, "posture.json"), Path.Combine(folder, "posture.json"));

            var findings = await FixtureRun.EvaluateAsync(folder);

            Assert.That(findings.Count(f => f.Status == Status.Inconclusive), Is.GreaterThanOrEqualTo(ControlCatalog.Discover().Controls.Count - 2),
                "nearly every control lacks its evidence");
            AssertEvidenceRemedies(findings);
            Assert.That(findings.Where(f => f.Status == Status.Inconclusive).Select(f => f.EffectiveRemediation),
                Has.Some.Contains("aws ec2 describe-").And.Some.Contains("Target=live"), "missing files name the AWS CLI call that collects them");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase(null, "aws ec2 describe-route-tables")]
    [TestCase("AccessDenied", "Grant the audit role ec2:DescribeRouteTables")]
    [TestCase("UnauthorizedOperation", "docs/audit-role-policy.json")]
    [TestCase("RequestLimitExceeded", "throttling")]
    [TestCase("TimeBudgetExceeded", "raise Timeout (ISOLATION_TIMEOUT")]
    [TestCase("WrongAccount", "credentials that reach the account")]
    [TestCase("InternalError", "failed with InternalError")]
    public void A_gap_is_remedied_by_how_its_data_went_missing(string? errorCode, string remedy)
    {
        var gap = new DataGap("ec2", "DescribeRouteTables", "why", errorCode, "RouteTables.json");

        Assert.That(EvidenceRemedies.For(gap), Does.Contain(remedy));
    }

    private static void AssertEvidenceRemedies(IReadOnlyList<Finding> findings)
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var finding in findings.Where(f => f.Status == Status.Inconclusive))
            {
                Assert.That(finding.Remediation, Is.Not.Null.And.Not.Empty, $"{finding.TestName}: no remediation of its own");
                Assert.That(finding.EffectiveRemediation, Is.Not.EqualTo(finding.Control.Remediation),
                    $"{finding.TestName}: carries the fail remediation\n{finding.Message}");
            }
        }
    }
}
