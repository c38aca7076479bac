using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Collection;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Snapshots;
using NUnit.Framework;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.IntegrationTests.Collection;

/// <summary>The collector against an environment built in moto: what was built must be in the snapshot.</summary>
[TestFixture]
public sealed class CollectorMotoTests
{
    private static readonly DateTimeOffset CollectionTime = new(2026, 11, 24, 1, 0, 0, TimeSpan.Zero);

    private MotoServer _moto = null!;
    private JsonObject _built = null!;
    private SnapshotFiles _snapshot = null!;
    private List<CollectionProgress> _progress = null!;
    private TimeSpan _wallTime;

    [OneTimeSetUp]
    public async Task BuildEnvironmentAndCollect()
    {
        _moto = await MotoServer.StartAsync(MotoSetup.Credentials, CancellationToken.None);
        _built = JsonNode.Parse(await PythonScript.RunAsync(_moto, ReferenceEnvironment.BuildScript))!.AsObject();
        _progress = [];
        var collector = MotoServer.CollectorAt(_moto.Endpoint, time: new FixedTimeProvider(CollectionTime));
        var stopwatch = Stopwatch.StartNew();
        _snapshot = await collector.CollectAsync([Scope()], new SynchronousProgress(_progress), CancellationToken.None);
        _wallTime = stopwatch.Elapsed;
    }

    [OneTimeTearDown]
    public async Task StopMoto()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    private static AuditScope Scope(string account = MotoServer.AccountId, string region = ReferenceEnvironment.Region) =>
        new("dev", account, region);

    private JsonNode File(string path) => JsonNode.Parse(_snapshot.Files[path])!;

    private string Id(string name) => (string)_built[name]!;

    [Test]
    public void ReportsApiCallCountAndWallTime()
    {
        var calls = _snapshot.Manifest!.Calls;
        var requests = calls.Sum(c => c.Attempts);
        TestContext.Out.WriteLine($"Collector against the reference environment: {calls.Count} logical calls, {requests} HTTP requests, {calls.Sum(c => c.Pages)} pages, wall time {_wallTime.TotalMilliseconds:0} ms");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(calls.Where(c => c.Outcome == "failed"), Is.Empty);
            Assert.That(requests, Is.GreaterThanOrEqualTo(calls.Count(c => c.Outcome != "failed")));
            Assert.That(_progress.Count(p => p.State is "ok" or "absent"), Is.EqualTo(calls.Count));
        }
    }

    [Test]
    public void ManifestHashesMatchTheFileBytes()
    {
        var manifest = _snapshot.Manifest!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(manifest.Format, Is.EqualTo(SnapshotManifest.CurrentFormat));
            Assert.That(manifest.Tool, Does.StartWith("IsolationChecks "));
            Assert.That(manifest.CollectedAt, Is.EqualTo(CollectionTime));
            Assert.That(manifest.Scopes, Has.Count.EqualTo(1));
            Assert.That(manifest.Scopes[0].Folder, Is.Empty);
            Assert.That(manifest.Scopes[0].CallerArn, Does.Contain(MotoServer.AccountId));
            Assert.That(manifest.Files.Keys, Is.EquivalentTo(_snapshot.Files.Keys));
            foreach (var (path, bytes) in _snapshot.Files)
                Assert.That(manifest.Files[path], Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(bytes))), path);
            foreach (var call in manifest.Calls.Where(c => c.File is not null))
                Assert.That(_snapshot.Files.ContainsKey(call.File!), Is.True, call.File);
        }
    }

    [Test]
    public void FilesArePrettyPrintedWithTwoSpaces()
    {
        var text = System.Text.Encoding.UTF8.GetString(_snapshot.Files[AwsCalls.DescribeVpcs.File]);

        Assert.That(text, Does.StartWith("{\n  \"Vpcs\": [\n    {"));
    }

    [Test]
    public void NetworkIsCollectedAsBuilt()
    {
        var vpc = File(AwsCalls.DescribeVpcs.File)["Vpcs"]!.AsArray().Single(v => (string?)v!["VpcId"] == Id("vpc"))!;
        var subnets = File(AwsCalls.DescribeSubnets.File)["Subnets"]!.AsArray().Where(s => (string?)s!["VpcId"] == Id("vpc")).ToList();
        var routeTable = File(AwsCalls.DescribeRouteTables.File)["RouteTables"]!.AsArray().Single(r => (string?)r!["RouteTableId"] == Id("rt"))!;
        var acl = File(AwsCalls.DescribeNetworkAcls.File)["NetworkAcls"]!.AsArray().Single(a => (string?)a!["NetworkAclId"] == Id("acl"))!;
        var endpoints = File(AwsCalls.DescribeVpcEndpoints.File)["VpcEndpoints"]!.AsArray();
        var nat = File(AwsCalls.DescribeNatGateways.File)["NatGateways"]!.AsArray().Single()!;
        var entries = File(AwsCalls.GetManagedPrefixListEntries.FileFor(Id("pl")))["Entries"]!.AsArray();
        var sgEndpoints = File(AwsCalls.DescribeSecurityGroups.File)["SecurityGroups"]!.AsArray().Single(g => (string?)g!["GroupId"] == Id("sg_ep"))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)vpc["CidrBlock"], Is.EqualTo("10.20.0.0/16"));
            Assert.That((string?)vpc["Tags"]![0]!["Value"], Is.EqualTo("build-vpc"));
            Assert.That(subnets.Select(s => (string?)s!["AvailabilityZone"]), Is.EquivalentTo(new[] { "eu-west-1a", "eu-west-1b" }));
            Assert.That(routeTable["Associations"]!.AsArray().Select(a => (string?)a!["SubnetId"]), Is.EquivalentTo(_built["subnets"]!.AsArray().Select(s => (string?)s)));
            Assert.That(routeTable["Routes"]!.AsArray().Any(r => ((string?)r!["DestinationPrefixListId"])?.StartsWith("pl-") == true && (string?)r["GatewayId"] == Id("vpce_gw")), Is.True);
            Assert.That(acl["Entries"]!.AsArray().Select(e => (int)e!["RuleNumber"]!), Is.SupersetOf(new[] { 100, 200 }));
            Assert.That(endpoints.Select(e => (string?)e!["VpcEndpointId"]), Is.SupersetOf(new[] { Id("vpce_if"), Id("vpce_gw") }));
            Assert.That((string?)endpoints.Single(e => (string?)e!["VpcEndpointId"] == Id("vpce_if"))!["State"], Is.EqualTo("available"));
            Assert.That((string?)nat["NatGatewayId"], Is.EqualTo(Id("nat")));
            Assert.That((string?)nat["VpcId"], Is.EqualTo(Id("egress_vpc")));
            Assert.That((string?)entries.Single()!["Cidr"], Is.EqualTo("192.168.10.0/24"));
            Assert.That((string?)sgEndpoints["IpPermissions"]![0]!["UserIdGroupPairs"]![0]!["GroupId"], Is.EqualTo(Id("sg_build")));
            Assert.That(File(AwsCalls.DescribeNetworkInterfaces.File)["NetworkInterfaces"]!.AsArray(), Is.Not.Empty);
            Assert.That(File(AwsCalls.DescribeManagedPrefixLists.File)["PrefixLists"]!.AsArray().Select(p => (string?)p!["PrefixListId"]), Does.Contain(Id("pl")));
        }
    }

    [Test]
    public void CodeBuildProjectsAreCollectedAsBuilt()
    {
        var names = File(AwsCalls.ListProjects.File)["projects"]!.AsArray().Select(n => (string?)n);
        var projects = File(AwsCalls.BatchGetProjects.File)["projects"]!.AsArray();
        var app = projects.Single(p => (string?)p!["name"] == "app-build")!;
        var image = projects.Single(p => (string?)p!["name"] == "image-build")!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(names, Is.EquivalentTo(new[] { "app-build", "image-build" }));
            Assert.That((string?)app["vpcConfig"]!["vpcId"], Is.EqualTo(Id("vpc")));
            Assert.That(app["vpcConfig"]!["subnets"]!.AsArray().Select(s => (string?)s), Is.EquivalentTo(_built["subnets"]!.AsArray().Select(s => (string?)s)));
            Assert.That((string?)app["logsConfig"]!["cloudWatchLogs"]!["groupName"], Is.EqualTo("/codebuild/app-build"));
            Assert.That((bool?)app["environment"]!["privilegedMode"], Is.False);
            Assert.That((bool?)image["environment"]!["privilegedMode"], Is.True);
            Assert.That(image["vpcConfig"], Is.Null);
            Assert.That((string?)app["created"], Does.Match(@"^\d{4}-\d{2}-\d{2}T"));
            Assert.That(File(AwsCalls.BatchGetProjects.File)["projectsNotFound"]!.AsArray(), Is.Empty);
        }
    }

    [Test]
    public void EcrRepositoriesAndPoliciesAreCollectedWithAbsenceRecorded()
    {
        var repositories = File(AwsCalls.DescribeRepositories.File)["repositories"]!.AsArray().Select(r => (string?)r!["repositoryName"]);
        var appPolicy = JsonNode.Parse((string)File(AwsCalls.GetRepositoryPolicy.FileFor("app"))["policyText"]!)!;
        var noPolicy = File(AwsCalls.GetRepositoryPolicy.FileFor("base/python"));
        var noLifecycle = File(AwsCalls.GetLifecyclePolicy.FileFor("base/python"));
        var calls = _snapshot.Manifest!.Calls;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(repositories, Is.EquivalentTo(new[] { "app", "base/python" }));
            Assert.That((string?)appPolicy["Statement"]![0]!["Sid"], Is.EqualTo("pull"));
            Assert.That((string?)File(AwsCalls.GetLifecyclePolicy.FileFor("app"))["lifecyclePolicyText"], Does.Contain("untagged"));
            Assert.That((string?)noPolicy["Error"]!["Code"], Is.EqualTo("RepositoryPolicyNotFoundException"));
            Assert.That((string?)noLifecycle["Error"]!["Code"], Is.EqualTo("LifecyclePolicyNotFoundException"));
            Assert.That(calls.Single(c => c.Operation == "GetRepositoryPolicy" && c.Target == "base/python").Outcome, Is.EqualTo("absent"));
            Assert.That(calls.Single(c => c.Operation == "GetRepositoryPolicy" && c.Target == "app").Outcome, Is.EqualTo("ok"));
            Assert.That(_snapshot.Files.ContainsKey(AwsCalls.GetRegistryScanningConfiguration.File), Is.True);
        }
    }

    [Test]
    public void IamAndCallerIdentityAreCollected()
    {
        var details = File(AwsCalls.GetAccountAuthorizationDetails.File);
        var user = details["UserDetailList"]!.AsArray().Single(u => (string?)u!["UserName"] == "ci-bot")!;
        var group = details["GroupDetailList"]!.AsArray().Single(g => (string?)g!["GroupName"] == "builders")!;
        var policy = details["Policies"]!.AsArray().Single(p => (string?)p!["Arn"] == Id("policy"))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)user["UserPolicyList"]![0]!["PolicyDocument"]!["Statement"]![0]!["Action"], Is.EqualTo("codecommit:GitPull"));
            Assert.That(user["GroupList"]!.AsArray().Select(g => (string?)g), Is.EqualTo(new[] { "builders" }));
            Assert.That((string?)group["AttachedManagedPolicies"]![0]!["PolicyArn"], Is.EqualTo(Id("policy")));
            Assert.That((string?)policy["PolicyVersionList"]![0]!["Document"]!["Statement"]![0]!["Action"]![0], Is.EqualTo("ecr:PutImage"));
            Assert.That(details["RoleDetailList"]!.AsArray().Any(r => (string?)r!["RoleName"] == "app-build"), Is.True);
            Assert.That((string?)File(AwsCalls.GetCallerIdentity.File)["Account"], Is.EqualTo(MotoServer.AccountId));
        }
    }

    [Test]
    public async Task AnotherAccountIsRefusedAndNothingOfItIsCollected()
    {
        var collector = new Collector(new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _moto.Endpoint)), new CollectionOptions(), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope(account: "999999999999")], null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(snapshot.Files, Is.Empty);
            Assert.That(snapshot.Manifest!.Calls, Is.Not.Empty);
            Assert.That(snapshot.Manifest.Calls.Select(c => (c.Outcome, c.ErrorCode)).Distinct(), Is.EqualTo(new[] { ("failed", (string?)"WrongAccount") }));
        }
    }

    [Test]
    public async Task SeveralScopesNestUnderAccountAndRegion()
    {
        var collector = new Collector(new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _moto.Endpoint)), new CollectionOptions(Limits: new CollectionLimits(3)), TimeProvider.System);

        var snapshot = await collector.CollectAsync([Scope(), Scope(region: "us-east-1")], null, CancellationToken.None);

        var euVpcs = JsonNode.Parse(snapshot.Files[$"accounts/{MotoServer.AccountId}/eu-west-1/{AwsCalls.DescribeVpcs.File}"])!["Vpcs"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(snapshot.Manifest!.Scopes.Select(s => s.Folder), Is.EqualTo(new[] { $"accounts/{MotoServer.AccountId}/eu-west-1", $"accounts/{MotoServer.AccountId}/us-east-1" }));
            Assert.That(euVpcs.Select(v => (string?)v!["VpcId"]), Does.Contain(Id("vpc")));
            Assert.That(snapshot.Files.ContainsKey($"accounts/{MotoServer.AccountId}/us-east-1/{AwsCalls.DescribeVpcs.File}"), Is.True);
            Assert.That(snapshot.Files.Keys.All(k => k.StartsWith("accounts/", StringComparison.Ordinal)), Is.True);
            Assert.That(snapshot.Manifest.Calls.Where(c => c.Outcome == "failed"), Is.Empty);
        }
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class SynchronousProgress(List<CollectionProgress> lines) : IProgress<CollectionProgress>
    {
        public void Report(CollectionProgress value)
        {
            lock (lines)
                lines.Add(value);
        }
    }
}
