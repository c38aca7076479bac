using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Policies;
using IsolationChecks.Evaluation.Network;

namespace IsolationChecks.Controls.Iam.IAM3_PushOnlyFromNatGateways;

/// <summary>
/// IAM-3: the set of source addresses a push principal can GitPush from is exactly the public IPs of the
/// declared NAT gateways, read from the account that owns them (the dev account), not from the posture.
/// </summary>
public sealed class PushOnlyFromNatGateways : CrossCheckedIamControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "IAM-3",
        Title: "Push principal can push only from the dev NAT gateways",
        Family: "IAM",
        Severity: Severity.High,
        Claim: "can push only from the declared NAT gateways",
        Rationale: "The push credentials must be useless anywhere but on the GitLab side, whose traffic leaves through the dev NAT gateways; " +
                   "otherwise someone in the isolated room who obtains them can push code (and data) out. A replaced NAT gateway " +
                   "gets a new IP, which silently breaks mirroring or, if the policy is widened to fix it, the isolation.",
        Remediation: "Allow codecommit:GitPush (and GitPull) to the push principal only with \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": " +
                     "[\"<NAT public IP>/32\", ...]}} naming exactly the current public IPs of the declared NAT gateways " +
                     "(aws ec2 describe-nat-gateways --nat-gateway-ids ID in the dev account), and remove any other grant of GitPush.",
        References:
        [
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip",
        ]);

    protected override IEnumerable<JudgedFinding> Judge(FindingFactory verdict, EvaluationContext context) =>
        CodeCommitPrincipalsInScope.Evaluate(context, verdict, p => p.PushPrincipals, audit => Judge(verdict, context, audit));

    private static JudgedFinding Judge(FindingFactory verdict, EvaluationContext context, PrincipalUnderAudit audit)
    {
        var declared = context.Posture.NatGateways ?? [];
        if (declared.Count == 0)
            return verdict.Inconclusive(audit.Resource, "the posture declares no natGateways, so the addresses the push principal should work from are unknown",
                EvidenceRemedies.DeclareInPosture("the dev NAT gateways the push principal works through (natGateways)"));

        var decision = EffectivePermissions.Evaluate(audit.Policies, CodeCommitActions.GitPush, audit.RepositoryArn);
        var expected = CidrSet.Empty;
        var owners = new Dictionary<string, string>();
        var facts = new List<EvidenceFact>();
        var missing = new List<string>();
        var (nats, gap) = DeclaredNatGateways.Resolve(context);
        if (nats is null) return verdict.Unavailable(audit.Resource, gap!);
        foreach (var nat in nats)
        {
            facts.Add(nat.Fact);
            if (nat.Problem is not null)
            {
                var others = nat.Scope.Ec2.NatGateways.TryGet(out var gateways, out _)
                    ? gateways.Where(g => g.NatGatewayId != nat.Declared.Id && g.State is "available" or "pending")
                        .Select(g => $"{g.NatGatewayId} ({string.Join(", ", NatAddresses.Public(g).PublicIps.Select(Address))})").ToList()
                    : [];
                missing.Add($"declared NAT gateway {nat.Declared.Id} in account {nat.Scope.AccountId} ({nat.Declared.Account}) {nat.Problem}" +
                            (others.Count > 0 ? $"; the account's NAT gateways are now {string.Join(", ", others)}" : ""));
                continue;
            }

            foreach (var ip in nat.PublicIps)
            {
                expected = expected.Union(CidrSet.Of(ip));
                owners[Address(ip)] = nat.Declared.Id;
            }
        }

        var label = $"the public IPs of the declared NAT gateways [{string.Join(", ", owners.Select(o => $"{o.Value}: {o.Key}"))}]";
        if (missing.Count > 0)
        {
            var allowedNow = decision.Allowed;
            var all = audit.PolicyFacts().Concat(AllowedSetComparison.StatementFacts(audit, decision)).Concat(facts)
                .Append(new EvidenceFact(audit.Name, $"GitPush on {audit.Repository} allowed from: {AllowedSetComparison.Describe(allowedNow)}", audit.IamFile)).ToList();
            var example = AllowedSetComparison.Example(allowedNow.Lower);
            return new JudgedFinding(verdict.Fail(audit.Resource,
                $"{string.Join("; ", missing)}; meanwhile {audit.Name} can GitPush to {audit.Repository} from {AllowedSetComparison.Truncated(allowedNow.Lower, 4)}" +
                (example is null ? "" : $" (granted by {AllowedSetComparison.Grants(decision, example)})"),
                all, "Update the posture's natGateways to the NAT gateways that now serve GitLab, and the push principal's aws:SourceIp condition to their public IPs."),
                audit.Policies, [decision], expected);
        }

        return new JudgedFinding(AllowedSetComparison.Judge(verdict, audit, decision, expected, label, facts,
            refused => owners.TryGetValue(refused.ToString(), out var id) ? $"the public IP of {id}" : "a declared NAT gateway address"),
            audit.Policies, [decision], expected);
    }

    private static string Address(Cidr host) => Cidr.ToAddress(host.Family, host.First).ToString();
}
