using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.Catalog;

/// <summary>Builds findings for one control so checks read as verdicts: <c>verdict.Fail(resource, why, evidence)</c>.</summary>
public sealed class FindingFactory(ControlMetadata control)
{
    public ControlMetadata Control { get; } = control;

    public Finding Pass(ResourceRef resource, string message, params IEnumerable<EvidenceFact> evidence) =>
        new(Control, resource, Status.Pass, message, evidence.ToList());

    public Finding Fail(ResourceRef resource, string message, IEnumerable<EvidenceFact> evidence, string? remediation = null) =>
        new(Control, resource, Status.Fail, message, evidence.ToList(), remediation);

    /// <summary>
    /// The evidence does not decide: <paramref name="remediation"/> says how to get what is missing (the permission, the
    /// file, the setting; see <see cref="EvidenceRemedies"/>), never how to fix the resource, which has not been shown broken.
    /// </summary>
    public Finding Inconclusive(ResourceRef resource, string message, string remediation, params IEnumerable<EvidenceFact> evidence) =>
        new(Control, resource, Status.Inconclusive, message, evidence.ToList(), remediation);

    /// <summary>The data this verdict needs was not collected: name the call and its error, and how to get it.</summary>
    public Finding Unavailable(ResourceRef resource, DataGap gap) =>
        new(Control, resource, Status.Inconclusive,
            $"cannot decide: {gap.Describe()}",
            [new EvidenceFact(gap.Operation, gap.Describe(), gap.File)],
            EvidenceRemedies.For(gap));

    /// <summary>The posture has no section for this control's family: nothing is in scope, and that is said, not skipped.</summary>
    public Finding NoScope(string section, string kind, string declare) =>
        Inconclusive(new ResourceRef($"posture:{section}", $"(no {section} scope)", "", ""),
            $"the posture declares no {section} section, so no {kind} is in scope; declare {declare}",
            EvidenceRemedies.DeclareInPosture(declare));

    public Finding Error(ResourceRef resource, string message, params IEnumerable<EvidenceFact> evidence) =>
        new(Control, resource, Status.Error, message, evidence.ToList());
}
