using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Policies;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Ecr.ECR1_RepositoryPolicyIsPrivate;

/// <summary>
/// ECR-1: the repository policy grants nothing to everyone ("*", {"AWS":"*"}, NotPrincipal) unless a condition
/// on aws:SourceVpce, aws:SourceVpc, aws:PrincipalOrgID or aws:PrincipalAccount narrows it, and grants
/// nothing to accounts outside the posture's allowlist. No policy passes, with that as its evidence.
/// </summary>
public sealed class RepositoryPolicyIsPrivate : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "ECR-1",
        Title: "ECR repository policy does not make the repository public",
        Family: "ECR",
        Severity: Severity.Critical,
        Claim: "grants no public or foreign-account access",
        Rationale: "A repository policy that allows Principal \"*\" lets anyone with an AWS account pull (or push) the images, " +
                   "which carry the application's code and dependencies; grants to unknown accounts leak them the same way.",
        Remediation: "Remove the statement that grants to \"*\" (or to the foreign account), or narrow it with a condition on " +
                     "aws:SourceVpce / aws:SourceVpc / aws:PrincipalOrgID / aws:PrincipalAccount (aws ecr set-repository-policy), " +
                     "or add the account to ecr.allowedPrincipalAccounts in the posture if it is meant to pull.",
        References:
        [
            "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        EcrRepositoriesInScope.Evaluate(context, verdict, audit => [Judge(verdict, audit)]);

    private static Finding Judge(FindingFactory verdict, RepositoryUnderAudit audit)
    {
        var policyFile = audit.Scope.PathOf(AwsCalls.GetRepositoryPolicy.FileFor(audit.Name));
        var collected = EcrRepositoriesInScope.Document(audit.Scope.Ecr.RepositoryPolicies, audit, "GetRepositoryPolicy", AwsCalls.GetRepositoryPolicy.FileFor(audit.Name));
        if (!collected.TryGet(out var optional, out var gap)) return verdict.Unavailable(audit.Resource, gap);
        if (optional.Value is not { } policy)
            return verdict.Pass(audit.Resource, $"{audit.Name} has no repository policy: only IAM principals of account {audit.Scope.AccountId} can reach it",
                new EvidenceFact(audit.Name, $"get-repository-policy returned {optional.AbsenceCode ?? "no policy"}", collected.Source ?? policyFile));

        PolicyDocument document;
        try
        {
            document = PolicyParser.Parse(policy.PolicyText);
        }
        catch (PolicyFormatException e)
        {
            return verdict.Error(audit.Resource, $"the repository policy of {audit.Name} is malformed: {e.Message}",
                new EvidenceFact($"{audit.Name} repository policy", policy.PolicyText, policyFile));
        }

        var allowed = new HashSet<string>(audit.Posture.AllowedPrincipalAccounts ?? [], StringComparer.Ordinal) { audit.Scope.AccountId };
        var judgements = document.Statements.Where(s => s.Effect == Effect.Allow)
            .Select(s => RepositoryPolicyGrants.Judge(s, allowed)).ToList();
        var facts = judgements.Select(j => new EvidenceFact($"{audit.Name} repository policy {j.Statement.Name}", j.Explanation, policyFile)).ToList();
        if (judgements.Count == 0)
            facts.Add(new EvidenceFact($"{audit.Name} repository policy", "no Allow statement", policyFile));
        facts.Add(new EvidenceFact("posture", $"accounts a policy may grant to: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}"));

        var failures = judgements.Where(j => j.Verdict == GrantVerdict.Exposed).ToList();
        if (failures.Count > 0)
            return verdict.Fail(audit.Resource,
                $"the repository policy of {audit.Name} {string.Join("; ", failures.Select(f => $"{f.Statement.Name} {f.Explanation}"))}", facts);
        var unclear = judgements.Where(j => j.Verdict == GrantVerdict.Unclear).ToList();
        if (unclear.Count > 0)
            return verdict.Inconclusive(audit.Resource,
                $"cannot decide whether the repository policy of {audit.Name} is private: {string.Join("; ", unclear.Select(f => $"{f.Statement.Name} {f.Explanation}"))}",
                "The check cannot decide the statements named above from the policy alone: review them by hand (aws ecr get-repository-policy), "
                + "and if they are meant to be private, express that with a condition the check reads (aws:SourceVpce, aws:SourceVpc, aws:PrincipalOrgID, "
                + "aws:PrincipalAccount) or a principal among ecr.allowedPrincipalAccounts; then run again.", facts);
        return verdict.Pass(audit.Resource,
            $"the repository policy of {audit.Name} grants only to allowed accounts, services or narrowed principals ({judgements.Count} Allow statement(s))", facts);
    }
}
