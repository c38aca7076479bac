using System.Xml.Linq;
using IsolationChecks.Aws.Pipeline;
using IsolationChecks.Evaluation.Policies;

namespace IsolationChecks.Aws.Iam;

/// <summary>
/// SimulatePrincipalPolicy over the thin IAM Query client (read-only: iam:SimulatePrincipalPolicy is on the allowlist).
/// The source address goes in as the aws:SourceIp context entry of type "ip", so conditions on it are evaluated
/// rather than ignored; every page (Marker/IsTruncated) is read.
/// </summary>
internal sealed class IamPolicySimulator(ThinServiceClient client, TimeSpan? retryDelay = null) : IPolicySimulator, IDisposable
{
    private const string Action = "SimulatePrincipalPolicy";

    private readonly AwsCallRunner _runner = new(client.Service.IamPrefix, client.Attempts, retryDelay);

    public async Task<IReadOnlyList<SimulatedDecision>> SimulateAsync(SimulationQuery query, CancellationToken cancellationToken)
    {
        var call = _runner.Begin(Action);
        var decisions = new List<SimulatedDecision>();
        string? marker = null;
        do
        {
            var parameters = new List<KeyValuePair<string, string>> { new("PolicySourceArn", query.PolicySourceArn) };
            for (var i = 0; i < query.Actions.Count; i++)
                parameters.Add(new($"ActionNames.member.{i + 1}", query.Actions[i]));
            parameters.Add(new("ResourceArns.member.1", query.ResourceArn));
            parameters.Add(new("ContextEntries.member.1.ContextKeyName", RequestContext.SourceIpKey));
            parameters.Add(new("ContextEntries.member.1.ContextKeyValues.member.1", query.SourceIp.ToString()));
            parameters.Add(new("ContextEntries.member.1.ContextKeyType", "ip"));
            if (marker is not null) parameters.Add(new("Marker", marker));
            var request = new QueryRequest { Action = Action, Version = client.Service.ApiVersion, Parameters = parameters };
            var page = await call.PageAsync(request, client.QueryAsync, r => Parse(r.Body), cancellationToken).ConfigureAwait(false);
            decisions.AddRange(page.Decisions);
            marker = page.NextMarker;
        }
        while (!string.IsNullOrEmpty(marker));

        return decisions;
    }

    /// <summary>Reads one SimulatePrincipalPolicyResponse page (IAM API reference: EvaluationResult, ResourceSpecificResult).</summary>
    internal static (IReadOnlyList<SimulatedDecision> Decisions, string? NextMarker) Parse(string xml)
    {
        var document = XDocument.Parse(xml);
        var result = document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == $"{Action}Result")
            ?? throw new MalformedResponseException($"No {Action}Result element in the response.");
        var decisions = Child(result, "EvaluationResults")?.Elements().Select(member =>
        {
            var action = Child(member, "EvalActionName")?.Value ?? throw new MalformedResponseException("an EvaluationResult has no EvalActionName");
            var decision = Child(member, "EvalDecision")?.Value ?? throw new MalformedResponseException($"the EvaluationResult of {action} has no EvalDecision");
            var missing = Members(Child(member, "MissingContextValues"))
                .Concat((Child(member, "ResourceSpecificResults")?.Elements() ?? []).SelectMany(r => Members(Child(r, "MissingContextValues"))))
                .Distinct(StringComparer.Ordinal).ToList();
            return new SimulatedDecision(action, decision, missing);
        }).ToList() ?? [];
        var truncated = bool.TryParse(Child(result, "IsTruncated")?.Value, out var t) && t;
        return (decisions, truncated ? Child(result, "Marker")?.Value : null);
    }

    private static XElement? Child(XElement element, string name) => element.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static IEnumerable<string> Members(XElement? list) =>
        list?.Elements().Select(e => e.Value.Trim()).Where(v => v.Length > 0) ?? [];

    public void Dispose() => client.Dispose();
}
