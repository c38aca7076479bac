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
/// Asks IAM's simulator the same questions the evaluator answered, from one address inside the expected set and
/// one outside it, with aws:SourceIp in the context. Any disagreement is reported with both answers.
/// </summary>
public static class SimulatorCrossCheck
{
    public static async Task<CrossCheckResult> RunAsync(
        IPolicySimulator simulator, PrincipalPolicies principal, IReadOnlyList<AccessDecision> decisions, CidrSet inside, CancellationToken cancellationToken)
    {
        var samples = new[] { inside.Example(), inside.Complement().Example() }.OfType<IPAddress>().ToList();
        var lines = new List<CrossCheckLine>();
        foreach (var resource in decisions.Select(d => d.Request.Resource).Distinct(StringComparer.Ordinal))
        {
            var forResource = decisions.Where(d => d.Request.Resource == resource).ToList();
            foreach (var address in samples)
            {
                var answers = await simulator.SimulateAsync(
                    new SimulationQuery(principal.Arn, forResource.Select(d => d.Request.Action).ToList(), resource, address), cancellationToken).ConfigureAwait(false);
                var cidr = Cidr.Parse(address.ToString());
                foreach (var decision in forResource)
                {
                    var predicted = decision.Allowed.Lower.Contains(cidr) ? "allowed" : decision.Allowed.Upper.Contains(cidr) ? "undecided" : "denied";
                    var answer = answers.FirstOrDefault(a => string.Equals(a.Action, decision.Request.Action, StringComparison.OrdinalIgnoreCase));
                    lines.Add(new CrossCheckLine(decision.Request.Action, address, predicted, answer?.Decision ?? "(no answer for this action)", answer?.MissingContextValues ?? []));
                }
            }
        }

        var outcome = lines.Any(l => l.MissingContextValues.Count > 0) ? CrossCheckOutcome.MissingContext
            : lines.Any(l => l.Disagrees) ? CrossCheckOutcome.Disagrees
            : CrossCheckOutcome.Agrees;
        return new CrossCheckResult(outcome, lines);
    }
}
