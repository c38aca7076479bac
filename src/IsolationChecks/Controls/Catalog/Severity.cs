namespace IsolationChecks.Controls.Catalog;

/// <summary>Severity as controls.md defines it. The audit gate fails on critical/high fail or inconclusive.</summary>
public enum Severity
{
    Critical,
    High,
    Medium,
    Low,
}
