namespace IsolationChecks.Controls.Catalog;

/// <summary>The identity of an audited resource.</summary>
/// <param name="Id">ARN or id, as findings.json's <c>resource</c>.</param>
/// <param name="Name">The short name used in test names (project name, repository name, VPC id).</param>
public sealed record ResourceRef(string Id, string Name, string Account, string Region);

/// <summary>One verdict of one control on one resource.</summary>
public sealed record Finding(
    ControlMetadata Control,
    ResourceRef Resource,
    Status Status,
    string Message,
    IReadOnlyList<EvidenceFact> Evidence,
    string? Remediation = null)
{
    /// <summary>The NUnit test name: starts with the control id (contracts.md).</summary>
    public string TestName => $"{Control.Id} {Resource.Name} {Control.Claim}";

    /// <summary>
    /// The finding's own remediation, else the control's, which says how to fix a failed resource. An inconclusive finding
    /// always carries its own (how to get the missing evidence): the control's fix would tell a person to change a
    /// resource that has not been shown to be wrong.
    /// </summary>
    public string EffectiveRemediation => Remediation ?? Control.Remediation;
}
