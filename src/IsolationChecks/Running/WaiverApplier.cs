using System.Globalization;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;

namespace IsolationChecks.Running;

/// <summary>
/// Applies the posture's waivers: a valid waiver (matching control, resource id or name, not expired)
/// turns a <c>fail</c> or <c>inconclusive</c> into <c>waived</c>, keeping the original status, the reason
/// and the approver in the evidence. An expired waiver changes nothing but is noted. Errors are never waived.
/// </summary>
public sealed class WaiverApplier(TimeProvider clock)
{
    public const string Subject = "waiver";

    public IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, IReadOnlyList<Waiver>? waivers, string postureFile)
    {
        if (waivers is null || waivers.Count == 0)
            return findings;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return findings.Select(f => Apply(f, waivers, postureFile, today)).ToList();
    }

    private static Finding Apply(Finding finding, IReadOnlyList<Waiver> waivers, string postureFile, DateOnly today)
    {
        var matching = waivers
            .Select((waiver, index) => (Waiver: waiver, Source: $"{postureFile} $.waivers[{index}]"))
            .Where(w => Covers(w.Waiver, finding))
            .ToList();
        if (matching.Count == 0)
            return finding;

        var notes = new List<EvidenceFact>();
        foreach (var (waiver, source) in matching.Where(w => w.Waiver.Expires < today))
            notes.Add(new EvidenceFact(Subject,
                $"expired on {Format(waiver.Expires)}, not applied (approved by {waiver.ApprovedBy}: {waiver.Reason})", source));

        var valid = matching.FirstOrDefault(w => w.Waiver.Expires >= today);
        if (valid.Waiver is null)
            return finding with { Evidence = [.. finding.Evidence, .. notes] };

        var (active, activeSource) = valid;
        var original = finding.Status.ToWire();
        switch (finding.Status)
        {
            case Status.Fail or Status.Inconclusive:
                notes.Add(new EvidenceFact(Subject,
                    $"original status {original}, waived until {Format(active.Expires)}, approved by {active.ApprovedBy}: {active.Reason}",
                    activeSource));
                return finding with
                {
                    Status = Status.Waived,
                    Message = $"waived ({original}): {finding.Message}",
                    Evidence = [.. finding.Evidence, .. notes],
                };
            case Status.Error:
                notes.Add(new EvidenceFact(Subject,
                    $"not applied: an error is no verdict and cannot be waived (waiver approved by {active.ApprovedBy}, until {Format(active.Expires)})",
                    activeSource));
                break;
            default:
                notes.Add(new EvidenceFact(Subject,
                    $"not needed: the finding is {original} (waiver approved by {active.ApprovedBy}, until {Format(active.Expires)}); it can be removed",
                    activeSource));
                break;
        }

        return finding with { Evidence = [.. finding.Evidence, .. notes] };
    }

    public static bool Covers(Waiver waiver, Finding finding) =>
        string.Equals(waiver.Control, finding.Control.Id, StringComparison.OrdinalIgnoreCase)
        && (string.Equals(waiver.Resource, finding.Resource.Id, StringComparison.Ordinal)
            || string.Equals(waiver.Resource, finding.Resource.Name, StringComparison.Ordinal));

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
