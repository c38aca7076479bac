using System.Net;

namespace IsolationChecks.Evaluation.Policies;

/// <summary>One SimulatePrincipalPolicy question: these actions on this resource, by this principal, from this source address.</summary>
public sealed record SimulationQuery(string PolicySourceArn, IReadOnlyList<string> Actions, string ResourceArn, IPAddress SourceIp);

/// <summary>IAM's answer for one action: allowed, explicitDeny or implicitDeny, and the context keys it lacked.</summary>
/// <param name="MissingContextValues">Top-level and resource-specific missing keys together: AWS ignores a condition whose key has no value.</param>
public sealed record SimulatedDecision(string Action, string Decision, IReadOnlyList<string> MissingContextValues)
{
    public bool IsAllowed => string.Equals(Decision, "allowed", StringComparison.Ordinal);
}

/// <summary>IAM's policy simulator (SimulatePrincipalPolicy), as the live cross-check uses it.</summary>
public interface IPolicySimulator
{
    Task<IReadOnlyList<SimulatedDecision>> SimulateAsync(SimulationQuery query, CancellationToken cancellationToken);
}
