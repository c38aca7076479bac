using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Policies;

namespace IsolationChecks.Controls.Iam.IAM2_PullOnlyFromIsolatedCidrs;

/// <summary>IAM-2: the set of source addresses a pull principal can GitPull from is exactly the isolated source CIDRs.</summary>
public sealed class PullOnlyFromIsolatedCidrs : CrossCheckedIamControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "IAM-2",
        Title: "Pull principal can pull only from the isolated terminals",
        Family: "IAM",
        Severity: Severity.High,
        Claim: "can pull only from the isolated source CIDRs",
        Rationale: "The pull credentials are usable wherever the policy allows them; if they work from outside the isolated room, a copy " +
                   "of the credentials (or of the code) is useful anywhere, and the room is no longer the only place the code is read.",
        Remediation: "Allow codecommit:GitPull to the pull principal only with \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": [the isolated CIDRs]}}, " +
                     "and remove every other statement that grants it GitPull without that condition; or correct codeCommit.isolatedSourceCidrs in the posture.",
        References:
        [
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-ip.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip",
        ]);

    protected override IEnumerable<JudgedFinding> Judge(FindingFactory verdict, EvaluationContext context) =>
        CodeCommitPrincipalsInScope.Evaluate(context, verdict, p => p.PullPrincipals, audit =>
        {
            if (audit.Posture.IsolatedSourceCidrs.Count == 0)
                return verdict.Inconclusive(audit.Resource, "the posture declares no codeCommit.isolatedSourceCidrs, so there is nothing to compare the allowed addresses with",
                    EvidenceRemedies.DeclareInPosture("the isolated terminals' addresses under codeCommit.isolatedSourceCidrs"));
            CidrSet expected;
            try
            {
                expected = CidrSet.Parse(audit.Posture.IsolatedSourceCidrs.Select(c => c.Cidr));
            }
            catch (FormatException e)
            {
                return verdict.Error(audit.Resource, $"the posture's codeCommit.isolatedSourceCidrs is invalid: {e.Message}");
            }

            var decision = EffectivePermissions.Evaluate(audit.Policies, CodeCommitActions.GitPull, audit.RepositoryArn);
            var finding = AllowedSetComparison.Judge(verdict, audit, decision, expected,
                $"the isolated source CIDRs [{string.Join(", ", audit.Posture.IsolatedSourceCidrs)}]", []);
            return new JudgedFinding(finding, audit.Policies, [decision], expected);
        });
}
