using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Policies;

namespace IsolationChecks.Controls.Iam.IAM1_PullPrincipalCannotWrite;

/// <summary>
/// IAM-1: a pull principal can perform no write action on a mirrored repository from any source address.
/// Every CodeCommit write action is asked, so a grant through a wildcard, NotAction, a group or a managed
/// policy is found; only the upper bound matters, so a condition that merely narrows an Allow cannot hide one.
/// </summary>
public sealed class PullPrincipalCannotWrite : CrossCheckedIamControl
{
    private const int ActionsNamedInMessage = 5;

    public override ControlMetadata Metadata { get; } = new(
        Id: "IAM-1",
        Title: "Pull principal cannot write to the mirrored repository",
        Family: "IAM",
        Severity: Severity.Critical,
        Claim: "cannot write to the mirrored repository",
        Rationale: "The isolated room receives code through the pull principal; if that principal can push (or change the repository any " +
                   "other way), data can flow out of the isolated room, which is exactly what the one-way design forbids.",
        Remediation: "Remove the statement that grants the write action to the pull principal (or take the principal out of the group " +
                     "that has it), leaving only codecommit:GitPull (and read-only actions) on the mirrored repository; add an explicit " +
                     "Deny of codecommit:* except the read-only actions as a safeguard.",
        References:
        [
            "https://docs.aws.amazon.com/codecommit/latest/userguide/auth-and-access-control-permissions-reference.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
        ]);

    protected override IEnumerable<JudgedFinding> Judge(FindingFactory verdict, EvaluationContext context) =>
        CodeCommitPrincipalsInScope.Evaluate(context, verdict, p => p.PullPrincipals, audit =>
        {
            var decisions = CodeCommitActions.WriteActions
                .Select(action => EffectivePermissions.Evaluate(audit.Policies, action, audit.RepositoryArn)).ToList();
            var isolated = audit.Posture.IsolatedSourceCidrs.Select(c => Cidr.TryParse(c.Cidr, out var cidr) ? cidr : null).OfType<Cidr>();
            return new JudgedFinding(Judge(verdict, audit, decisions), audit.Policies, decisions, CidrSet.Of(isolated));
        });

    private static Finding Judge(FindingFactory verdict, PrincipalUnderAudit audit, IReadOnlyList<AccessDecision> decisions)
    {
        var facts = audit.PolicyFacts().ToList();
        var granted = decisions.Where(d => !d.Allowed.LowerIsEmpty).ToList();
        var possible = decisions.Where(d => d.Allowed.LowerIsEmpty && !d.Allowed.UpperIsEmpty).ToList();
        foreach (var decision in granted.Concat(possible))
            facts.AddRange(AllowedSetComparison.StatementFacts(audit, decision).Append(
                new EvidenceFact(audit.Name, $"{decision.Request.Action} on {audit.Repository} allowed from: {AllowedSetComparison.Describe(decision.Allowed)}", audit.IamFile)));

        if (granted.Count > 0)
        {
            // One clause per (granting statements, address set), GitPush first: a NotAction grant names its 40-odd actions once.
            var named = granted
                .Select(d => (Decision: d, Address: AllowedSetComparison.Example(d.Allowed.Lower)))
                .GroupBy(x => (Grants: x.Address is null ? AllowedSetComparison.GrantsWithoutSourceIp(x.Decision) : AllowedSetComparison.Grants(x.Decision, x.Address),
                               Set: x.Decision.Allowed.Lower.ToString()))
                .Select(g =>
                {
                    var actions = g.Select(x => x.Decision.Request.Action).ToList();
                    var first = g.First();
                    var from = first.Address is null ? AllowedSetComparison.WithoutSourceIp
                        : first.Decision.Allowed.Lower.IsEverything ? $"from any address (e.g. {first.Address})"
                        : $"from {first.Address} (allowed from {AllowedSetComparison.Truncated(first.Decision.Allowed.Lower, 4)})";
                    var list = string.Join(", ", actions.Take(ActionsNamedInMessage)) +
                               (actions.Count > ActionsNamedInMessage ? $" and {actions.Count - ActionsNamedInMessage} more write action(s)" : "");
                    return $"{list} {from}, granted by {g.Key.Grants}";
                });
            return verdict.Fail(audit.Resource,
                $"pull principal {audit.Name} can write to {audit.Repository}: {string.Join("; ", named)}", facts);
        }

        if (possible.Count > 0)
        {
            var first = possible[0];
            var address = AllowedSetComparison.Example(first.Allowed.Upper);
            var where = address is null
                ? $"{AllowedSetComparison.WithoutSourceIp} if {AllowedSetComparison.GrantsWithoutSourceIp(first)} applies"
                : $"from {address} if {AllowedSetComparison.Grants(first, address)} applies";
            return verdict.Inconclusive(audit.Resource,
                $"cannot decide whether pull principal {audit.Name} can write to {audit.Repository}: {possible.Count} write action(s), e.g. {first.Request.Action}, " +
                $"are allowed {where}, which depends on {string.Join(", ", possible.SelectMany(p => p.DependsOn).Distinct())}",
                EvidenceRemedies.UndecidedPolicy, facts);
        }

        facts.Add(new EvidenceFact(audit.Name,
            $"all {decisions.Count} CodeCommit write actions on {audit.RepositoryArn} (GitPush, PutFile, CreateBranch, DeleteRepository, ...) are allowed from no address, with or without aws:SourceIp",
            audit.IamFile));
        return verdict.Pass(audit.Resource,
            $"pull principal {audit.Name} can perform none of the {decisions.Count} CodeCommit write actions on {audit.Repository}, from any address", facts);
    }
}
