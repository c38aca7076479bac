using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Policies;

namespace IsolationChecks.Controls.Iam;

/// <summary>
/// An IAM control judged offline from the snapshot and, when the target is live, cross-checked with IAM's
/// SimulatePrincipalPolicy: a disagreement is an error showing both answers; a simulation that lacked a context
/// value (AWS then ignores the condition) makes the verdict inconclusive.
/// </summary>
public abstract class CrossCheckedIamControl : IControl
{
    public abstract ControlMetadata Metadata { get; }

    protected abstract IEnumerable<JudgedFinding> Judge(FindingFactory verdict, EvaluationContext context);

    public async Task<IReadOnlyList<Finding>> EvaluateAsync(EvaluationContext context, CancellationToken cancellationToken)
    {
        var verdict = new FindingFactory(Metadata);
        var findings = new List<Finding>();
        foreach (var judged in Judge(verdict, context))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var simulator = context.PolicySimulators?.Invoke(judged.Finding.Resource.Account);
            if (simulator is null || judged.Principal is null || judged.Decisions is not { Count: > 0 } || judged.Inside is null
                || judged.Finding.Status is Status.Error)
            {
                findings.Add(judged.Finding);
                continue;
            }

            findings.Add(await CrossCheckAsync(verdict, judged, simulator, cancellationToken).ConfigureAwait(false));
        }

        return findings;
    }

    private static async Task<Finding> CrossCheckAsync(FindingFactory verdict, JudgedFinding judged, IPolicySimulator simulator, CancellationToken cancellationToken)
    {
        var finding = judged.Finding;
        const string scpNote = "SimulatePrincipalPolicy cannot evaluate service control policies with global condition keys such as aws:SourceIp: " +
                               "if the account is in an organization, SCPs are not part of this cross-check";
        CrossCheckResult result;
        try
        {
            result = await SimulatorCrossCheck.RunAsync(simulator, judged.Principal!, judged.Decisions!, judged.Inside!, cancellationToken).ConfigureAwait(false);
        }
        catch (Aws.AwsCallException e)
        {
            return verdict.Inconclusive(finding.Resource,
                $"the live cross-check could not run ({e.Message}); the snapshot evaluation says: {finding.Status.ToWire()}: {finding.Message}",
                EvidenceRemedies.For(new Snapshots.DataGap("iam", "SimulatePrincipalPolicy", e.ErrorMessage, e.ErrorCode, null)),
                [.. finding.Evidence, new EvidenceFact("iam:SimulatePrincipalPolicy", e.Message)]);
        }

        var facts = finding.Evidence.Concat(result.Lines.Select(l => new EvidenceFact("iam:SimulatePrincipalPolicy", l.ToString())))
            .Append(new EvidenceFact("iam:SimulatePrincipalPolicy", scpNote)).ToList();
        return result.Outcome switch
        {
            CrossCheckOutcome.MissingContext => verdict.Inconclusive(finding.Resource,
                $"SimulatePrincipalPolicy reported missing context values [{string.Join(", ", result.MissingContextValues)}], so AWS ignored the conditions on them " +
                $"and its answer cannot confirm the evaluation ({finding.Status.ToWire()}: {finding.Message})",
                "The policies use condition keys the simulator needs values for (named above): review those statements by hand, or express the "
                + "restriction with aws:SourceIp or aws:SourceVpce, which the cross-check supplies; then run again.", facts),
            CrossCheckOutcome.Disagrees => verdict.Error(finding.Resource,
                $"the policy evaluator and IAM's policy simulator disagree: {string.Join("; ", result.Disagreements.Take(3))} " +
                $"(evaluation: {finding.Status.ToWire()}: {finding.Message})", facts),
            _ => finding with { Evidence = facts },
        };
    }
}
