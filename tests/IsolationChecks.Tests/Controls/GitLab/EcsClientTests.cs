using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Calls;
using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Pipeline;
using IsolationChecks.Tests.Aws;

namespace IsolationChecks.Tests.Controls.GitLab;

/// <summary>The ECS client against a local server answering in the documented JSON 1.1 shape (AmazonEC2ContainerServiceV20141113).</summary>
public class EcsClientTests
{
    private const string Task1 = "arn:aws:ecs:ap-northeast-1:111111111111:task/gitlab/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private const string Task2 = "arn:aws:ecs:ap-northeast-1:111111111111:task/gitlab/1a2b3c4d5e6f70819203a4b5c6d7e8f9";

    private static IAwsServiceClient Api(RecordingAwsServer server, int? pageSize = null) => TestClients.For(AwsServices.Ecs, server.Endpoint, pageSize);

    [Test]
    public async Task ListTasks_asks_for_the_service_running_tasks_and_follows_nextToken()
    {
        var pages = new Queue<string>([$$"""{"taskArns":["{{Task1}}"],"nextToken":"page-2"}""", $$"""{"taskArns":["{{Task2}}"]}"""]);
        await using var server = await RecordingAwsServer.StartAsync(_ => new CannedResponse(200, pages.Dequeue()));
        using var api = Api(server, pageSize: 1000);

        var result = await api.CallAsync(AwsCalls.ListTasks, new CallArgs("gitlab/gitlab-web"), CancellationToken.None);

        var requests = server.Requests;
        var first = JsonNode.Parse(requests[0].Body)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Output.ToJsonString(), Is.EqualTo($$"""{"taskArns":["{{Task1}}","{{Task2}}"]}"""));
            Assert.That(result.Pages, Is.EqualTo(2));
            Assert.That(requests.Select(r => r.Headers["X-Amz-Target"]), Is.All.EqualTo("AmazonEC2ContainerServiceV20141113.ListTasks"));
            Assert.That(requests.Select(r => r.SigningService), Is.All.EqualTo("ecs"));
            Assert.That((string?)first["cluster"], Is.EqualTo("gitlab"));
            Assert.That((string?)first["serviceName"], Is.EqualTo("gitlab-web"));
            Assert.That((string?)first["desiredStatus"], Is.EqualTo("RUNNING"));
            Assert.That((int?)first["maxResults"], Is.EqualTo(100), "ListTasks allows at most 100 results per page");
            Assert.That(first["nextToken"], Is.Null);
            Assert.That((string?)JsonNode.Parse(requests[1].Body)!["nextToken"], Is.EqualTo("page-2"));
        }
    }

    [Test]
    public async Task DescribeTasks_prints_the_cli_shape_with_timestamps_as_text()
    {
        await using var server = await RecordingAwsServer.StartAsync(_ => new CannedResponse(200, $$"""
            {"tasks":[{"taskArn":"{{Task1}}","group":"service:gitlab-web","createdAt":1.762042378902E9,
              "attachments":[{"type":"ElasticNetworkInterface","details":[{"name":"networkInterfaceId","value":"eni-0c0ffee0c0ffee001"}]}]}]}
            """));
        using var api = Api(server);

        var result = await api.CallAsync(AwsCalls.DescribeTasks, new CallArgs("gitlab/gitlab-web", [Task1]), CancellationToken.None);

        var task = result.Output["tasks"]![0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)task["createdAt"], Does.StartWith("2025-11-02T00:12:58.902"));
            Assert.That((string?)task["attachments"]![0]!["details"]![0]!["value"], Is.EqualTo("eni-0c0ffee0c0ffee001"));
            Assert.That(JsonNode.Parse(server.Requests[0].Body)!["tasks"]!.AsArray().Select(t => (string?)t), Is.EqualTo(new[] { Task1 }));
        }
    }

    [Test]
    public async Task UpdateService_through_the_thin_ecs_client_is_refused_and_nothing_is_sent()
    {
        await using var server = await RecordingAwsServer.StartAsync(_ => new CannedResponse(200, "{}"));
        using var ecs = TestClients.Thin(AwsServices.Ecs, server.Endpoint);
        var request = new JsonRequest { TargetPrefix = AwsServices.Ecs.JsonTargetPrefix!, Action = "UpdateService", Body = """{"cluster":"gitlab","service":"gitlab-web","desiredCount":0}""" };

        var refused = await Assert.ThrowsAsync<ReadOnlyViolationException>(() => ecs.JsonAsync(request, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused!.Action, Is.EqualTo("ecs:UpdateService"));
            Assert.That(server.Requests, Is.Empty);
            Assert.That(new[] { "ecs:DescribeServices", "ecs:ListTasks", "ecs:DescribeTasks" }.Select(ReadOnlyAllowlist.AllowsAudit), Is.All.True);
        }
    }
}
