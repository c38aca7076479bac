using IsolationChecks.Aws.Calls;
using System.Text.Json;
using IsolationChecks.Aws.Pipeline;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Ecr.ECR5_NoPublicRepositories;
using IsolationChecks.Posture;
using IsolationChecks.Tests.Aws;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.Ecr;

/// <summary>The ECR Public DescribeRepositories client against a local server speaking the service's JSON 1.1 protocol (moto has no ECR Public).</summary>
public class EcrPublicClientTests
{
    [Test]
    public async Task Reads_every_page_into_the_cli_shape_ECR5_evaluates()
    {
        var pages = new Queue<string>([
            """{"repositories":[{"repositoryArn":"arn:aws:ecr-public::222222222222:repository/leak","registryId":"222222222222","repositoryName":"leak","repositoryUri":"public.ecr.aws/x1y2z3/leak","createdAt":1.7636928E9}],"nextToken":"t2"}""",
            """{"repositories":[{"repositoryArn":"arn:aws:ecr-public::222222222222:repository/docs","registryId":"222222222222","repositoryName":"docs","repositoryUri":"public.ecr.aws/x1y2z3/docs","createdAt":1.7636928E9}]}""",
        ]);
        await using var server = await RecordingAwsServer.StartAsync(_ => new CannedResponse(200, pages.Dequeue()));
        using var api = TestClients.For(AwsServices.EcrPublic, server.Endpoint, pageSize: 1);

        var result = await api.CallAsync(AwsCalls.DescribePublicRepositories, CallArgs.None, CancellationToken.None);

        var output = result.Output.ToJsonString();
        var context = new EcrBuilder { PublicRepositoriesJson = output }.WithRepository(EcrBuilder.Compliant("app"))
            .Context(new EcrPosture("prd", ["*"], PublicRepositoriesAllowed: ["docs"]));
        var findings = Evaluate.With<NoPublicRepositories>(context);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Pages, Is.EqualTo(2));
            Assert.That(server.Requests.Select(r => r.Headers["X-Amz-Target"]), Is.All.EqualTo("SpencerFrontendService.DescribeRepositories"));
            Assert.That(server.Requests.Select(r => r.SigningService), Is.All.EqualTo("ecr-public"));
            Assert.That(JsonDocument.Parse(server.Requests[1].Body).RootElement.GetProperty("nextToken").GetString(), Is.EqualTo("t2"));
            Assert.That(output, Does.Not.Contain("nextToken"));
            Assert.That(findings.Select(f => (f.Resource.Name, f.Status)), Is.EqualTo(new[] { ("leak", Status.Fail), ("docs", Status.Pass) }));
        }
    }
}
