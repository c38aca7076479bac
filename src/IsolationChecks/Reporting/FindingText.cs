using System.Text;
using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Reporting;

/// <summary>
/// A finding as plain text for a person at a console: the first line starts with the status in capitals
/// (so an inconclusive reads "INCONCLUSIVE: ..."), then the resource, the verdict, the evidence and the fix.
/// </summary>
public static class FindingText
{
    public static string Label(Status status) => status.ToWire().ToUpperInvariant();

    public static string Headline(Finding finding) =>
        $"{Label(finding.Status)}: {finding.Control.Id} {finding.Control.Title} [{finding.Control.Severity.ToWire()}]";

    public static string Describe(Finding finding)
    {
        var text = new StringBuilder();
        text.Append(Headline(finding)).Append('\n');
        text.Append("  resource:    ").Append(ResourceLine(finding.Resource)).Append('\n');
        text.Append("  verdict:     ").Append(finding.Message).Append('\n');
        text.Append("  evidence:").Append(finding.Evidence.Count == 0 ? " (none)\n" : "\n");
        foreach (var fact in finding.Evidence)
            text.Append("    - ").Append(fact).Append('\n');
        text.Append("  remediation: ").Append(finding.EffectiveRemediation).Append('\n');
        return text.ToString();
    }

    public static string ResourceLine(ResourceRef resource)
    {
        var where = string.Join(", ", new[]
        {
            resource.Account.Length == 0 ? null : $"account {resource.Account}",
            resource.Region.Length == 0 ? null : $"region {resource.Region}",
        }.OfType<string>());
        var identity = resource.Id == resource.Name ? resource.Name : $"{resource.Name} ({resource.Id})";
        return where.Length == 0 ? identity : $"{identity}, {where}";
    }
}
