using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Clients;
using IsolationChecks.Collection;
using IsolationChecks.Snapshots;
using NUnit.Framework;

namespace IsolationChecks.IntegrationTests.Collection;

/// <summary>How the collector records what it could not collect, with fake services (no network).</summary>
[TestFixture]
public sealed class CollectorFailureTests
{
    private const string Account = "123456789012";

    private static AuditScope Scope => new("dev", Account, "eu-west-1");

    [Test]
    public async Task AnAccessDeniedCallIsRecordedAsFailedAndTheRunGoesOn()
    {
        var services = new FakeServices { IamFailure = new AwsCallException("iam", "GetAccountAuthorizationDetails", "AccessDenied", "not authorized", 403, 1) };
        var collector = new Collector(new FakeFactory(services), new CollectionOptions(), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope], null, CancellationToken.None);

        var iam = snapshot.Manifest!.Calls.Single(c => c.Service == "iam");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(iam.Outcome, Is.EqualTo("failed"));
            Assert.That(iam.ErrorCode, Is.EqualTo("AccessDenied"));
            Assert.That(iam.ErrorMessage, Is.EqualTo("not authorized"));
            Assert.That(iam.File, Is.Null);
            Assert.That(iam.Attempts, Is.EqualTo(1));
            Assert.That(snapshot.Files.ContainsKey(AwsCalls.GetAccountAuthorizationDetails.File), Is.False);
            Assert.That(snapshot.Files.ContainsKey(AwsCalls.DescribeVpcs.File), Is.True);
            Assert.That(snapshot.Manifest.Calls.Count(c => c.Outcome == "failed"), Is.EqualTo(1));
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task CodeConnectionsHostsAreListedOnlyWhenAsked(bool include)
    {
        var collector = new Collector(new FakeFactory(new FakeServices()), new CollectionOptions(Requests: include ? new CollectionRequests([new(AwsCalls.Plans.Connections)]) : null), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope], null, CancellationToken.None);

        var calls = snapshot.Manifest!.Calls.Where(c => c.Service == "codeconnections").ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(calls.Select(c => (c.Operation, c.Outcome, c.File)),
                include ? Is.EqualTo(new[] { ("ListHosts", "ok", (string?)AwsCalls.ListHosts.File) }) : Is.Empty);
            Assert.That(snapshot.Files.TryGetValue(AwsCalls.ListHosts.File, out var file) ? (string?)JsonNode.Parse(file)!["Hosts"]![0]!["HostArn"] : null,
                include ? Is.EqualTo($"arn:aws:codeconnections:eu-west-1:{Account}:host/gitlab-1") : Is.Null);
        }
    }

    [Test]
    public async Task EcsServicesAndLoadBalancersAreReadOnlyInTheScopeThatAsksForThem()
    {
        var services = new FakeServices { RunningTasks = { ["gitlab/web"] = 150 } };
        var requests = new CollectionRequests([new(AwsCalls.Plans.Ingress, "dev"),
            new(AwsCalls.Plans.EcsServices, "dev", new PlanItem("gitlab/web")), new(AwsCalls.Plans.EcsServices, "dev", new PlanItem("gitlab/idle"))]);
        var collector = new Collector(new FakeFactory(services), new CollectionOptions(Requests: requests), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope, new AuditScope("prd", Account, "eu-central-1")], null, CancellationToken.None);

        var dev = SnapshotLayout.ScopeFolder(Account, "eu-west-1") + "/";
        var calls = snapshot.Manifest!.Calls.Where(c => c.Service is "ecs" or "elasticloadbalancing").ToList();
        var tasks = JsonNode.Parse(snapshot.Files[dev + AwsCalls.DescribeTasks.FileFor($"{"gitlab"}/{"web"}")])!["tasks"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(calls.Select(c => c.Folder), Is.All.EqualTo(dev.TrimEnd('/')), "only the GitLab account's scope reads them");
            Assert.That(calls.Select(c => $"{c.Operation} {c.Target} {c.Outcome}"), Is.EquivalentTo(new[]
            {
                "DescribeLoadBalancers  ok", "DescribeTargetGroups  ok", "DescribeServices gitlab/web ok", "ListTasks gitlab/web ok", "DescribeTasks gitlab/web ok",
                "DescribeServices gitlab/idle ok", "ListTasks gitlab/idle ok",
            }));
            Assert.That(services.DescribeTasksBatches, Is.EquivalentTo(new[] { 100, 50 }));
            Assert.That(tasks, Has.Count.EqualTo(150));
            Assert.That(snapshot.Files.ContainsKey(dev + AwsCalls.ListTasks.FileFor($"{"gitlab"}/{"idle"}")), Is.True);
            Assert.That(snapshot.Files.ContainsKey(dev + AwsCalls.DescribeTasks.FileFor($"{"gitlab"}/{"idle"}")), Is.False, "no task, no describe-tasks");
            Assert.That(snapshot.Files.ContainsKey(dev + AwsCalls.DescribeLoadBalancers.File), Is.True);
        }
    }

    [Test]
    public async Task TasksAreNotDescribedWhenTheirListingFailedAndTheManifestSaysWhy()
    {
        var services = new FakeServices { ListTasksFailure = new AwsCallException("ecs", "ListTasks", "AccessDeniedException", "not authorized to ecs:ListTasks", 400, 1) };
        var requests = new CollectionRequests([new(AwsCalls.Plans.EcsServices, "dev", new PlanItem("gitlab/web"))]);
        var collector = new Collector(new FakeFactory(services), new CollectionOptions(Requests: requests), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope], null, CancellationToken.None);

        var describe = snapshot.Manifest!.Calls.Single(c => c.Operation == "DescribeTasks");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(describe.Outcome, Is.EqualTo("failed"));
            Assert.That(describe.ErrorCode, Is.EqualTo("AccessDeniedException"));
            Assert.That(describe.ErrorMessage, Does.StartWith("not sent because ListTasks failed"));
            Assert.That(services.DescribeTasksBatches, Is.Empty);
            Assert.That(snapshot.Manifest.Calls.Any(c => c.Service == "elasticloadbalancing"), Is.False);
        }
    }

    [Test]
    public async Task ProjectsAreFetchedInBatchesOfAHundredAndMergedIntoOneFile()
    {
        var services = new FakeServices { ProjectNames = Enumerable.Range(1, 250).Select(i => $"p{i:000}").ToList() };
        var collector = new Collector(new FakeFactory(services), new CollectionOptions(), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope], null, CancellationToken.None);

        var merged = JsonNode.Parse(snapshot.Files[AwsCalls.BatchGetProjects.File])!["projects"]!.AsArray();
        var call = snapshot.Manifest!.Calls.Single(c => c.Operation == "BatchGetProjects");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.BatchSizes, Is.EquivalentTo(new[] { 100, 100, 50 }));
            Assert.That(merged.Select(p => (string?)p!["name"]), Is.EqualTo(services.ProjectNames));
            Assert.That(call.Pages, Is.EqualTo(3));
            Assert.That(call.Outcome, Is.EqualTo("ok"));
        }
    }

    [Test]
    public async Task TheBatchesOfOneCallAreSentTogetherAndMergedInTheirOrder()
    {
        var services = new FakeServices { ProjectNames = Enumerable.Range(1, 450).Select(i => $"p{i:000}").ToList(), BatchDelay = TimeSpan.FromMilliseconds(300) };
        var collector = new Collector(new FakeFactory(services), new CollectionOptions(Limits: new CollectionLimits(3)), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope], null, CancellationToken.None);

        var merged = JsonNode.Parse(snapshot.Files[AwsCalls.BatchGetProjects.File])!["projects"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.MaxBatchesInFlight, Is.EqualTo(3), "five independent batches, three slots: never one after another, never over the limit");
            Assert.That(services.MaxInFlight, Is.LessThanOrEqualTo(3));
            Assert.That(merged.Select(p => (string?)p!["name"]), Is.EqualTo(services.ProjectNames), "the batches are merged in their order, whichever answers first");
            Assert.That(snapshot.Manifest!.Calls.Single(c => c.Operation == "BatchGetProjects").Pages, Is.EqualTo(5));
        }
    }

    [Test]
    public async Task CallsStillRunningWhenTheTimeBudgetRunsOutAreRecordedAsFailed()
    {
        // Enough slots that the slow EC2 calls cannot starve IAM of one.
        var services = new FakeServices { Ec2Delay = TimeSpan.FromSeconds(30) };
        var collector = new Collector(new FakeFactory(services), new CollectionOptions(Limits: new CollectionLimits(32), TimeBudgetPerScope: TimeSpan.FromMilliseconds(300)), TimeProvider.System);

        var started = DateTime.UtcNow;
        var snapshot = await collector.CollectAsync([Scope], null, CancellationToken.None);

        var ec2 = snapshot.Manifest!.Calls.Where(c => c.Service == "ec2").ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
            Assert.That(ec2, Has.Count.EqualTo(AwsCalls.All.Count(c => c.Service == AwsServices.Ec2 && c.Fanout is Fanout.Once && c.Requires is null)));
            Assert.That(ec2.Select(c => c.ErrorCode), Is.All.EqualTo("TimeBudgetExceeded"));
            Assert.That(snapshot.Files.ContainsKey(AwsCalls.GetAccountAuthorizationDetails.File), Is.True, "calls that finished in time are kept");
        }
    }

    [Test]
    public async Task TheConcurrencyLimitHoldsAcrossServicesAndScopes()
    {
        var services = new FakeServices { Ec2Delay = TimeSpan.FromMilliseconds(20) };
        var collector = new Collector(new FakeFactory(services), new CollectionOptions(Limits: new CollectionLimits(2)), TimeProvider.System);

        await collector.CollectAsync([Scope, Scope with { Region = "us-east-1" }], null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.MaxInFlight, Is.EqualTo(2));
            Assert.That(services.Calls, Is.GreaterThan(30));
        }
    }

    [Test]
    public async Task AFailedIdentityCheckCollectsNothingElse()
    {
        var services = new FakeServices { StsFailure = new AwsCallException("sts", "GetCallerIdentity", "ExpiredToken", "expired", 403, 1) };
        var collector = new Collector(new FakeFactory(services), new CollectionOptions(), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope], null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(snapshot.Files, Is.Empty);
            Assert.That(snapshot.Manifest!.Calls.Single(c => c.Service == "sts").ErrorCode, Is.EqualTo("ExpiredToken"));
            Assert.That(snapshot.Manifest.Calls.Where(c => c.Service != "sts").Select(c => c.ErrorCode), Is.All.EqualTo("AccountUnverified"));
            Assert.That(services.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task AnUnknownProfileStopsTheRunWithAnInputError()
    {
        var collector = new Collector(new ThrowingFactory(new InputException("AWS config", "Profile", "a defined profile", "typo")), new CollectionOptions(), TimeProvider.System);

        var error = await Assert.ThrowsAsync<InputException>(() => collector.CollectAsync([Scope], null, CancellationToken.None));

        Assert.That(error!.Actual, Is.EqualTo("typo"));
    }

    [Test]
    public async Task ClientsThatCannotBeBuiltAreRecordedForEveryCall()
    {
        var collector = new Collector(new ThrowingFactory(new InvalidOperationException("no credentials found")), new CollectionOptions(), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope], null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(snapshot.Files, Is.Empty);
            Assert.That(snapshot.Manifest!.Calls, Has.Count.EqualTo(AwsCalls.All.Count(c => c.Fanout is Fanout.Once && c.Requires is null)));
            Assert.That(snapshot.Manifest.Calls.Select(c => c.ErrorCode), Is.All.EqualTo("NoClient"));
            Assert.That(snapshot.Manifest.Calls.Select(c => c.ErrorMessage), Is.All.Contain("no credentials found"));
        }
    }

    private sealed class FakeFactory(FakeServices services) : IAwsClientFactory
    {
        public AwsServiceSet Create(AuditScope scope) => new(_ => services);
    }

    private sealed class ThrowingFactory(Exception error) : IAwsClientFactory
    {
        public AwsServiceSet Create(AuditScope scope) => throw error;
    }

    /// <summary>Every service of the catalog at once, answering each call from the collector in the CLI's shape, with no network.</summary>
    private sealed class FakeServices : IAwsServiceClient
    {
        private int _inFlight;
        private int _maxInFlight;
        private int _calls;
        private int _batchesInFlight;

        public AwsService Service => AwsServices.Ec2;

        /// <summary>Running tasks per "cluster/service"; a service not listed has none.</summary>
        public Dictionary<string, int> RunningTasks { get; init; } = [];

        public AwsCallException? ListTasksFailure { get; init; }

        public List<int> DescribeTasksBatches { get; } = [];

        public AwsCallException? IamFailure { get; init; }

        public AwsCallException? StsFailure { get; init; }

        public TimeSpan Ec2Delay { get; init; }

        public List<string> ProjectNames { get; init; } = ["app-build"];

        public List<int> BatchSizes { get; } = [];

        public TimeSpan BatchDelay { get; init; }

        public int MaxBatchesInFlight { get; private set; }

        public int MaxInFlight => _maxInFlight;

        public int Calls => _calls;

        public Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken)
        {
            if (call.Service == AwsServices.Ec2)
                return Answer(call.Operation == "GetManagedPrefixListEntries"
                    ? new JsonObject { ["Entries"] = new JsonArray() }
                    : new JsonObject { [call == AwsCalls.DescribeManagedPrefixLists ? "PrefixLists" : call.File[..^".json".Length]] = new JsonArray() }, cancellationToken, Ec2Delay);
            switch (call.Operation)
            {
                case "GetCallerIdentity":
                    return Answer(new JsonObject { ["Account"] = Account, ["Arn"] = $"arn:aws:iam::{Account}:user/auditor", ["UserId"] = "AIDA" }, cancellationToken, failure: StsFailure);
                case "GetAccountAuthorizationDetails":
                    return Answer(new JsonObject { ["UserDetailList"] = new JsonArray() }, cancellationToken, failure: IamFailure);
                case "ListProjects":
                    return Answer(new JsonObject { ["projects"] = new JsonArray(ProjectNames.Select(n => (JsonNode?)n).ToArray()) }, cancellationToken);
                case "BatchGetProjects":
                    lock (BatchSizes)
                        BatchSizes.Add(args.Batch!.Count);
                    return Batch(Answer(new JsonObject { ["projects"] = new JsonArray(args.Batch!.Select(n => (JsonNode?)new JsonObject { ["name"] = n }).ToArray()), ["projectsNotFound"] = new JsonArray() },
                        cancellationToken, args.Batch![0] == ProjectNames[0] ? BatchDelay * 2 : BatchDelay)); // the first batch answers last
                case "DescribeRepositories":
                    return Answer(new JsonObject { ["repositories"] = new JsonArray() }, cancellationToken);
                case "GetRegistryScanningConfiguration":
                    return Answer(new JsonObject { ["registryId"] = Account }, cancellationToken);
                case "DescribeLoadBalancers":
                    return Answer(new JsonObject { ["LoadBalancers"] = new JsonArray() }, cancellationToken);
                case "DescribeTargetGroups":
                    return Answer(new JsonObject { ["TargetGroups"] = new JsonArray() }, cancellationToken);
                case "ListHosts":
                    return Answer(new JsonObject { ["Hosts"] = new JsonArray(new JsonObject { ["HostArn"] = $"arn:aws:codeconnections:eu-west-1:{Account}:host/gitlab-1", ["ProviderType"] = "GitLabSelfManaged" }) }, cancellationToken);
                case "DescribeServices":
                    return Answer(new JsonObject
                    {
                        ["services"] = new JsonArray(new JsonObject { ["serviceName"] = args.Pair().Second, ["status"] = "ACTIVE" }),
                        ["failures"] = new JsonArray(),
                    }, cancellationToken);
                case "ListTasks":
                    return Answer(new JsonObject
                    {
                        ["taskArns"] = new JsonArray(Enumerable.Range(1, RunningTasks.GetValueOrDefault(args.Item!))
                            .Select(i => (JsonNode?)$"arn:aws:ecs:eu-west-1:{Account}:task/{args.Item}-{i:000}").ToArray()),
                    }, cancellationToken, failure: ListTasksFailure);
                case "DescribeTasks":
                    lock (DescribeTasksBatches)
                        DescribeTasksBatches.Add(args.Batch!.Count);
                    return Answer(new JsonObject
                    {
                        ["tasks"] = new JsonArray(args.Batch!.Select(t => (JsonNode?)new JsonObject { ["taskArn"] = t }).ToArray()),
                        ["failures"] = new JsonArray(),
                    }, cancellationToken);
                default:
                    throw new InvalidOperationException($"{call} was not expected");
            }
        }

        /// <summary>Counts BatchGetProjects requests in flight at once.</summary>
        private async Task<ApiCallResult> Batch(Task<ApiCallResult> answer)
        {
            var now = Interlocked.Increment(ref _batchesInFlight);
            lock (BatchSizes)
                MaxBatchesInFlight = Math.Max(MaxBatchesInFlight, now);
            try
            {
                return await answer;
            }
            finally
            {
                Interlocked.Decrement(ref _batchesInFlight);
            }
        }

        private async Task<ApiCallResult> Answer(JsonObject output, CancellationToken token, TimeSpan delay = default, AwsCallException? failure = null)
        {
            Interlocked.Increment(ref _calls);
            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while (now > (seen = _maxInFlight) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
            {
            }

            try
            {
                await Task.Delay(delay == default ? TimeSpan.FromMilliseconds(1) : delay, token);
                if (failure is not null)
                    throw failure;
                return new ApiCallResult(output, 1, 1, TimeSpan.FromMilliseconds(1));
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public void Dispose()
        {
        }
    }
}
