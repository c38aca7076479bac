using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Policies;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.Iam;

/// <summary>
/// An IAM control judged from the snapshot's policies and cross-checked with IAM's own SimulatePrincipalPolicy answers,
/// which the live run collects as evidence (the questions come from <see cref="Questions"/>): a disagreement is an error
/// showing both answers; a simulation that lacked a context value (AWS then ignores the condition) or a question left
/// unanswered makes the verdict inconclusive. A snapshot that holds no simulation at all (made by hand) is judged on
/// the policies alone, and says so.
/// </summary>
public abstract class CrossCheckedIamControl : SnapshotControl
{
    private const string ScpNote = "SimulatePrincipalPolicy cannot evaluate service control policies with global condition keys such as aws:SourceIp: " +
                                   "if the account is in an organization, SCPs are not part of this cross-check";

    protected abstract IEnumerable<JudgedFinding> Judge(FindingFactory verdict, EvaluationContext context);

    /// <summary>The questions to ask IAM's simulator about this control's verdicts (pure: collection asks them).</summary>
    public IEnumerable<(string AccountId, string Region, SimulationQuery Query)> Questions(EvaluationContext context) =>
        Judge(new FindingFactory(Metadata), context)
            .Where(CanCrossCheck)
            .SelectMany(j => SimulatorCrossCheck.Questions(j.Principal!, j.Decisions!, j.Inside!)
                .Select(q => (j.Finding.Resource.Account, j.Finding.Resource.Region, q)));

    protected sealed override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        Judge(verdict, context).Select(judged => CanCrossCheck(judged) ? CrossCheck(verdict, judged, context) : judged.Finding);

    private static bool CanCrossCheck(JudgedFinding judged) =>
        judged is { Principal: not null, Decisions.Count: > 0, Inside: not null } && judged.Finding.Status is not Status.Error;

    private static Finding CrossCheck(FindingFactory verdict, JudgedFinding judged, EvaluationContext context)
    {
        var finding = judged.Finding;
        var scope = context.Snapshot.Find(finding.Resource.Account, finding.Resource.Region);
        var call = AwsCalls.SimulatePrincipalPolicy;
        if (scope is null || scope.ItemsOf(call).Count == 0)
            return finding with
            {
                Evidence = [.. finding.Evidence, new EvidenceFact(call.IamAction,
                    "not cross-checked: the snapshot holds no SimulatePrincipalPolicy answers (a live run collects them with the evidence)")],
            };

        var answered = new List<(SimulationQuery, IReadOnlyList<SimulatedDecision>)>();
        foreach (var query in SimulatorCrossCheck.Questions(judged.Principal!, judged.Decisions!, judged.Inside!))
        {
            if (!scope.Read<SimulatePrincipalPolicyOutput>(call, query.Key).TryGet(out var output, out var gap))
                return verdict.Inconclusive(finding.Resource,
                    $"the cross-check with IAM's simulator has no answer for {string.Join(", ", query.Actions)} on {query.ResourceArn} from {query.SourceIp} ({gap.Describe()}); " +
                    $"the snapshot evaluation says: {finding.Status.ToWire()}: {finding.Message}",
                    EvidenceRemedies.For(gap),
                    [.. finding.Evidence, new EvidenceFact(call.IamAction, gap.Describe(), gap.File)]);
            answered.Add((query, output.EvaluationResults.Select(Decision).ToList()));
        }

        var result = SimulatorCrossCheck.Compare(judged.Decisions!, answered);
        var facts = finding.Evidence.Concat(result.Lines.Select(l => new EvidenceFact(call.IamAction, l.ToString())))
            .Append(new EvidenceFact(call.IamAction, ScpNote)).ToList();
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

    private static SimulatedDecision Decision(EvaluationResult result) => new(
        result.EvalActionName,
        result.EvalDecision,
        (result.MissingContextValues ?? [])
            .Concat((result.ResourceSpecificResults ?? []).SelectMany(r => r.MissingContextValues ?? []))
            .Distinct(StringComparer.Ordinal).ToList());
}
