using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Calls;
using System.Text.Json;
using IsolationChecks.Aws;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Connections.CONN1_HostInVpc;
using IsolationChecks.Tests.Aws;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.Connections;

/// <summary>
/// The CodeConnections ListHosts client against a local server answering in the documented AWS JSON 1.0 shape
/// (moto has no CodeConnections): wire format, paging by NextToken, and the CLI-shaped output CONN-1 reads.
/// </summary>
public class ConnectionsClientTests
{
    private const string Host = """{"Name":"gitlab-dev","HostArn":"arn:aws:codeconnections:ap-northeast-1:111111111111:host/gitlab-dev-3f9c2e1a","ProviderType":"GitLabSelfManaged","ProviderEndpoint":"https://gitlab.dev.example.jp","VpcConfiguration":{"VpcId":"vpc-09e8a6b349374e463","SubnetIds":["subnet-00344aeac69be4126"],"SecurityGroupIds":["sg-023c757925cd59f37"]},"Status":"AVAILABLE"}""";
    private const string Other = """{"Name":"ghes","HostArn":"arn:aws:codeconnections:ap-northeast-1:111111111111:host/ghes-0a1b2c3d","ProviderType":"GitHubEnterpriseServer","ProviderEndpoint":"https://ghes.example.jp","Status":"PENDING"}""";

    private static IAwsServiceClient Api(RecordingAwsServer server, int? pageSize = null) => TestClients.For(AwsServices.CodeConnections, server.Endpoint, pageSize);

    [Test]
    public async Task Lists_every_page_over_json_1_0_into_the_shape_CONN1_reads()
    {
        var pages = new Queue<string>([$$"""{"Hosts":[{{Other}}],"NextToken":"page-2"}""", $$"""{"Hosts":[{{Host}}]}"""]);
        await using var server = await RecordingAwsServer.StartAsync(_ => new CannedResponse(200, pages.Dequeue(), "application/x-amz-json-1.0"));
        using var api = Api(server, pageSize: 500);

        var result = await api.CallAsync(AwsCalls.ListHosts, CallArgs.None, CancellationToken.None);

        var output = result.Output.ToJsonString();
        var finding = ReferenceVariant.Load().Put(ReferenceVariant.Dev + "codeconnections/list-hosts.json", output).Evaluate<HostInVpc>().Single();
        var requests = server.Requests;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Pages, Is.EqualTo(2));
            Assert.That(requests.Select(r => r.Headers["X-Amz-Target"]), Is.All.EqualTo("com.amazonaws.codeconnections.CodeConnections_20231201.ListHosts"));
            Assert.That(requests.Select(r => r.Headers["Content-Type"]), Is.All.StartsWith("application/x-amz-json-1.0"));
            Assert.That(requests.Select(r => r.SigningService), Is.All.EqualTo("codeconnections"));
            Assert.That(requests.Select(r => r.Method + " " + r.Path), Is.All.EqualTo("POST /"));
            Assert.That(JsonDocument.Parse(requests[0].Body).RootElement.GetProperty("MaxResults").GetInt32(), Is.EqualTo(100), "the API allows at most 100");
            Assert.That(requests[0].Body, Does.Not.Contain("NextToken"));
            Assert.That(JsonDocument.Parse(requests[1].Body).RootElement.GetProperty("NextToken").GetString(), Is.EqualTo("page-2"));
            Assert.That(output, Does.Not.Contain("NextToken"));
            Assert.That(JsonDocument.Parse(output).RootElement.GetProperty("Hosts").GetArrayLength(), Is.EqualTo(2));
            Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
        }
    }

    [Test]
    public async Task A_refusal_is_reported_with_the_service_error_code()
    {
        await using var server = await RecordingAwsServer.StartAsync(_ => new CannedResponse(400,
            """{"__type":"AccessDeniedException","message":"User is not authorized to perform: codeconnections:ListHosts"}""", "application/x-amz-json-1.0"));
        using var api = Api(server);

        var error = await Assert.ThrowsAsync<AwsCallException>(() => api.CallAsync(AwsCalls.ListHosts, CallArgs.None, CancellationToken.None));

        Assert.That(error!.ErrorCode, Is.EqualTo("AccessDeniedException"));
        Assert.That(error.Operation, Is.EqualTo("ListHosts"));
    }

    [Test]
    public void The_read_only_guard_allows_ListHosts()
    {
        Assert.That(ReadOnlyAllowlist.AllowsAudit("codeconnections:ListHosts"), Is.True);
    }
}
