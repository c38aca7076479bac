using System.Net;
using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Evaluation.Policies;

public enum CrossCheckOutcome
{
    Agrees,
    /// <summary>The simulator lacked a context value, so it ignored a condition: its answer proves nothing.</summary>
    MissingContext,
    Disagrees,
}

/// <summary>What the simulator said for one action from one address, next to what the evaluator predicted.</summary>
public sealed record CrossCheckLine(string Action, IPAddress Address, string Evaluator, string Simulator, IReadOnlyList<string> MissingContextValues)
{
    public bool Disagrees => Evaluator != "undecided" && (Evaluator == "allowed") != (Simulator == "allowed");

    public override string ToString() =>
        $"{Action} from {Address}: evaluator {Evaluator}, SimulatePrincipalPolicy {Simulator}" +
        (MissingContextValues.Count > 0 ? $" (missing context values: {string.Join(", ", MissingContextValues)})" : "");
}

public sealed record CrossCheckResult(CrossCheckOutcome Outcome, IReadOnlyList<CrossCheckLine> Lines)
{
    public IEnumerable<CrossCheckLine> Disagreements => Lines.Where(l => l.Disagrees);

    public IReadOnlyList<string> MissingContextValues => Lines.SelectMany(l => l.MissingContextValues).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>
/// The questions IAM's simulator is asked about the evaluator's answers — from one address inside the expected set and
/// one outside it, with aws:SourceIp in the context — and the comparison of its answers with the evaluator's. Both are
/// pure: the questions are asked during collection and the answers are evidence in the snapshot.
/// </summary>
public static class SimulatorCrossCheck
{
    public static IReadOnlyList<SimulationQuery> Questions(PrincipalPolicies principal, IReadOnlyList<AccessDecision> decisions, CidrSet inside)
    {
        var samples = Samples(inside);
        return decisions.Select(d => d.Request.Resource).Distinct(StringComparer.Ordinal)
            .SelectMany(resource => samples.Select(address => new SimulationQuery(principal.Arn,
                decisions.Where(d => d.Request.Resource == resource).Select(d => d.Request.Action).ToList(), resource, address)))
            .ToList();
    }

    /// <summary>Compares the evaluator's decisions with IAM's answers to <see cref="Questions"/> (same order).</summary>
    public static CrossCheckResult Compare(IReadOnlyList<AccessDecision> decisions, IReadOnlyList<(SimulationQuery Query, IReadOnlyList<SimulatedDecision> Answers)> answered)
    {
        var lines = new List<CrossCheckLine>();
        foreach (var (query, answers) in answered)
        {
            var cidr = Cidr.Parse(query.SourceIp.ToString());
            foreach (var decision in decisions.Where(d => d.Request.Resource == query.ResourceArn))
            {
                var predicted = decision.Allowed.Lower.Contains(cidr) ? "allowed" : decision.Allowed.Upper.Contains(cidr) ? "undecided" : "denied";
                var answer = answers.FirstOrDefault(a => string.Equals(a.Action, decision.Request.Action, StringComparison.OrdinalIgnoreCase));
                lines.Add(new CrossCheckLine(decision.Request.Action, query.SourceIp, predicted, answer?.Decision ?? "(no answer for this action)", answer?.MissingContextValues ?? []));
            }
        }

        var outcome = lines.Any(l => l.MissingContextValues.Count > 0) ? CrossCheckOutcome.MissingContext
            : lines.Any(l => l.Disagrees) ? CrossCheckOutcome.Disagrees
            : CrossCheckOutcome.Agrees;
        return new CrossCheckResult(outcome, lines);
    }

    private static List<IPAddress> Samples(CidrSet inside) => new[] { inside.Example(), inside.Complement().Example() }.OfType<IPAddress>().ToList();
}
