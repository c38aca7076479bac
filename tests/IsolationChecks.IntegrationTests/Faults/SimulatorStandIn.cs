using System.Net;
using System.Security;
using System.Text;
using IsolationChecks.Evaluation.Addressing;
using Microsoft.AspNetCore.WebUtilities;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>
/// IAM's SimulatePrincipalPolicy, which moto lacks, answered by the fault proxy in the response shape of the IAM API
/// reference (SimulatePrincipalPolicyResponse / EvaluationResults / ResourceSpecificResults). What a principal may do
/// from where is given by the test, as the environment it built grants it.
/// </summary>
/// <param name="grants">Per user name, per action, the source addresses from which IAM would allow it.</param>
public sealed class SimulatorStandIn(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> grants)
{
    private int _questions;

    /// <summary>How many questions it answered (the proxy answers them concurrently).</summary>
    public int Questions => Volatile.Read(ref _questions);

    public FaultProxy.LocalAnswer Answer(byte[] body)
    {
        Interlocked.Increment(ref _questions);
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        var principal = form["PolicySourceArn"].ToString();
        var user = principal[(principal.LastIndexOf('/') + 1)..];
        var resource = form["ResourceArns.member.1"].ToString();
        var ip = form["ContextEntries.member.1.ContextKeyValues.member.1"].ToString();
        var address = Cidr.Parse(ip);
        var results = new StringBuilder();
        for (var i = 1; form.TryGetValue($"ActionNames.member.{i}", out var action); i++)
        {
            var allowed = grants.TryGetValue(user, out var actions) && actions.TryGetValue(action.ToString(), out var from) && CidrSet.Parse(from).Contains(address);
            var decision = allowed ? "allowed" : "implicitDeny";
            results.Append($"""
                <member>
                  <EvalActionName>{SecurityElement.Escape(action.ToString())}</EvalActionName>
                  <EvalResourceName>{SecurityElement.Escape(resource)}</EvalResourceName>
                  <EvalDecision>{decision}</EvalDecision>
                  <MatchedStatements/>
                  <MissingContextValues/>
                  <ResourceSpecificResults><member><EvalResourceName>{SecurityElement.Escape(resource)}</EvalResourceName><EvalResourceDecision>{decision}</EvalResourceDecision><MatchedStatements/><MissingContextValues/></member></ResourceSpecificResults>
                </member>
                """);
        }

        return new FaultProxy.LocalAnswer((int)HttpStatusCode.OK, "text/xml", $"""
            <SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
              <SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>{results}</EvaluationResults></SimulatePrincipalPolicyResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </SimulatePrincipalPolicyResponse>
            """);
    }
}
