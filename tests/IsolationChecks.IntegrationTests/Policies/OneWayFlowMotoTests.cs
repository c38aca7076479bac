using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Posture;

namespace IsolationChecks.IntegrationTests.Policies;

/// <summary>
/// Push/pull users, a push group and ECR repositories built in moto with boto3, collected live by the product's
/// collector, then judged by ECR-1..ECR-4 and IAM-1..IAM-3: the verdicts are the ones the hand-worked cases give.
/// </summary>
[TestFixture]
public sealed class OneWayFlowMotoTests
{
    private const string Region = "eu-west-1";

    internal const string BuildScript = """
import boto3, json
kw = dict(region_name='eu-west-1')
ec2 = boto3.client('ec2', **kw)
vpc = ec2.create_vpc(CidrBlock='10.10.0.0/16')['Vpc']['VpcId']
sub = ec2.create_subnet(VpcId=vpc, CidrBlock='10.10.0.0/24', AvailabilityZone='eu-west-1a')['Subnet']['SubnetId']
igw = ec2.create_internet_gateway()['InternetGateway']['InternetGatewayId']
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
eip = ec2.allocate_address(Domain='vpc')
nat = ec2.create_nat_gateway(SubnetId=sub, AllocationId=eip['AllocationId'])['NatGateway']['NatGatewayId']
nat_ip = ec2.describe_nat_gateways(NatGatewayIds=[nat])['NatGateways'][0]['NatGatewayAddresses'][0]['PublicIp']
account = boto3.client('sts', **kw).get_caller_identity()['Account']
repo = f'arn:aws:codecommit:eu-west-1:{account}:app'
def doc(*statements): return json.dumps({'Version': '2012-10-17', 'Statement': list(statements)})
iam = boto3.client('iam', **kw)
iam.create_user(UserName='gitlab-mirror-push')
iam.put_user_policy(UserName='gitlab-mirror-push', PolicyName='mirror-push', PolicyDocument=doc(
  {'Sid': 'MirrorFromDevNatOnly', 'Effect': 'Allow', 'Action': ['codecommit:GitPull', 'codecommit:GitPush'], 'Resource': repo,
   'Condition': {'IpAddress': {'aws:SourceIp': nat_ip + '/32'}}}))
pull = doc({'Sid': 'PullFromIsolatedTerminalsOnly', 'Effect': 'Allow', 'Action': 'codecommit:GitPull', 'Resource': repo,
   'Condition': {'IpAddress': {'aws:SourceIp': '203.0.113.10/32'}}})
for user in ['isolated-pull', 'drifted-pull']:
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName='pull', PolicyDocument=pull)
iam.create_group(GroupName='codecommit-maintainers')
arn = iam.create_policy(PolicyName='CodeCommitAppMaintainer', PolicyDocument=doc(
  {'Sid': 'MaintainAppRepository', 'Effect': 'Allow', 'Action': ['codecommit:GitPull', 'codecommit:GitPush', 'codecommit:CreateBranch'], 'Resource': repo}))['Policy']['Arn']
iam.attach_group_policy(GroupName='codecommit-maintainers', PolicyArn=arn)
iam.add_user_to_group(GroupName='codecommit-maintainers', UserName='drifted-pull')
ecr = boto3.client('ecr', **kw)
ecr.create_repository(repositoryName='app', imageTagMutability='IMMUTABLE', imageScanningConfiguration={'scanOnPush': True})
ecr.set_repository_policy(repositoryName='app', policyText=doc(
  {'Sid': 'AllowPullFromBuild', 'Effect': 'Allow', 'Principal': {'AWS': f'arn:aws:iam::{account}:root'}, 'Action': ['ecr:BatchGetImage']},
  {'Sid': 'PullThroughEndpoint', 'Effect': 'Allow', 'Principal': {'AWS': '*'}, 'Action': ['ecr:BatchGetImage'],
   'Condition': {'StringEquals': {'aws:SourceVpce': 'vpce-0123456789abcdef0'}}}))
ecr.put_lifecycle_policy(repositoryName='app', lifecyclePolicyText=json.dumps({'rules': [{'rulePriority': 1, 'selection': {'tagStatus': 'untagged', 'countType': 'sinceImagePushed', 'countUnit': 'days', 'countNumber': 14}, 'action': {'type': 'expire'}}]}))
ecr.create_repository(repositoryName='open', imageTagMutability='MUTABLE', imageScanningConfiguration={'scanOnPush': True})
ecr.set_repository_policy(repositoryName='open', policyText=doc(
  {'Sid': 'TemporaryPullForVendor', 'Effect': 'Allow', 'Principal': '*', 'Action': ['ecr:BatchGetImage']}))
print(json.dumps({'nat': nat, 'natIp': nat_ip, 'account': account}))
""";

    private MotoServer _moto = null!;
    private JsonObject _built = null!;
    private IReadOnlyList<Finding> _findings = null!;

    [OneTimeSetUp]
    public async Task BuildCollectAndEvaluate()
    {
        _moto = await MotoServer.StartAsync(MotoSetup.Credentials, CancellationToken.None);
        _built = JsonNode.Parse(await PythonScript.RunAsync(_moto, BuildScript))!.AsObject();
        var account = (string)_built["account"]!;
        var collector = MotoServer.CollectorAt(_moto.Endpoint);
        var files = await collector.CollectAsync([new AuditScope("prd", account, Region)], null, CancellationToken.None);
        var posture = new PostureDocument(1, "moto", new Dictionary<string, AccountTarget> { ["prd"] = new(account, Region) },
            NatGateways: [new NatGatewayRef((string)_built["nat"]!, "prd")],
            Ecr: new EcrPosture("prd", ["*"], [account]),
            CodeCommit: new CodeCommitPosture("prd", ["app"], ["gitlab-mirror-push"], ["isolated-pull", "drifted-pull"], [new SourceCidr("203.0.113.10/32")]));
        var context = new EvaluationContext(CollectedEvidence.Read(files, account, Region), posture, TimeProvider.System);
        var controls = ControlCatalog.Discover().Controls.Where(c => c.Metadata.Id is "ECR-1" or "ECR-2" or "ECR-4" or "IAM-1" or "IAM-2" or "IAM-3");
        var findings = new List<Finding>();
        foreach (var control in controls)
            findings.AddRange(await control.EvaluateAsync(context, CancellationToken.None));
        _findings = findings;
    }

    [OneTimeTearDown]
    public async Task StopMoto()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    private Finding Of(string control, string resource) =>
        _findings.Single(f => f.Control.Id == control && f.Resource.Name == resource);

    [TestCase("ECR-1", "app", Status.Pass)]
    [TestCase("ECR-1", "open", Status.Fail)]
    [TestCase("ECR-2", "app", Status.Pass)]
    [TestCase("ECR-2", "open", Status.Fail)]
    [TestCase("ECR-4", "app", Status.Pass)]
    [TestCase("ECR-4", "open", Status.Fail)]
    [TestCase("IAM-1", "isolated-pull on app", Status.Pass)]
    [TestCase("IAM-1", "drifted-pull on app", Status.Fail)]
    [TestCase("IAM-2", "isolated-pull on app", Status.Pass)]
    [TestCase("IAM-2", "drifted-pull on app", Status.Fail)]
    [TestCase("IAM-3", "gitlab-mirror-push on app", Status.Pass)]
    public void Live_collected_environment_gets_the_hand_worked_verdict(string control, string resource, Status expected)
    {
        var finding = Of(control, resource);

        Assert.That(finding.Status, Is.EqualTo(expected), finding.Message);
    }

    [Test]
    public void Failures_name_the_group_policy_and_the_open_statement()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Of("IAM-1", "drifted-pull on app").Message, Does.Contain("codecommit:GitPush")
                .And.Contain("policy/CodeCommitAppMaintainer (attached to group codecommit-maintainers)").And.Contain("Sid 'MaintainAppRepository'"));
            Assert.That(Of("ECR-1", "open").Message, Does.Contain("Sid 'TemporaryPullForVendor'").And.Contain("to everyone"));
            Assert.That(Of("IAM-3", "gitlab-mirror-push on app").Message, Does.Contain((string)_built["natIp"]!));
        }
    }
}
