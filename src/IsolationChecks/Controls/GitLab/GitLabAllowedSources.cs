using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.GitLab;

/// <summary>
/// The sources GitLab may admit, derived rather than typed: the current public IPs of the declared NAT gateways
/// (each read from the account that owns it) as /32, plus the posture's allowed CIDRs.
/// </summary>
/// <param name="Addresses">The exact allowed address set.</param>
/// <param name="NatAddresses">Public IP (as /32 or /128) to the NAT gateway it belongs to.</param>
/// <param name="Problems">Declared NAT gateways that contribute no address (absent, deleted, no public IP).</param>
/// <param name="AllowedSecurityGroups">Security groups a rule may reference.</param>
public sealed record GitLabAllowedSources(
    CidrSet Addresses,
    IReadOnlyDictionary<string, string> NatAddresses,
    IReadOnlyList<Posture.SourceCidr> DeclaredCidrs,
    IReadOnlyList<string> AllowedSecurityGroups,
    IReadOnlyList<string> Problems,
    IReadOnlyList<EvidenceFact> Facts)
{
    public string Label => $"the allowed sources [{string.Join(", ", NatAddresses.Select(n => $"{n.Key} ({n.Value})").Concat(DeclaredCidrs.Select(c => $"{c.Cidr} (declared{(c.Reason is null ? "" : $", wide on purpose: {c.Reason}")})")))}]";

    /// <summary>The allowed sources, or the data gap (or posture error) that keeps them from being known.</summary>
    public static (GitLabAllowedSources? Sources, DataGap? Gap, string? Invalid) Resolve(EvaluationContext context)
    {
        var posture = context.Posture;
        var declaredCidrs = posture.GitLab?.AllowedCidrs ?? [];
        var addresses = CidrSet.Empty;
        var facts = new List<EvidenceFact>();
        foreach (var (text, _) in declaredCidrs)
        {
            if (!Cidr.TryParse(text, out var cidr)) return (null, null, $"gitLab.allowedCidrs contains '{text}', which is not a CIDR");
            addresses = addresses.Union(CidrSet.Of(cidr));
        }

        if (declaredCidrs.Count > 0) facts.Add(new EvidenceFact("posture", $"gitLab.allowedCidrs = {string.Join(", ", declaredCidrs)}"));
        var nats = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        var (declared, gap) = DeclaredNatGateways.Resolve(context);
        if (declared is null) return (null, gap, null);
        foreach (var nat in declared)
        {
            facts.Add(nat.Fact);
            if (nat.Problem is not null)
            {
                problems.Add($"declared NAT gateway {nat.Declared.Id} in account {nat.Scope.AccountId} {nat.Problem}");
                continue;
            }

            foreach (var ip in nat.PublicIps)
            {
                addresses = addresses.Union(CidrSet.Of(ip));
                nats[ip.ToString()] = nat.Declared.Id;
            }
        }

        var groups = posture.GitLab?.AllowedSecurityGroups ?? [];
        facts.Add(new EvidenceFact("posture", $"allowed security group references: {(groups.Count == 0 ? "none" : string.Join(", ", groups))}"));
        return (new GitLabAllowedSources(addresses, nats, declaredCidrs, groups, problems, facts), null, null);
    }
}
