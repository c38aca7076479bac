namespace IsolationChecks.Controls.Catalog;

/// <summary>
/// Everything a person needs to know about a control, kept in one place per control
/// (Prowler's metadata file, as a record).
/// </summary>
/// <param name="Id">Stable id from controls.md, e.g. "CB-1".</param>
/// <param name="Family">The control family, used as the NUnit Category (e.g. "CodeBuild").</param>
/// <param name="Claim">The sentence a passing resource satisfies, used in test names:
/// "CB-1 {resource} {Claim}", e.g. "CB-1 app-build runs in a VPC".</param>
public sealed record ControlMetadata(
    string Id,
    string Title,
    string Family,
    Severity Severity,
    string Claim,
    string Rationale,
    string Remediation,
    IReadOnlyList<string> References);
