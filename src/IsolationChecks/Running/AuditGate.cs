using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Running;

/// <summary>The audit gate's verdict and the findings that decide it.</summary>
public sealed record AuditGateVerdict(bool Passed, IReadOnlyList<Finding> Blocking)
{
    public string Describe() => Passed
        ? "PASSED: no critical or high finding is failed, inconclusive or in error (waived findings excepted)"
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
}
