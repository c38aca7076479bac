using System.Net;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Pipeline;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Iam.IAM2_PullOnlyFromIsolatedCidrs;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Policies;
using IsolationChecks.Tests.Aws;
using IsolationChecks.Tests.Support;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Policies;

/// <summary>
/// The SimulatePrincipalPolicy client against a local server that answers in the documented IAM XML shape
/// (IAM API reference: SimulatePrincipalPolicy, EvaluationResult, ResourceSpecificResult); moto lacks the API.
/// </summary>
public class IamPolicySimulatorTests
{
    private const string Namespace = "https://iam.amazonaws.com/doc/2010-05-08/";

    private static Dictionary<string, string> Form(string body) => body.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : ""));

    private static string Result(string action, string decision, string resource, string missingTop = "", string missingResource = "") => $"""
        <member>
          <EvalActionName>{action}</EvalActionName>
          <EvalResourceName>{resource}</EvalResourceName>
          <EvalDecision>{decision}</EvalDecision>
          <MatchedStatements/>
          <MissingContextValues>{missingTop}</MissingContextValues>
          <EvalDecisionDetails/>
          <ResourceSpecificResults>
            <member>
              <EvalResourceName>{resource}</EvalResourceName>
              <EvalResourceDecision>{decision}</EvalResourceDecision>
              <MatchedStatements/>
              <MissingContextValues>{missingResource}</MissingContextValues>
            </member>
          </ResourceSpecificResults>
        </member>
        """;

    private static string Response(string members, string? marker = null) => $"""
        <SimulatePrincipalPolicyResponse xmlns="{Namespace}">
          <SimulatePrincipalPolicyResult>
            <IsTruncated>{(marker is null ? "false" : "true")}</IsTruncated>
            {(marker is null ? "" : $"<Marker>{marker}</Marker>")}
            <EvaluationResults>{members}</EvaluationResults>
          </SimulatePrincipalPolicyResult>
          <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>
        </SimulatePrincipalPolicyResponse>
        """;

    /// <summary>Answers as IAM would for the reference pull user: GitPull allowed only from 192.0.2.0/28.</summary>
    private static CannedResponse PullUser(RecordedRequest request)
    {
        var form = Form(request.Body);
        if (form["Action"] != "SimulatePrincipalPolicy" || form["ContextEntries.member.1.ContextKeyName"] != "aws:SourceIp")
            return AwsAnswers.Xml("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>unexpected</Message></Error></ErrorResponse>", 400);
        var ip = form["ContextEntries.member.1.ContextKeyValues.member.1"];
        var inside = CidrSet.Parse(OneWayFlowBuilder.Isolated).Contains(Cidr.Parse(ip));
        var members = string.Concat(form.Where(kv => kv.Key.StartsWith("ActionNames.member.", StringComparison.Ordinal)).Select(kv =>
            Result(kv.Value, kv.Value == "codecommit:GitPull" && inside ? "allowed" : "implicitDeny", form["ResourceArns.member.1"])));
        return AwsAnswers.Xml(Response(members));
    }

    private static QueryServiceClient Simulator(RecordingAwsServer server) => new(TestClients.Thin(AwsServices.Iam, server.Endpoint), AwsServices.Iam, null, TimeSpan.Zero);

    /// <summary>Sends one question as the collector does and reads the answer as the controls do, through the declared shape.</summary>
    private static async Task<IReadOnlyList<EvaluationResult>> AskAsync(QueryServiceClient client, SimulationQuery query)
    {
        var output = (await client.CallAsync(AwsCalls.SimulatePrincipalPolicy, new CallArgs(query.Key, Input: query.ToRequest()), CancellationToken.None)).Output;
        output["Request"] = query.ToRequest();
        var path = AwsCalls.SimulatePrincipalPolicy.FileFor(query.Key);
        var files = new SnapshotFiles("test", new Dictionary<string, byte[]> { [path] = System.Text.Encoding.UTF8.GetBytes(output.ToJsonString()) }, null);
        Assert.That(new ScopeReader(files, "").Read<SimulatePrincipalPolicyOutput>(AwsCalls.SimulatePrincipalPolicy, query.Key).TryGet(out var read, out var gap), Is.True, gap?.Describe());
        return read!.EvaluationResults;
    }

    [Test]
    public async Task Sends_the_source_ip_as_an_ip_context_entry_and_reads_the_decisions()
    {
        await using var server = await RecordingAwsServer.StartAsync(PullUser);
        using var simulator = Simulator(server);

        var results = await AskAsync(simulator, new SimulationQuery("arn:aws:iam::222222222222:user/isolated-pull",
            [CodeCommitActions.GitPull, CodeCommitActions.GitPush], OneWayFlowBuilder.RepoArn, IPAddress.Parse("192.0.2.5")));

        var form = Form(server.Requests.Single().Body);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(d => (d.EvalActionName, d.EvalDecision)), Is.EqualTo(new[] { ("codecommit:GitPull", "allowed"), ("codecommit:GitPush", "implicitDeny") }));
            Assert.That(form, Does.ContainKey("PolicySourceArn").WithValue("arn:aws:iam::222222222222:user/isolated-pull"));
            Assert.That(form, Does.ContainKey("ActionNames.member.2").WithValue("codecommit:GitPush"));
            Assert.That(form, Does.ContainKey("ResourceArns.member.1").WithValue(OneWayFlowBuilder.RepoArn));
            Assert.That(form, Does.ContainKey("ContextEntries.member.1.ContextKeyName").WithValue("aws:SourceIp"));
            Assert.That(form, Does.ContainKey("ContextEntries.member.1.ContextKeyValues.member.1").WithValue("192.0.2.5"));
            Assert.That(form, Does.ContainKey("ContextEntries.member.1.ContextKeyType").WithValue("ip"));
            Assert.That(form, Does.ContainKey("Version").WithValue("2010-05-08"));
            Assert.That(server.Requests.Single().SigningService, Is.EqualTo("iam"));
        }
    }

    [Test]
    public async Task Reads_every_page_and_missing_context_values_at_both_levels()
    {
        var pages = new Queue<string>([
            Response(Result("codecommit:GitPull", "allowed", OneWayFlowBuilder.RepoArn, missingTop: "<member>aws:MultiFactorAuthPresent</member>"), marker: "page-2"),
            Response(Result("codecommit:GitPush", "implicitDeny", OneWayFlowBuilder.RepoArn, missingResource: "<member>aws:SourceVpce</member>")),
        ]);
        await using var server = await RecordingAwsServer.StartAsync(_ => AwsAnswers.Xml(pages.Dequeue()));
        using var simulator = Simulator(server);

        var results = await AskAsync(simulator, new SimulationQuery("arn:aws:iam::222222222222:user/u",
            [CodeCommitActions.GitPull, CodeCommitActions.GitPush], OneWayFlowBuilder.RepoArn, IPAddress.Parse("2001:db8::1")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(d => (d.EvalActionName, string.Join(",", d.MissingContextValues ?? []),
                    string.Join(",", (d.ResourceSpecificResults ?? []).SelectMany(r => r.MissingContextValues ?? [])))),
                Is.EqualTo(new[] { ("codecommit:GitPull", "aws:MultiFactorAuthPresent", ""), ("codecommit:GitPush", "", "aws:SourceVpce") }));
            Assert.That(Form(server.Requests[1].Body), Does.ContainKey("Marker").WithValue("page-2"));
            Assert.That(Form(server.Requests[0].Body), Does.ContainKey("ContextEntries.member.1.ContextKeyValues.member.1").WithValue("2001:db8::1"));
        }
    }

    [Test]
    public async Task IAM2_cross_checks_with_the_answers_the_simulator_gave_on_the_wire()
    {
        await using var server = await RecordingAwsServer.StartAsync(PullUser);
        using var simulator = Simulator(server);
        var context = new OneWayFlowBuilder().Context();
        var answers = new Dictionary<string, IReadOnlyList<EvaluationResult>>();
        foreach (var query in SimulatedAnswers.Questions(context).Where(q => q.PolicySourceArn.EndsWith("/isolated-pull", StringComparison.Ordinal)))
            answers[query.Key] = await AskAsync(simulator, query);
        context = SimulatedAnswers.Attach(context, (q, action) => answers.TryGetValue(q.Key, out var results)
            ? results.Where(r => r.EvalActionName == action).Select(r => new SimulatedDecision(action, r.EvalDecision, r.MissingContextValues ?? [])).Single()
            : new SimulatedDecision(action, "implicitDeny", []));

        var finding = (await new PullOnlyFromIsolatedCidrs().EvaluateAsync(context, CancellationToken.None)).Single();

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
        Assert.That(finding.Evidence.Where(e => e.Subject == "iam:SimulatePrincipalPolicy").Select(e => e.Fact), Has.Some.EqualTo(
            "codecommit:GitPull from 192.0.2.0: evaluator allowed, SimulatePrincipalPolicy allowed"));
    }
}
