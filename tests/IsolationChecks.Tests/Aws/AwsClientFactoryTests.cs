using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws;
using IsolationChecks.Collection;
using NUnit.Framework;

namespace IsolationChecks.Tests.Aws;

/// <summary>Which endpoint, region and credentials the factory's clients use: observed at a local server.</summary>
[TestFixture]
[NonParallelizable]
public sealed class AwsClientFactoryTests
{
    private static readonly AuditScope DevScope = new("dev", AwsAnswers.Account, "eu-west-1");

    private RecordingAwsServer _primary = null!;
    private RecordingAwsServer _other = null!;
    private string _folder = null!;

    // One profile folder for the fixture: the SDK keeps state about a credentials file it has read, and
    // a file that disappears between tests leaves later lookups empty.
    [OneTimeSetUp]
    public void WriteProfiles()
    {
        _folder = Directory.CreateTempSubdirectory("isolationchecks-aws-").FullName;
        File.WriteAllText(Path.Combine(_folder, "credentials"), """
            [profile-a]
            aws_access_key_id = AKIDPROFILEA
            aws_secret_access_key = secret-a

            [profile-b]
            aws_access_key_id = AKIDPROFILEB
            aws_secret_access_key = secret-b
            """);
        File.WriteAllText(Path.Combine(_folder, "config"), "[default]\nregion = eu-west-1\n");
    }

    [OneTimeTearDown]
    public void DeleteProfiles() => Directory.Delete(_folder, recursive: true);

    [SetUp]
    public async Task StartServers()
    {
        _primary = await RecordingAwsServer.StartAsync(AwsAnswers.For);
        _other = await RecordingAwsServer.StartAsync(AwsAnswers.For);
    }

    [TearDown]
    public async Task StopServers()
    {
        await _primary.DisposeAsync();
        await _other.DisposeAsync();
    }

    private EnvironmentVariables Environment(Dictionary<string, string?>? values = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["AWS_CONFIG_FILE"] = Path.Combine(_folder, "config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_folder, "credentials"),
        };
        foreach (var (name, value) in values ?? [])
            all[name] = value;
        return EnvironmentVariables.CleanAws(all);
    }

    private static async Task CallEveryServiceAsync(AwsServiceSet services)
    {
        foreach (var call in new[] { AwsCalls.GetCallerIdentity, AwsCalls.DescribeVpcs, AwsCalls.ListProjects, AwsCalls.GetAccountAuthorizationDetails })
            await services.CallAsync(call, CallArgs.None, CancellationToken.None);
    }

    [Test]
    public async Task TheEndpointUrlSettingWinsOverTheEnvironment()
    {
        using var environment = Environment(new() { ["AWS_PROFILE"] = "profile-a", ["AWS_ENDPOINT_URL"] = _other.Endpoint, ["AWS_ENDPOINT_URL_CODEBUILD"] = _other.Endpoint });
        using var services = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _primary.Endpoint, Profile: "profile-a")).Create(DevScope);

        await CallEveryServiceAsync(services);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_primary.Requests.Select(r => r.Operation), Is.EqualTo(new[] { "GetCallerIdentity", "DescribeVpcs", "ListProjects", "GetAccountAuthorizationDetails" }));
            Assert.That(_other.Requests, Is.Empty);
        }
    }

    [Test]
    public async Task ServiceSpecificEnvironmentEndpointsApplyPerService()
    {
        using var environment = Environment(new() { ["AWS_ENDPOINT_URL"] = _other.Endpoint, ["AWS_ENDPOINT_URL_CODEBUILD"] = _primary.Endpoint });
        using var services = new AwsClientFactory(new AwsAccessSettings(Profile: "profile-a")).Create(DevScope);

        await CallEveryServiceAsync(services);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_primary.Requests.Select(r => r.Operation), Is.EqualTo(new[] { "ListProjects" }));
            Assert.That(_other.Requests.Select(r => r.Operation), Is.EqualTo(new[] { "GetCallerIdentity", "DescribeVpcs", "GetAccountAuthorizationDetails" }));
        }
    }

    [Test]
    public async Task TheRegionSettingOverridesTheScopeRegionAndIamSignsForUsEast1()
    {
        using var environment = Environment();
        using var overridden = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _primary.Endpoint, Profile: "profile-a", Region: "eu-central-1")).Create(DevScope);
        using var scoped = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _other.Endpoint, Profile: "profile-a")).Create(DevScope);

        await CallEveryServiceAsync(overridden);
        await CallEveryServiceAsync(scoped);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_primary.Requests.Select(r => (r.SigningService, r.SigningRegion)), Is.EqualTo(new[]
            {
                ("sts", "eu-central-1"), ("ec2", "eu-central-1"), ("codebuild", "eu-central-1"), ("iam", "us-east-1"),
            }));
            Assert.That(_other.Requests.Select(r => r.SigningRegion), Is.EqualTo(new[] { "eu-west-1", "eu-west-1", "eu-west-1", "us-east-1" }));
        }
    }

    [Test]
    public async Task TheScopeProfileWinsOverTheRunProfile()
    {
        using var environment = Environment();
        var factory = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _primary.Endpoint, Profile: "profile-a"));
        using var ownProfile = factory.Create(DevScope with { Profile = "profile-b" });
        using var runProfile = factory.Create(DevScope);

        await ownProfile.CallAsync(AwsCalls.DescribeVpcs, CallArgs.None, CancellationToken.None);
        await runProfile.CallAsync(AwsCalls.DescribeVpcs, CallArgs.None, CancellationToken.None);

        Assert.That(_primary.Requests.Select(r => r.AccessKeyId), Is.EqualTo(new[] { "AKIDPROFILEB", "AKIDPROFILEA" }));
    }

    [TestCase("AWS_ENDPOINT_URL", "localhost:4566", "\"localhost:4566\" (not an absolute URL")]
    [TestCase("AWS_ENDPOINT_URL_EC2", "http://key:secret@127.0.0.1:4566", "\"http://***@127.0.0.1:4566\"")]
    public void A_refused_sdk_endpoint_variable_is_an_input_error_naming_the_variable_and_the_url(string variable, string url, string shown)
    {
        using var environment = Environment(new() { [variable] = url });

        var error = Assert.Throws<InputException>(() => new AwsClientFactory(new AwsAccessSettings()).Create(DevScope).Dispose());

        Assert.That(error.Message, Does.StartWith($"environment variable {variable}: {variable}: expected {EndpointUrls.Rule}").And.Contain(shown));
        Assert.That(error.Message, Does.Not.Contain("secret@"));
    }

    [Test]
    public void AnUnknownProfileIsAnInputError()
    {
        using var environment = Environment();
        var factory = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _primary.Endpoint, Profile: "no-such-profile"));

        var error = Assert.Throws<InputException>(() => factory.Create(DevScope));

        Assert.That(error!.Actual, Is.EqualTo("no-such-profile"));
    }

    [Test]
    public async Task WithoutAProfileTheDefaultChainIsUsed()
    {
        using var environment = Environment(new() { ["AWS_ACCESS_KEY_ID"] = "AKIDENVIRONMENT", ["AWS_SECRET_ACCESS_KEY"] = "env-secret" });
        using var services = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _primary.Endpoint)).Create(DevScope);

        await services.CallAsync(AwsCalls.DescribeVpcs, CallArgs.None, CancellationToken.None);

        Assert.That(_primary.Requests.Single().AccessKeyId, Is.EqualTo("AKIDENVIRONMENT"));
    }

    [Test]
    public async Task TheScopeRoleIsAssumedOnceWithTheAuditSessionNameAndSharedByEveryClient()
    {
        using var environment = Environment();
        using var services = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _primary.Endpoint, Profile: "profile-a"))
            .Create(DevScope with { RoleArn = $"arn:aws:iam::{AwsAnswers.Account}:role/audit" });

        await CallEveryServiceAsync(services);

        var requests = _primary.Requests;
        var assumeRole = requests.Single(r => r.Operation == "AssumeRole");
        var reads = requests.Where(r => r.Operation != "AssumeRole").ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(requests[0].Operation, Is.EqualTo("AssumeRole"));
            Assert.That(assumeRole.AccessKeyId, Is.EqualTo("AKIDPROFILEA"));
            Assert.That(assumeRole.Body, Does.Contain("RoleSessionName=isolationchecks-audit"));
            Assert.That(reads.Select(r => r.AccessKeyId), Is.All.EqualTo("ASIAROLE"));
            Assert.That(reads.Select(r => r.Headers.GetValueOrDefault("X-Amz-Security-Token")), Is.All.EqualTo("role-token"));
            Assert.That(reads, Has.Count.EqualTo(4));
        }
    }
}
