using IsolationChecks.Controls.Catalog;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Running;

/// <summary>
/// Refuses to pass on evidence that does not match its manifest: every <c>pass</c> becomes <c>error</c>,
/// and every finding carries the integrity problem in its evidence.
/// </summary>
public static class IntegrityGuard
{
    public const string Subject = "snapshot integrity";

    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, IntegrityReport integrity)
    {
        if (integrity.IsIntact && integrity.ManifestPresent)
            return findings;

        // Without a manifest there is no file to point at.
        var fact = new EvidenceFact(Subject, integrity.Describe(), integrity.ManifestPresent ? SnapshotLayout.ManifestFile : null);
        if (integrity.IsIntact)
            // A folder made by hand with the AWS CLI: its verdicts stand, but say they are unverified.
            return findings.Select(f => f with { Evidence = [.. f.Evidence, fact] }).ToList();

        return findings.Select(f => f.Status == Status.Pass
                ? f with
                {
                    Status = Status.Error,
                    Message = $"evidence cannot be trusted ({integrity.Describe()}): the pass it shows is withheld. It said: {f.Message}",
                    Evidence = [.. f.Evidence, fact],
                    Remediation = "Restore the snapshot's original files or collect it again, so every file matches manifest.json, then run again.",
                }
                : f with { Evidence = [.. f.Evidence, fact] })
            .ToList();
    }
}
