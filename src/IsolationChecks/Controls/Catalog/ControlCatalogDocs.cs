using System.Text;

namespace IsolationChecks.Controls.Catalog;

/// <summary>docs/controls.md, generated from each control's own metadata record (a test keeps the committed copy equal).</summary>
public static class ControlCatalogDocs
{
    public const string File = "docs/controls.md";

    public static string Markdown(ControlCatalog catalog)
    {
        var text = new StringBuilder();
        text.AppendLine("# The control catalog");
        text.AppendLine();
        text.AppendLine("Generated from the metadata record of each control (`src/IsolationChecks/Controls/<Family>/<ID>_<Name>/`);");
        text.AppendLine("a test fails when this file differs. IDs are stable: an ID never changes meaning, and a retired control keeps");
        text.AppendLine("its ID reserved. Every test case of the suite starts with the ID (`CB-1 app-build runs in a VPC`) and carries it");
        text.AppendLine("as the NUnit property `Control`; every finding in findings.json carries it as `control`.");
        text.AppendLine();
        text.AppendLine("A verdict is `pass` only when the evidence for it was read and checked; `fail` when the evidence shows the");
        text.AppendLine("violation; `inconclusive` when the suite could not decide (missing or malformed evidence, a missing permission,");
        text.AppendLine("a probe run from the wrong place, a construct the engine does not model); `error` when the suite itself broke");
        text.AppendLine("or the evidence does not match its manifest; `waived` when a valid waiver of the posture covers a fail or an");
        text.AppendLine("inconclusive. The audit gate fails on any critical or high `fail`, `inconclusive` or `error` that no valid");
        text.AppendLine("waiver covers, and on evidence it does not accept (see the README's evidence states).");
        text.AppendLine();
        text.AppendLine("| ID | Family | Severity | Title |");
        text.AppendLine("|---|---|---|---|");
        foreach (var control in catalog.Controls.Select(c => c.Metadata))
            text.AppendLine($"| [{control.Id}](#{Anchor(control)}) | {control.Family} | {control.Severity.ToWire()} | {control.Title} |");
        foreach (var family in catalog.Controls.Select(c => c.Metadata).GroupBy(c => c.Family))
        {
            text.AppendLine();
            text.AppendLine($"## {family.Key}");
            foreach (var control in family)
            {
                text.AppendLine();
                text.AppendLine($"### {control.Id} {control.Title}");
                text.AppendLine();
                text.AppendLine($"- Severity: {control.Severity.ToWire()}");
                text.AppendLine($"- Passes when the resource {control.Claim}.");
                text.AppendLine($"- Why: {control.Rationale}");
                text.AppendLine($"- Fix: {control.Remediation}");
                if (control.References.Count > 0)
                    text.AppendLine($"- References: {string.Join(", ", control.References.Select(r => r.StartsWith("http", StringComparison.Ordinal) ? $"<{r}>" : $"`{r}`"))}");
            }
        }

        return text.ToString();
    }

    private static string Anchor(ControlMetadata control) =>
        new string($"{control.Id} {control.Title}".ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-').ToArray()).Replace(' ', '-');
}
