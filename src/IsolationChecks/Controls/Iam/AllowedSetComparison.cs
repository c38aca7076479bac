using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Policies;

namespace IsolationChecks.Controls.Iam;

/// <summary>
/// Compares the set of source addresses a principal is allowed an action from with the set the posture
/// expects, exactly. A difference is reported by one concrete address and the statements responsible.
/// </summary>
public static class AllowedSetComparison
{
    /// <summary>Public IPv4 space, used only to pick a realistic example address for messages.</summary>
    private static readonly CidrSet PublicV4 = CidrSet.Parse("0.0.0.0/0").Subtract(CidrSet.Parse(
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3"));

    /// <param name="expectedLabel">e.g. "the isolated source CIDRs [192.0.2.0/28]".</param>
    /// <param name="describeRefused">Optional: what the refused address is (e.g. "the public IP of nat-0abc").</param>
    public static Finding Judge(
        FindingFactory verdict, PrincipalUnderAudit audit, AccessDecision decision, CidrSet expected, string expectedLabel,
        IEnumerable<EvidenceFact> extraFacts, Func<System.Net.IPAddress, string>? describeRefused = null)
    {
        var action = decision.Request.Action;
        var allowed = decision.Allowed;
        var facts = audit.PolicyFacts().Concat(StatementFacts(audit, decision)).Concat(extraFacts).ToList();
        facts.Add(new EvidenceFact(audit.Name, $"{action} on {audit.Repository} allowed from: {Describe(allowed)}", audit.IamFile));
        facts.Add(new EvidenceFact("posture", $"expected: {expectedLabel} = {expected}"));

        var problems = new List<string>();
        var leaks = allowed.Lower.Subtract(expected);
        if (Example(leaks) is { } leak)
        {
            var extent = allowed.Lower.IsEverything ? "allowed from every address" : $"allowed outside it from {Truncated(leaks, 4)}";
            problems.Add($"{audit.Name} can {action} on {audit.Repository} from {leak}, which is outside {expectedLabel} ({extent}): granted by {Grants(decision, leak)}");
        }

        // Reported only when no address leaks: "from every address" already says the credentials work anywhere.
        if (allowed.LowerWithoutSourceIp && problems.Count == 0)
            problems.Add($"{audit.Name} can {action} on {audit.Repository} {WithoutSourceIp}, which is outside {expectedLabel}: " +
                         $"granted by {GrantsWithoutSourceIp(decision)}");
        if (expected.Subtract(allowed.Upper).Example() is { } refused)
            problems.Add($"{audit.Name} is refused {action} on {audit.Repository} from {refused}{(describeRefused is null ? "" : $" ({describeRefused(refused)})")}, " +
                         $"which is in {expectedLabel}: {decision.WhyRefused(refused)}");
        if (problems.Count > 0) return verdict.Fail(audit.Resource, string.Join("; and ", problems), facts);

        if (!allowed.IsExact)
        {
            var possibleLeak = Example(allowed.Upper.Subtract(expected));
            var example = possibleLeak is not null
                ? $" (for example {possibleLeak}, outside {expectedLabel}, is allowed if {Grants(decision, possibleLeak)} applies)"
                : allowed.UpperWithoutSourceIp && !allowed.LowerWithoutSourceIp
                    ? $" (a request {WithoutSourceIp} is allowed if {GrantsWithoutSourceIp(decision)} applies)"
                    : "";
            return verdict.Inconclusive(audit.Resource,
                $"cannot decide from where {audit.Name} can {action} on {audit.Repository}: the answer depends on {string.Join(", ", decision.DependsOn)}{example}",
                EvidenceRemedies.UndecidedPolicy, facts);
        }

        return verdict.Pass(audit.Resource, $"{audit.Name} can {action} on {audit.Repository} exactly from {expectedLabel} ({expected})", facts);
    }

    /// <summary>How messages name the requests AWS sends without aws:SourceIp.</summary>
    public const string WithoutSourceIp = "through a VPC endpoint (a request that carries no aws:SourceIp)";

    public static string GrantsWithoutSourceIp(AccessDecision decision) =>
        decision.GrantsWithoutSourceIp() is { Count: > 0 } grants ? string.Join(" and ", grants.Select(g => g.Describe())) : "no statement (unexpected)";

    public static System.Net.IPAddress? Example(CidrSet set) => set.Intersect(PublicV4).Example() ?? set.Example();

    public static string Describe(AddressBounds bounds) => bounds.IsExact
        ? Truncated(bounds.Lower) + (bounds.LowerWithoutSourceIp ? ", and requests without aws:SourceIp (VPC endpoints)" : "")
        : $"at least {Truncated(bounds.Lower)}{(bounds.LowerWithoutSourceIp ? " and requests without aws:SourceIp" : "")}, " +
          $"at most {Truncated(bounds.Upper)}{(bounds.UpperWithoutSourceIp ? " and requests without aws:SourceIp" : "")} (depends on {string.Join(", ", bounds.DependsOn)})";

    public static string Truncated(CidrSet set, int max = 12)
    {
        if (set.IsEmpty || set.IsEverything) return set.ToString();
        var cidrs = set.ToCidrs();
        if (cidrs.Count > max && set.Complement() is var rest && rest.ToCidrs().Count <= max) return $"every address except {rest}";
        return cidrs.Count <= max ? set.ToString() : $"{string.Join(", ", cidrs.Take(max))}, ... ({cidrs.Count} CIDRs in all)";
    }

    public static string Grants(AccessDecision decision, System.Net.IPAddress address)
    {
        var grants = decision.GrantsFrom(address);
        return grants.Count == 0 ? "no statement (unexpected)" : string.Join(" and ", grants.Select(g => g.Describe()));
    }

    public static IEnumerable<EvidenceFact> StatementFacts(PrincipalUnderAudit audit, AccessDecision decision) =>
        decision.Grants.Select(g => (Kind: "allows", Outcome: g))
            .Concat(decision.Denies.Select(d => (Kind: "denies", Outcome: d)))
            .Concat((decision.BoundaryAllows ?? []).Select(b => (Kind: "boundary allows", Outcome: b)))
            .Select(s => new EvidenceFact(s.Outcome.Describe(), $"{s.Kind} {decision.Request.Action} from {Describe(s.Outcome.Addresses)}", audit.IamFile));
}
