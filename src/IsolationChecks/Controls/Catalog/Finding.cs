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

    public string EffectiveRemediation => Remediation ?? Control.Remediation;
}
