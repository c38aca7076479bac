using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Collection;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Snapshots;
using NUnit.Framework;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>
/// The collector against moto through the fault proxy: what AWS really does to a read-only audit
/// (throttling, denied calls, server errors, broken answers, many pages) must end in an honest manifest,
/// never in a crash and never in a file holding something AWS did not say.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CollectorFaultTests
{
    private const string Region = "us-east-1";
    private const int SeededReservations = 40;
    private const int SeededSecurityGroups = 40;

    private MotoServer _moto = null!;
    private FaultProxy _proxy = null!;

    [OneTimeSetUp]
    public async Task StartMotoAndSeedAsync()
    {
        _moto = await MotoServer.StartAsync(MotoSetup.Credentials, CancellationToken.None);
        await PythonScript.RunAsync(_moto, SeedScript);
    }

    [OneTimeTearDown]
    public async Task StopMotoAsync()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    // A proxy of its own per test: its rules and its record of requests are that test's alone.
    [SetUp]
    public async Task StartProxyAsync() => _proxy = await _moto.StartFaultProxyAsync(CancellationToken.None);

    [TearDown]
    public async Task StopProxyAsync() => await _proxy.DisposeAsync();

    [TestCase("ec2", "DescribeVpcs", "Vpcs.json", 503)]
    [TestCase("codebuild", "ListProjects", "codebuild/list-projects.json", 400)]
    public async Task A_throttled_first_answer_is_retried_and_the_call_ends_ok(string service, string operation, string file, int throttleStatus)
    {
        _proxy.Inject(Fault.ThrottleFirst(1)).On(service, operation);

        var snapshot = await CollectAsync();

        var call = CallOf(snapshot, operation);
        var seen = _proxy.RequestsFor(service, operation);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(call.Outcome, Is.EqualTo("ok"));
            Assert.That(call.Attempts, Is.GreaterThanOrEqualTo(2));
            Assert.That(seen.Select(r => r.Injected), Is.EqualTo(new FaultKind?[] { FaultKind.Throttle, null }));
            Assert.That(seen.Select(r => r.Status), Is.EqualTo(new[] { throttleStatus, 200 }));
            Assert.That(call.File, Is.EqualTo(file));
            Assert.That(JsonNode.Parse(snapshot.Files[file]), Is.InstanceOf<JsonObject>(), "the file holds the answer that got through");
            Assert.That(snapshot.Manifest!.Files.Keys, Does.Contain(file));
        }
    }

    [Test]
    public async Task Access_denied_on_one_call_fails_exactly_that_call()
    {
        _proxy.Inject(Fault.DenyAccess()).On("ecr", "DescribeRepositories");

        var snapshot = await CollectAsync();

        var denied = CallOf(snapshot, "DescribeRepositories");
        var others = snapshot.Manifest!.Calls.Where(c => c != denied).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(denied.Outcome, Is.EqualTo("failed"));
            Assert.That(denied.ErrorCode, Is.EqualTo("AccessDeniedException"));
            Assert.That(denied.File, Is.Null);
            Assert.That(snapshot.Files.Keys, Does.Not.Contain(AwsCalls.DescribeRepositories.File));
            Assert.That(others, Is.Not.Empty);
            Assert.That(others.Where(c => c.Outcome != "ok").Select(c => $"{c.Service}:{c.Operation} {c.Outcome} {c.ErrorCode}"), Is.Empty);
            Assert.That(_proxy.Requests.Where(r => r.Injected is not null).Select(r => r.Operation).Distinct(), Is.EqualTo(new[] { "DescribeRepositories" }));
        }
    }

    [Test]
    public async Task Throttling_that_never_clears_fails_the_call_after_every_retry_and_writes_no_file()
    {
        _proxy.Inject(Fault.ThrottleAlways()).On("ec2", "DescribeVpcs");

        var snapshot = await CollectAsync();

        var call = CallOf(snapshot, "DescribeVpcs");
        var seen = _proxy.RequestsFor("ec2", "DescribeVpcs");
        TestContext.Out.WriteLine($"DescribeVpcs throttled {seen.Count} times; manifest Attempts={call.Attempts}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(call.Outcome, Is.EqualTo("failed"));
            Assert.That(call.ErrorCode, Is.EqualTo("RequestLimitExceeded"));
            Assert.That(seen, Has.Count.EqualTo(1 + CollectionLimits.DefaultThrottleRetries), "retried by the collection only, never again inside the SDK");
            Assert.That(seen.Select(r => r.Injected), Is.All.EqualTo(FaultKind.Throttle));
            Assert.That(call.Attempts, Is.EqualTo(seen.Count), "the manifest counts every attempt on the wire");
            Assert.That(call.File, Is.Null);
            Assert.That(snapshot.Files.Keys, Does.Not.Contain(AwsCalls.DescribeVpcs.File));
            Assert.That(snapshot.Files.Keys, Does.Contain(AwsCalls.DescribeSubnets.File), "the rest of the run goes on");
        }
    }

    [TestCase("iam", "GetAccountAuthorizationDetails", 500)]
    [TestCase("ec2", "DescribeSubnets", 503)]
    public async Task A_server_error_that_clears_is_retried_and_ends_ok(string service, string operation, int status)
    {
        _proxy.Inject(Fault.ServerError(status, times: 1)).On(service, operation);

        var snapshot = await CollectAsync();

        var call = CallOf(snapshot, operation);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(call.Outcome, Is.EqualTo("ok"));
            Assert.That(call.Attempts, Is.GreaterThanOrEqualTo(2));
            Assert.That(_proxy.RequestsFor(service, operation).Select(r => r.Status), Is.EqualTo(new[] { status, 200 }));
            Assert.That(call.File, Is.Not.Null);
        }
    }

    [TestCase("ec2", "DescribeRouteTables", "RouteTables.json")]
    [TestCase("ecr", "DescribeRepositories", "ecr/describe-repositories.json")]
    public async Task A_truncated_body_fails_the_call_cleanly(string service, string operation, string file)
    {
        _proxy.Inject(Fault.TruncateBody()).On(service, operation);

        var snapshot = await CollectAsync();

        AssertFailedWithoutFile(snapshot, service, operation, file, FaultKind.TruncateBody);
    }

    [TestCase("ec2", "DescribeNetworkAcls", "NetworkAcls.json")]
    [TestCase("codebuild", "ListProjects", "codebuild/list-projects.json")]
    [TestCase("iam", "GetAccountAuthorizationDetails", "iam/get-account-authorization-details.json")]
    public async Task A_malformed_body_fails_the_call_cleanly(string service, string operation, string file)
    {
        _proxy.Inject(Fault.MalformedBody()).On(service, operation);

        var snapshot = await CollectAsync();

        AssertFailedWithoutFile(snapshot, service, operation, file, FaultKind.MalformedBody);
    }

    [Test]
    public async Task A_call_that_hangs_past_the_time_budget_fails_alone_and_the_run_still_ends()
    {
        var budget = TimeSpan.FromSeconds(10);
        _proxy.Inject(Fault.Delay(TimeSpan.FromMinutes(2))).On("iam", "GetAccountAuthorizationDetails");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var snapshot = await CollectAsync(timeBudget: budget);
        var took = clock.Elapsed;

        var hung = CallOf(snapshot, "GetAccountAuthorizationDetails");
        var others = snapshot.Manifest!.Calls.Where(c => c != hung).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(hung.Outcome, Is.EqualTo("failed"));
            Assert.That(hung.ErrorCode, Is.EqualTo("TimeBudgetExceeded"));
            Assert.That(hung.File, Is.Null);
            Assert.That(snapshot.Files.Keys, Does.Not.Contain(AwsCalls.GetAccountAuthorizationDetails.File));
            Assert.That(took, Is.LessThan(budget + TimeSpan.FromSeconds(30)), "the budget, not the hang, ends the run");
            Assert.That(others.Where(c => c.Outcome == "failed").Select(c => $"{c.Service}:{c.Operation} {c.ErrorCode}"), Is.Empty);
            Assert.That(others.Select(c => c.Operation), Does.Contain("GetRepositoryPolicy"), "calls that depend on earlier ones still ran");
        }
    }

    [Test]
    public async Task Every_page_is_collected_when_the_listing_spans_many_pages()
    {
        // moto 5.2.1 ignores MaxResults on DescribeSecurityGroups (boto3 with MaxResults=5 gets every group and no
        // NextToken) but pages DescribeInstances by reservation: the seeded reservations are what spans the pages.
        const int pageSize = 5;

        var snapshot = await CollectAsync(pageSize);

        var call = CallOf(snapshot, "DescribeInstances");
        var reservations = JsonNode.Parse(snapshot.Files[AwsCalls.DescribeInstances.File])!["Reservations"]!.AsArray();
        var requests = _proxy.RequestsFor("ec2", "DescribeInstances");
        var securityGroups = JsonNode.Parse(snapshot.Files[AwsCalls.DescribeSecurityGroups.File])!["SecurityGroups"]!.AsArray();
        TestContext.Out.WriteLine($"DescribeInstances: {reservations.Count} reservations in {call.Pages} pages, {requests.Count} requests");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(call.Outcome, Is.EqualTo("ok"));
            Assert.That(reservations, Has.Count.GreaterThanOrEqualTo(SeededReservations));
            Assert.That(call.Pages, Is.GreaterThanOrEqualTo(SeededReservations / pageSize));
            Assert.That(requests, Has.Count.EqualTo(call.Pages));
            Assert.That(requests.Select(r => r.Status), Is.All.EqualTo(200));
            Assert.That(CallOf(snapshot, "DescribeSecurityGroups").Outcome, Is.EqualTo("ok"));
            Assert.That(
                securityGroups.Select(g => g!["GroupName"]!.GetValue<string>()).Where(n => n.StartsWith("fault-sg-", StringComparison.Ordinal)),
                Has.Exactly(SeededSecurityGroups).Items,
                "every seeded security group, with the same small page size");
        }
    }

    private void AssertFailedWithoutFile(SnapshotFiles snapshot, string service, string operation, string file, FaultKind fault)
    {
        var call = CallOf(snapshot, operation);
        var seen = _proxy.RequestsFor(service, operation);
        TestContext.Out.WriteLine($"{service}:{operation} {fault}: {call.Outcome} {call.ErrorCode} after {call.Attempts} attempts ({seen.Count} on the wire): {call.ErrorMessage}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(call.Outcome, Is.EqualTo("failed"));
            Assert.That(call.ErrorCode, Is.Not.Null.And.Not.Empty);
            Assert.That(call.ErrorMessage, Is.Not.Null.And.Not.Empty);
            Assert.That(call.File, Is.Null);
            Assert.That(snapshot.Files.Keys, Does.Not.Contain(file));
            Assert.That(seen, Is.Not.Empty);
            Assert.That(seen.Select(r => r.Injected), Is.All.EqualTo(fault));
            Assert.That(call.Attempts, Is.EqualTo(seen.Count), "the manifest counts every attempt on the wire");
            Assert.That(snapshot.Manifest!.Calls.Where(c => c.Outcome == "ok"), Is.Not.Empty, "the rest of the run goes on");
        }
    }

    private static ManifestCall CallOf(SnapshotFiles snapshot, string operation)
    {
        Assert.That(snapshot.Manifest, Is.Not.Null, "a live collection writes a manifest");
        var calls = snapshot.Manifest!.Calls.Where(c => c.Operation == operation).ToList();
        Assert.That(calls, Has.Count.EqualTo(1), $"one {operation} call in the manifest; calls: {string.Join(", ", snapshot.Manifest.Calls.Select(c => c.Operation))}");
        return calls[0];
    }

    private async Task<SnapshotFiles> CollectAsync(int? pageSize = null, TimeSpan? timeBudget = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var collector = MotoServer.CollectorAt(_proxy.Url, new CollectionOptions(TimeBudgetPerScope: timeBudget, PageSize: pageSize));
        return await collector.CollectAsync([new AuditScope("prd", MotoServer.AccountId, Region)], null, timeout.Token);
    }

    private const string SeedScript = """
        import boto3
        region = "us-east-1"
        ec2 = boto3.client("ec2", region_name=region)
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        for _ in range(40):
            ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro")
        for i in range(40):
            ec2.create_security_group(GroupName=f"fault-sg-{i:02}", Description="pagination")
        boto3.client("ecr", region_name=region).create_repository(repositoryName="app")
        boto3.client("codebuild", region_name=region).create_project(
            name="build-app",
            source={"type": "CODECOMMIT", "location": "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL"},
            serviceRole="arn:aws:iam::123456789012:role/codebuild")
        boto3.client("iam", region_name=region).create_user(UserName="auditor")
        print("seeded")
        """;
}
