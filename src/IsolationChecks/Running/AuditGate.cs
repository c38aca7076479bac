using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Running;

/// <summary>The audit gate's verdict and what decides it: the blocking findings, or evidence the gate does not accept.</summary>
/// <param name="EvidenceRefusal">Why the evidence is not accepted (the gate requires live or signed evidence), if it is not.</param>
/// <param name="Undecided">Why a plan gate cannot decide (changes it cannot judge, verdicts resting on values known only after apply); exit code 6.</param>
/// <param name="Hypothetical">The gate judged a Terraform plan: what the verdicts would be, not what they are.</param>
public sealed record AuditGateVerdict(bool Passed, IReadOnlyList<Finding> Blocking, string? EvidenceRefusal = null, string? Undecided = null, bool Hypothetical = false)
{
    public string Describe() => Hypothetical ? DescribePlan() : Passed
        ? "PASSED: no critical or high finding is failed, inconclusive or in error (waived findings excepted)"
        : EvidenceRefusal is not null
            ? $"FAILED: the evidence is not accepted ({EvidenceRefusal}){(Blocking.Count > 0 ? $", and {Blocking.Count} critical/high finding(s) failed, inconclusive or in error" : "")}"
            : $"FAILED: {Blocking.Count} critical/high finding(s) failed, inconclusive or in error without a valid waiver";

    private string DescribePlan() =>
        EvidenceRefusal is not null ? $"FAILED (hypothetical, Terraform plan): the evidence is not accepted ({EvidenceRefusal})"
        : Blocking.Count > 0 ? $"FAILED (hypothetical, Terraform plan): the plan would newly fail {Blocking.Count} critical/high verdict(s)"
            + (Undecided is null ? "" : $"; besides, {Undecided}")
        : Undecided is not null ? $"UNDECIDED (hypothetical, Terraform plan): {Undecided}"
        : "PASSED (hypothetical, Terraform plan): the plan would make no critical or high verdict fail, inconclusive or in error that is not so now";
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

    /// <summary>
    /// The gate of a Terraform plan ("this change makes nothing worse"): it fails when the plan would newly fail (or err) a
    /// critical/high verdict, and cannot decide when it would make one inconclusive or holds changes the suite cannot judge.
    /// Failures the plan leaves as they are do not block it (the nightly gate judges them).
    /// </summary>
    public static AuditGateVerdict Judge(PlanReport plan, Snapshots.EvidenceStatus evidence, bool requireVerified)
    {
        var blocking = plan.WouldNewlyFail.Where(v => IsGating(v.Change.Severity) && v.Hypothetical is not null).Select(v => v.Hypothetical!).ToList();
        var inconclusive = plan.WouldBecomeInconclusive.Count(v => IsGating(v.Change.Severity));
        var reasons = new List<string>();
        if (inconclusive > 0)
            reasons.Add($"{inconclusive} critical/high verdict(s) would become inconclusive");
        if (plan.Overlay.Unjudged.Count > 0)
            reasons.Add($"{plan.Overlay.Unjudged.Count} planned change(s) touch audited resources and cannot be judged ({string.Join(", ", plan.Overlay.Unjudged.Take(3).Select(u => u.Address))})");
        var undecided = reasons.Count > 0 ? string.Join("; ", reasons) : null;
        var verdict = new AuditGateVerdict(blocking.Count == 0 && undecided is null, blocking, null, undecided, Hypothetical: true);
        return requireVerified && !evidence.IsVerified
            ? verdict with { Passed = false, EvidenceRefusal = $"the gate accepts only live or signed evidence, and this is {evidence.Describe()}" }
            : verdict;
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
