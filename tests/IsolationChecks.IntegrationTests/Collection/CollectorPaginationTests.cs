using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Collection;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Snapshots;
using NUnit.Framework;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.IntegrationTests.Collection;

/// <summary>
/// Every page is collected: small pages against moto, more resources than one page holds. moto 5.2 pages
/// only DescribeInstances among the catalog's calls (it ignores MaxResults elsewhere), so paging of the
/// other calls is proven at a local server in IsolationChecks.Tests (PaginationTests).
/// </summary>
[TestFixture]
public sealed class CollectorPaginationTests
{
    private const int PageSize = 5;

    private const string ManyResources = """
import boto3
kw = dict(region_name='eu-west-1')
ec2 = boto3.client('ec2', **kw)
vpc = ec2.create_vpc(CidrBlock='10.50.0.0/16')['Vpc']['VpcId']
for i in range(30):
    ec2.create_security_group(GroupName=f'paged-{i:02d}', Description='paged', VpcId=vpc)
for i in range(6):
    ec2.create_subnet(VpcId=vpc, CidrBlock=f'10.50.{i}.0/24')
ecr = boto3.client('ecr', **kw)
for i in range(7):
    ecr.create_repository(repositoryName=f'paged/repo-{i}')
iam = boto3.client('iam', **kw)
for i in range(12):
    iam.create_user(UserName=f'paged-user-{i:02d}')
image = ec2.describe_images(Owners=['amazon'])['Images'][0]['ImageId']
for i in range(7):
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType='t3.micro',
                      TagSpecifications=[{'ResourceType': 'instance', 'Tags': [{'Key': 'Name', 'Value': f'paged-{i}'}]}])
""";

    private MotoServer _moto = null!;
    private SnapshotFiles _snapshot = null!;

    [OneTimeSetUp]
    public async Task CollectInSmallPages()
    {
        _moto = await MotoServer.StartAsync(MotoSetup.Credentials, CancellationToken.None);
        await PythonScript.RunAsync(_moto, ManyResources);
        var collector = MotoServer.CollectorAt(_moto.Endpoint, new CollectionOptions(PageSize: PageSize));
        _snapshot = await collector.CollectAsync([new AuditScope("dev", MotoServer.AccountId, "eu-west-1")], null, CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopMoto()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    private ManifestCall Call(string operation) => _snapshot.Manifest!.Calls.Single(c => c.Operation == operation);

    private JsonArray List(string file, string member) => JsonNode.Parse(_snapshot.Files[file])![member]!.AsArray();

    [Test]
    public void SevenInstancesArriveOverTwoPagesOfFive()
    {
        var instances = List(AwsCalls.DescribeInstances.File, "Reservations").SelectMany(r => r!["Instances"]!.AsArray()).ToList();
        var call = Call("DescribeInstances");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(instances, Has.Count.EqualTo(7));
            Assert.That(instances.Select(i => (string?)i!["InstanceId"]), Is.Unique);
            Assert.That(instances.Select(i => (string?)i!["Tags"]![0]!["Value"]), Is.EquivalentTo(Enumerable.Range(0, 7).Select(i => $"paged-{i}")));
            Assert.That(call.Pages, Is.EqualTo(2));
            Assert.That(call.Attempts, Is.EqualTo(2));
        }
    }

    [Test]
    public void EverythingBuiltIsCollectedWithSmallPages()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(List(AwsCalls.DescribeSecurityGroups.File, "SecurityGroups").Count(g => ((string?)g!["GroupName"])!.StartsWith("paged-", StringComparison.Ordinal)), Is.EqualTo(30));
            Assert.That(List(AwsCalls.DescribeSecurityGroups.File, "SecurityGroups").Select(g => (string?)g!["GroupId"]), Is.Unique);
            Assert.That(List(AwsCalls.DescribeSubnets.File, "Subnets").Count(s => ((string?)s!["CidrBlock"])!.StartsWith("10.50.", StringComparison.Ordinal)), Is.EqualTo(6));
            Assert.That(List(AwsCalls.DescribeRepositories.File, "repositories"), Has.Count.EqualTo(7));
            Assert.That(List(AwsCalls.GetAccountAuthorizationDetails.File, "UserDetailList"), Has.Count.EqualTo(12));
            Assert.That(_snapshot.Manifest!.Calls.Where(c => c.Outcome == "failed"), Is.Empty);
        }
    }
}
