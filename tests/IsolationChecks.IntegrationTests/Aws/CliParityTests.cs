using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Calls;
using NUnit.Framework;
using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Collection;
using IsolationChecks.IntegrationTests.Collection;
using IsolationChecks.IntegrationTests.Moto;

namespace IsolationChecks.IntegrationTests.Aws;

/// <summary>
/// The seams must print what the AWS CLI prints: the CLI is botocore, so boto3's parsed output for the
/// same calls (minus ResponseMetadata) is the reference.
/// </summary>
[TestFixture]
public sealed class CliParityTests
{
    private const string Boto3Outputs = """
import boto3, json
kw = dict(region_name='eu-west-1')
ec2 = boto3.client('ec2', **kw); cb = boto3.client('codebuild', **kw); ecr = boto3.client('ecr', **kw)
iam = boto3.client('iam', **kw); sts = boto3.client('sts', **kw)
def clean(r):
    r.pop('ResponseMetadata', None); r.pop('NextToken', None); r.pop('nextToken', None); r.pop('IsTruncated', None); r.pop('Marker', None)
    return r
out = {}
for name, call in [('Vpcs', ec2.describe_vpcs), ('Subnets', ec2.describe_subnets), ('RouteTables', ec2.describe_route_tables),
                   ('NetworkAcls', ec2.describe_network_acls), ('SecurityGroups', ec2.describe_security_groups),
                   ('NatGateways', ec2.describe_nat_gateways), ('InternetGateways', ec2.describe_internet_gateways),
                   ('EgressOnlyInternetGateways', ec2.describe_egress_only_internet_gateways), ('VpcEndpoints', ec2.describe_vpc_endpoints),
                   ('NetworkInterfaces', ec2.describe_network_interfaces), ('Reservations', ec2.describe_instances),
                   ('ManagedPrefixLists', ec2.describe_managed_prefix_lists), ('Addresses', ec2.describe_addresses)]:
    out[name] = clean(call())
pl = [p['PrefixListId'] for p in out['ManagedPrefixLists']['PrefixLists'] if p['PrefixListName'] == 'corp-office'][0]
out['PrefixListEntries'] = clean(ec2.get_managed_prefix_list_entries(PrefixListId=pl))
out['PrefixListId'] = pl
out['ListProjects'] = clean(cb.list_projects())
out['BatchGetProjects'] = clean(cb.batch_get_projects(names=out['ListProjects']['projects']))
out['DescribeRepositories'] = clean(ecr.describe_repositories())
out['GetRepositoryPolicy'] = clean(ecr.get_repository_policy(repositoryName='app'))
out['GetLifecyclePolicy'] = clean(ecr.get_lifecycle_policy(repositoryName='app'))
out['GetRegistryScanningConfiguration'] = clean(ecr.get_registry_scanning_configuration())
out['GetAccountAuthorizationDetails'] = clean(iam.get_account_authorization_details())
out['GetCallerIdentity'] = clean(sts.get_caller_identity())
print(json.dumps(out, default=lambda o: o.isoformat()))
""";

    private MotoServer _moto = null!;
    private AwsServiceSet _aws = null!;
    private JsonObject _boto3 = null!;

    [OneTimeSetUp]
    public async Task StartMotoAndBuildEnvironment()
    {
        _moto = await MotoServer.StartAsync(MotoSetup.Credentials, CancellationToken.None);
        await PythonScript.RunAsync(_moto, ReferenceEnvironment.BuildScript);
        _boto3 = JsonNode.Parse(await PythonScript.RunAsync(_moto, Boto3Outputs))!.AsObject();
        _aws = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _moto.Endpoint))
            .Create(new AuditScope("dev", MotoServer.AccountId, ReferenceEnvironment.Region));
    }

    [OneTimeTearDown]
    public async Task StopMoto()
    {
        _aws?.Dispose();
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    [TestCase("Vpcs")]
    [TestCase("Subnets")]
    [TestCase("RouteTables")]
    [TestCase("NetworkAcls")]
    [TestCase("SecurityGroups")]
    [TestCase("NatGateways")]
    [TestCase("InternetGateways")]
    [TestCase("EgressOnlyInternetGateways")]
    [TestCase("VpcEndpoints")]
    [TestCase("NetworkInterfaces")]
    [TestCase("Reservations")]
    [TestCase("ManagedPrefixLists")]
    [TestCase("Addresses")]
    public async Task Ec2ListingEqualsBoto3(string listing)
    {
        var call = AwsCalls.All.Single(c => c.Service == AwsServices.Ec2 && c.File == $"{listing}.json");
        var result = await _aws.CallAsync(call, CallArgs.None, CancellationToken.None);

        Assert.That(JsonDiff.Between(_boto3[listing], result.Output), Is.Empty);
    }

    [Test]
    public async Task SecurityGroupRulesCarryEveryKindOfSource()
    {
        var result = await _aws.CallAsync(AwsCalls.DescribeSecurityGroups, CallArgs.None, CancellationToken.None);

        var endpoints = result.Output["SecurityGroups"]!.AsArray().Single(g => (string?)g!["GroupName"] == "endpoints")!;
        var rule = endpoints["IpPermissions"]![0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)rule["IpRanges"]![0]!["CidrIp"], Is.EqualTo("10.20.0.0/16"));
            Assert.That((string?)rule["Ipv6Ranges"]![0]!["CidrIpv6"], Is.EqualTo("2001:db8::/64"));
            Assert.That((string?)rule["PrefixListIds"]![0]!["PrefixListId"], Does.StartWith("pl-"));
            Assert.That((string?)rule["UserIdGroupPairs"]![0]!["Description"], Is.EqualTo("from build"));
        }
    }

    [Test]
    public async Task PrefixListEntriesEqualBoto3()
    {
        var result = await _aws.CallAsync(AwsCalls.GetManagedPrefixListEntries, new CallArgs((string)_boto3["PrefixListId"]!), CancellationToken.None);

        Assert.That(JsonDiff.Between(_boto3["PrefixListEntries"], result.Output), Is.Empty);
    }

    [Test]
    public async Task CodeBuildEqualsBoto3()
    {
        var list = await _aws.CallAsync(AwsCalls.ListProjects, CallArgs.None, CancellationToken.None);
        var names = list.Output["projects"]!.AsArray().Select(n => (string)n!).ToList();
        var batch = await _aws.CallAsync(AwsCalls.BatchGetProjects, new CallArgs(Batch: names), CancellationToken.None);
        // moto sends "lastModifiedDate", a member the CodeBuild model does not have (AWS sends "lastModified"):
        // botocore drops members outside the model, the collector keeps what the service sent.
        foreach (var project in batch.Output["projects"]!.AsArray())
            project!.AsObject().Remove("lastModifiedDate");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(JsonDiff.Between(_boto3["ListProjects"], list.Output), Is.Empty);
            Assert.That(JsonDiff.Between(_boto3["BatchGetProjects"]!["projects"], batch.Output["projects"]), Is.Empty);
        }
    }

    [Test]
    public async Task EcrEqualsBoto3()
    {
        // moto stamps lastEvaluatedAt with the time of each request, so it differs between any two calls.
        var lifecycle = (await _aws.CallAsync(AwsCalls.GetLifecyclePolicy, new CallArgs("app"), CancellationToken.None)).Output;
        var expectedLifecycle = _boto3["GetLifecyclePolicy"]!.DeepClone().AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lifecycle.Remove("lastEvaluatedAt"), Is.True);
            expectedLifecycle.Remove("lastEvaluatedAt");
            Assert.That(JsonDiff.Between(expectedLifecycle, lifecycle), Is.Empty);
            Assert.That(JsonDiff.Between(_boto3["DescribeRepositories"], (await _aws.CallAsync(AwsCalls.DescribeRepositories, CallArgs.None, CancellationToken.None)).Output), Is.Empty);
            Assert.That(JsonDiff.Between(_boto3["GetRepositoryPolicy"], (await _aws.CallAsync(AwsCalls.GetRepositoryPolicy, new CallArgs("app"), CancellationToken.None)).Output), Is.Empty);
            Assert.That(JsonDiff.Between(_boto3["GetRegistryScanningConfiguration"], (await _aws.CallAsync(AwsCalls.GetRegistryScanningConfiguration, CallArgs.None, CancellationToken.None)).Output), Is.Empty);
        }
    }

    [Test]
    public async Task IamAuthorizationDetailsEqualBoto3WithDecodedDocuments()
    {
        var result = await _aws.CallAsync(AwsCalls.GetAccountAuthorizationDetails, CallArgs.None, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(JsonDiff.Between(_boto3["GetAccountAuthorizationDetails"], result.Output), Is.Empty);
            Assert.That(result.Output["UserDetailList"]![0]!["UserPolicyList"]![0]!["PolicyDocument"], Is.InstanceOf<JsonObject>());
        }
    }

    [Test]
    public async Task CallerIdentityEqualsBoto3()
    {
        var result = await _aws.CallAsync(AwsCalls.GetCallerIdentity, CallArgs.None, CancellationToken.None);

        Assert.That(JsonDiff.Between(_boto3["GetCallerIdentity"], result.Output), Is.Empty);
    }

    [Test]
    public async Task MissingRepositoryPolicyIsReportedWithItsAwsErrorCode()
    {
        var error = await Assert.ThrowsAsync<AwsCallException>(() => _aws.CallAsync(AwsCalls.GetRepositoryPolicy, new CallArgs("base/python"), CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.ErrorCode, Is.EqualTo("RepositoryPolicyNotFoundException"));
            Assert.That(error.HttpStatus, Is.EqualTo(400));
            Assert.That(error.Attempts, Is.EqualTo(1));
        }
    }
}
