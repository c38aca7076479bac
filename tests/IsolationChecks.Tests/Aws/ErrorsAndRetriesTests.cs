using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Calls;
using System.Net;
using System.Net.Sockets;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Pipeline;
using NUnit.Framework;

namespace IsolationChecks.Tests.Aws;

/// <summary>
/// Failures after the SDK's retries surface as AwsCallException with the AWS code, status and attempts;
/// throttling is not the SDK's to retry but the collection's, under the partition's adaptive rate; the one extra retry
/// covers broken connections and bodies.
/// </summary>
[TestFixture]
public sealed class ErrorsAndRetriesTests
{
    private static readonly TimeSpan QuickRetry = TimeSpan.FromMilliseconds(10);

    private static JsonServiceClient CodeBuild(string endpoint) =>
        new(TestClients.Thin(AwsServices.CodeBuild, endpoint), AwsServices.CodeBuild, null, QuickRetry);

    private static Func<RecordedRequest, CannedResponse> Sequence(params CannedResponse[] responses)
    {
        var next = 0;
        return _ => responses[Math.Min(Interlocked.Increment(ref next) - 1, responses.Length - 1)];
    }

    private static readonly CannedResponse Throttled = new(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
    private static readonly CannedResponse Projects = new(200, "{\"projects\":[\"app-build\"]}");

    [Test]
    public async Task ThrottlingIsReportedAfterOneAttemptForTheCollectionToResendUnderItsRate()
    {
        await using var server = await RecordingAwsServer.StartAsync(Sequence(Throttled));
        using var codeBuild = CodeBuild(server.Endpoint);

        var error = await Assert.ThrowsAsync<AwsCallException>(() => codeBuild.CallAsync(AwsCalls.ListProjects, CallArgs.None, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.ErrorCode, Is.EqualTo("ThrottlingException"));
            Assert.That(error.HttpStatus, Is.EqualTo(400));
            Assert.That(error.Attempts, Is.EqualTo(1), "the SDK does not resend a throttled request outside the partition's rate");
            Assert.That(server.Requests, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task ThrottlingThatClearsSucceedsThroughTheCollectionsResendWithTheAttemptsCounted()
    {
        await using var server = await RecordingAwsServer.StartAsync(Sequence(Throttled, Throttled, Projects));
        using var codeBuild = CodeBuild(server.Endpoint);
        using var throttle = new IsolationChecks.Collection.CollectionThrottle(new IsolationChecks.Collection.CollectionLimits(), TimeProvider.System);
        var partition = IsolationChecks.Collection.CollectionThrottle.Partition("111111111111", "eu-west-1", "codebuild");

        var result = await throttle.RunAsync(partition, token => codeBuild.CallAsync(AwsCalls.ListProjects, CallArgs.None, token), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Output["projects"]![0]!.GetValue<string>(), Is.EqualTo("app-build"));
            Assert.That(result.Attempts, Is.EqualTo(3));
            Assert.That(server.Requests, Has.Count.EqualTo(3));
            Assert.That(result.Pages, Is.EqualTo(1));
            Assert.That(throttle.RateOf(partition).Throttles, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task ATruncatedBodyIsRetriedOnceOutsideTheSdk()
    {
        await using var server = await RecordingAwsServer.StartAsync(Sequence(new CannedResponse(200, "{\"projects\":[\"app-bu"), Projects));
        using var codeBuild = CodeBuild(server.Endpoint);

        var result = await codeBuild.CallAsync(AwsCalls.ListProjects, CallArgs.None, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Output["projects"]![0]!.GetValue<string>(), Is.EqualTo("app-build"));
            Assert.That(result.Attempts, Is.EqualTo(2));
            Assert.That(server.Requests, Has.Count.EqualTo(2));
        }
    }

    [Test]
    public async Task ATruncatedEc2BodyIsRetriedOnceOutsideTheSdk()
    {
        const string vpcs = "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId><vpcSet><item><vpcId>vpc-1</vpcId></item></vpcSet></DescribeVpcsResponse>";
        await using var server = await RecordingAwsServer.StartAsync(Sequence(AwsAnswers.Xml(vpcs[..70]), AwsAnswers.Xml(vpcs)));
        using var ec2 = new Ec2ServiceClient(TestClients.Ec2(server.Endpoint), pageSize: null, QuickRetry);

        var result = await ec2.CallAsync(AwsCalls.DescribeVpcs, CallArgs.None, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)result.Output["Vpcs"]![0]!["VpcId"], Is.EqualTo("vpc-1"));
            Assert.That(server.Requests, Has.Count.EqualTo(2));
            Assert.That(result.Attempts, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task AlwaysMalformedBodiesFailAfterOneExtraRetry()
    {
        await using var server = await RecordingAwsServer.StartAsync(Sequence(new CannedResponse(200, "<html>gateway</html>")));
        using var codeBuild = CodeBuild(server.Endpoint);

        var error = await Assert.ThrowsAsync<AwsCallException>(() => codeBuild.CallAsync(AwsCalls.ListProjects, CallArgs.None, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.ErrorCode, Is.EqualTo("MalformedResponse"));
            Assert.That(error.Attempts, Is.EqualTo(2));
            Assert.That(server.Requests, Has.Count.EqualTo(2));
        }
    }

    [Test]
    public async Task ARefusedConnectionIsReportedAsAConnectionFailure()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var codeBuild = CodeBuild($"http://127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<AwsCallException>(() => codeBuild.CallAsync(AwsCalls.ListProjects, CallArgs.None, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.ErrorCode, Is.EqualTo("ConnectionFailure"));
            Assert.That(error.HttpStatus, Is.Null);
            Assert.That(error.Attempts, Is.GreaterThanOrEqualTo(2), "the SDK's attempts plus the one extra retry");
        }
    }

    [Test]
    public async Task AccessDeniedWithAnEmptyErrorTypeHeaderKeepsTheCodeFromTheBody()
    {
        await using var server = await RecordingAwsServer.StartAsync(Sequence(new CannedResponse(
            400, "{\"__type\":\"com.amazonaws.codebuild#AccessDeniedException\",\"message\":\"not authorized to perform codebuild:ListProjects\"}",
            Headers: new Dictionary<string, string> { ["x-amzn-ErrorType"] = "" })));
        using var codeBuild = CodeBuild(server.Endpoint);

        var error = await Assert.ThrowsAsync<AwsCallException>(() => codeBuild.CallAsync(AwsCalls.ListProjects, CallArgs.None, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.ErrorCode, Is.EqualTo("AccessDeniedException"));
            Assert.That(error.ErrorMessage, Does.Contain("codebuild:ListProjects"));
            Assert.That(error.Service, Is.EqualTo("codebuild"));
            Assert.That(error.Operation, Is.EqualTo("ListProjects"));
            Assert.That(error.Attempts, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Ec2UnauthorizedOperationIsReportedWithItsCodeAndStatus()
    {
        await using var server = await RecordingAwsServer.StartAsync(Sequence(AwsAnswers.Xml(
            "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r</RequestID></Response>", 403)));
        using var ec2 = new Ec2ServiceClient(TestClients.Ec2(server.Endpoint), pageSize: null, QuickRetry);

        var error = await Assert.ThrowsAsync<AwsCallException>(() => ec2.CallAsync(AwsCalls.DescribeVpcs, CallArgs.None, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.ErrorCode, Is.EqualTo("UnauthorizedOperation"));
            Assert.That(error.HttpStatus, Is.EqualTo(403));
            Assert.That(error.Attempts, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task IamAccessDeniedIsReportedWithItsCode()
    {
        await using var server = await RecordingAwsServer.StartAsync(Sequence(AwsAnswers.Xml(
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied</Message></Error><RequestId>r</RequestId></ErrorResponse>", 403)));
        using var iam = new QueryServiceClient(TestClients.Thin(AwsServices.Iam, server.Endpoint), AwsServices.Iam, null, QuickRetry);

        var error = await Assert.ThrowsAsync<AwsCallException>(() => iam.CallAsync(AwsCalls.GetAccountAuthorizationDetails, CallArgs.None, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.ErrorCode, Is.EqualTo("AccessDenied"));
            Assert.That(error.HttpStatus, Is.EqualTo(403));
        }
    }

    [Test]
    public async Task TokenPagedJsonResultsAreMergedWithoutTheToken()
    {
        await using var server = await RecordingAwsServer.StartAsync(request =>
            request.Body.Contains("page-2", StringComparison.Ordinal)
                ? new CannedResponse(200, "{\"projects\":[\"c\"]}")
                : new CannedResponse(200, "{\"projects\":[\"a\",\"b\"],\"nextToken\":\"page-2\"}"));
        using var codeBuild = CodeBuild(server.Endpoint);

        var result = await codeBuild.CallAsync(AwsCalls.ListProjects, CallArgs.None, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Output.ToJsonString(), Is.EqualTo("{\"projects\":[\"a\",\"b\",\"c\"]}"));
            Assert.That(result.Pages, Is.EqualTo(2));
            Assert.That(result.Attempts, Is.EqualTo(2));
        }
    }
}
