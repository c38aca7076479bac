using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace IsolationChecks.Evaluation.Policies;

/// <summary>One SimulatePrincipalPolicy question: these actions on this resource, by this principal, from this source address.</summary>
public sealed record SimulationQuery(string PolicySourceArn, IReadOnlyList<string> Actions, string ResourceArn, IPAddress SourceIp)
{
    /// <summary>A stable name for the question: the snapshot file of its answer, and the manifest's target.</summary>
    public string Key
    {
        get
        {
            var canonical = string.Join('\n', [PolicySourceArn, string.Join(',', Actions.Order(StringComparer.Ordinal)), ResourceArn, SourceIp.ToString()]);
            var name = PolicySourceArn[(PolicySourceArn.LastIndexOf('/') + 1)..];
            return $"{name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16]}";
        }
    }

    /// <summary>The request members of <c>iam:SimulatePrincipalPolicy</c>, with aws:SourceIp as an "ip" context entry (else IAM ignores conditions on it).</summary>
    public JsonObject ToRequest() => new()
    {
        ["PolicySourceArn"] = PolicySourceArn,
        ["ActionNames"] = new JsonArray(Actions.Select(a => (JsonNode?)a).ToArray()),
        ["ResourceArns"] = new JsonArray(ResourceArn),
        ["ContextEntries"] = new JsonArray(new JsonObject
        {
            ["ContextKeyName"] = RequestContext.SourceIpKey,
            ["ContextKeyValues"] = new JsonArray(SourceIp.ToString()),
            ["ContextKeyType"] = "ip",
        }),
    };
}

/// <summary>IAM's answer for one action: allowed, explicitDeny or implicitDeny, and the context keys it lacked.</summary>
/// <param name="MissingContextValues">Top-level and resource-specific missing keys together: AWS ignores a condition whose key has no value.</param>
public sealed record SimulatedDecision(string Action, string Decision, IReadOnlyList<string> MissingContextValues)
{
    public bool IsAllowed => string.Equals(Decision, "allowed", StringComparison.Ordinal);
}
