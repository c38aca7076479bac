using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Running;

/// <summary>The audit gate's verdict and what decides it: the blocking findings, or evidence the gate does not accept.</summary>
/// <param name="EvidenceRefusal">Why the evidence is not accepted (the gate requires live or signed evidence), if it is not.</param>
public sealed record AuditGateVerdict(bool Passed, IReadOnlyList<Finding> Blocking, string? EvidenceRefusal = null)
{
    public string Describe() => Passed
        ? "PASSED: no critical or high finding is failed, inconclusive or in error (waived findings excepted)"
        : EvidenceRefusal is not null
            ? $"FAILED: the evidence is not accepted ({EvidenceRefusal}){(Blocking.Count > 0 ? $", and {Blocking.Count} critical/high finding(s) failed, inconclusive or in error" : "")}"
            : $"FAILED: {Blocking.Count} critical/high finding(s) failed, inconclusive or in error without a valid waiver";
}

/// <summary>
/// controls.md: the gate fails on any critical/high fail or inconclusive not covered by a valid waiver.
/// An error blocks too: it is a verdict the suite could not reach (or evidence it cannot trust), and a
/// gate that let errors through would pass on tampered or unreadable evidence.
/// </summary>
public static class AuditGate
{
    public static bool IsGating(Severity severity) => severity is Severity.Critical or Severity.High;

    public static bool Blocks(Finding finding) =>
        IsGating(finding.Control.Severity) && finding.Status is Status.Fail or Status.Inconclusive or Status.Error;

    public static AuditGateVerdict Judge(IEnumerable<Finding> findings)
    {
        var blocking = findings.Where(Blocks).ToList();
        return new AuditGateVerdict(blocking.Count == 0, blocking);
    }

    /// <summary>The gate of a run that requires verified evidence: live or signed, never a hand-made or unsigned folder.</summary>
    public static AuditGateVerdict Judge(IEnumerable<Finding> findings, Snapshots.EvidenceStatus evidence, bool requireVerified)
    {
        var verdict = Judge(findings);
        return requireVerified && !evidence.IsVerified
            ? verdict with { Passed = false, EvidenceRefusal = $"the gate accepts only live or signed evidence, and this is {evidence.Describe()}" }
            : verdict;
    }
}
