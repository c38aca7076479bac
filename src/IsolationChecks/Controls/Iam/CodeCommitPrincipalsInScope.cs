using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Policies;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Iam;

/// <summary>A push or pull principal and one mirrored repository, with every policy that governs the principal.</summary>
public sealed record PrincipalUnderAudit(
    ResourceRef Resource,
    PrincipalPolicies Policies,
    string Repository,
    string RepositoryArn,
    ScopeSnapshot Scope,
    CodeCommitPosture Posture)
{
    public string IamFile => Scope.PathOf(AwsCalls.GetAccountAuthorizationDetails.File);

    public string Name => Policies.Name;

    /// <summary>The policies read, and what the evaluation leaves out, as evidence.</summary>
    public IEnumerable<EvidenceFact> PolicyFacts() =>
        Policies.Identity.Select(p => new EvidenceFact(Name, $"governed by {p.Source.Label} ({p.Document.Statements.Count} statement(s))", IamFile))
            .Append(new EvidenceFact(Name, Policies.Boundary is { } b ? $"permissions boundary {b.Source.Label}" : "no permissions boundary", IamFile))
            .Append(new EvidenceFact("evaluation scope",
                "identity policies of the principal and its groups, and its permissions boundary; CodeCommit has no resource policies. " +
                "Service control policies are not evaluated: they can only refuse more, never allow."));
}

/// <summary>A finding with the decisions it rests on, so the live cross-check can ask IAM's simulator the same questions.</summary>
/// <param name="Inside">The expected set: the simulator is asked from one address in it and one outside it.</param>
public sealed record JudgedFinding(Finding Finding, PrincipalPolicies? Principal = null, IReadOnlyList<AccessDecision>? Decisions = null, CidrSet? Inside = null)
{
    public static implicit operator JudgedFinding(Finding finding) => new(finding);
}

/// <summary>
/// Resolves the posture's codeCommit section to (principal, mirrored repository) pairs, turning every reason a
/// pair cannot be judged into an inconclusive (data missing) or an error (a policy document that is not
/// valid IAM grammar), so an IAM control always says something about every declared principal.
/// </summary>
public static class CodeCommitPrincipalsInScope
{
    public static IEnumerable<JudgedFinding> Evaluate(
        EvaluationContext context, FindingFactory verdict, Func<CodeCommitPosture, IReadOnlyList<string>> principalsOf,
        Func<PrincipalUnderAudit, JudgedFinding> check)
    {
        var posture = context.Posture.CodeCommit;
        if (posture is null)
        {
            yield return verdict.NoScope("codeCommit", "principal", "codeCommit.pushPrincipals, pullPrincipals and mirroredRepositories");
            yield break;
        }

        var target = context.Posture.Account(posture.Account);
        var principals = principalsOf(posture);
        if (principals.Count == 0 || posture.MirroredRepositories.Count == 0)
        {
            yield return verdict.Inconclusive(new ResourceRef("posture:codeCommit", "(no principals)", target.AccountId, target.Region),
                $"the posture's codeCommit section declares {principals.Count} principal(s) for this control and {posture.MirroredRepositories.Count} mirrored repositor(ies): nothing to verify",
                EvidenceRemedies.DeclareInPosture("the principals this control checks (codeCommit.pushPrincipals or pullPrincipals) and codeCommit.mirroredRepositories"));
            yield break;
        }

        var scopeFound = context.ScopeOf(posture.Account).TryGet(out var scope, out var gap);
        var details = default(Aws.Shapes.AccountAuthorizationDetails);
        if (scopeFound && !scope!.Iam.TryGet(out details, out gap)) scopeFound = false;
        foreach (var principal in principals)
        {
            var placeholder = Placeholder(principal, target, posture);
            if (!scopeFound)
            {
                yield return verdict.Unavailable(placeholder, gap!);
                continue;
            }

            var file = scope!.PathOf(AwsCalls.GetAccountAuthorizationDetails.File);
            var (policies, problem) = EffectivePermissions.Resolve(details!, principal, scope.Region, file);
            if (problem is not null)
            {
                var fact = new EvidenceFact(principal, problem.Message, file);
                yield return problem.IsMalformed
                    ? verdict.Error(placeholder, $"cannot evaluate {principal}: {problem.Message}", fact)
                    : verdict.Inconclusive(placeholder, $"cannot verify {principal}: {problem.Message}",
                        EvidenceRemedies.NotListed("codeCommit principals", "IAM principal", scope.AccountId, scope.Region)
                        + " The principal must appear in iam:GetAccountAuthorizationDetails, which the audit role must be allowed to call.", fact);
                continue;
            }

            foreach (var repository in posture.MirroredRepositories)
            {
                var arn = CodeCommitActions.RepositoryArn(scope.Region, scope.AccountId, repository);
                // The principal's ARN identifies the finding (as waivers and fixtures name it); with several mirrored
                // repositories the repository is appended so each (control, resource) stays unique.
                var id = posture.MirroredRepositories.Count == 1 ? policies!.Arn : $"{policies!.Arn}#{repository}";
                var resource = new ResourceRef(id, $"{policies.Name} on {repository}", scope.AccountId, scope.Region);
                var audit = new PrincipalUnderAudit(resource, policies, repository, arn, scope, posture);
                JudgedFinding judged;
                try
                {
                    judged = check(audit);
                }
                catch (PolicyFormatException e)
                {
                    judged = verdict.Error(resource, $"cannot evaluate {policies.Name}: {e.Message}", new EvidenceFact(policies.Name, e.Message, file));
                }

                yield return judged;
            }
        }
    }

    private static ResourceRef Placeholder(string principal, AccountTarget account, CodeCommitPosture posture) =>
        new(principal.StartsWith("arn:", StringComparison.Ordinal) ? principal : $"arn:{CodeCommitActions.Partition(account.Region)}:iam::{account.AccountId}:user/{principal}",
            $"{principal} on {string.Join(", ", posture.MirroredRepositories)}", account.AccountId, account.Region);
}
