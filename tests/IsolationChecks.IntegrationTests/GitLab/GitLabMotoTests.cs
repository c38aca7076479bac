using System.Reflection;
using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Collection;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.GitLab.GL1_IngressAllowlist;
using IsolationChecks.Controls.GitLab.GL2_NoPathFromInternet;
using IsolationChecks.IntegrationTests.Aws;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using NUnit.Framework;

namespace IsolationChecks.IntegrationTests.GitLab;

/// <summary>
/// The GitLab violation scenarios built for real in moto with boto3, collected live by the collector, and judged by GL-1 and
/// GL-2: each gives the same verdicts as the violation fixture that describes it offline. The addresses are pinned
/// (moto hands out loopback addresses otherwise) so the NAT IP is the fixtures' 198.51.100.20 and GitLab's EIP 198.51.100.41.
/// </summary>
[TestFixture]
public sealed class GitLabMotoTests
{
    private const string Region = "eu-west-1";

    /// <summary>Builds the dev side of the reference (GitLab behind its security group, NAT gateway, EIP) with the scenario's drift.</summary>
    private const string BuildScript = """
import boto3, json, os, sys
scenario = os.environ['SCENARIO']
kw = dict(region_name='eu-west-1')
ec2 = boto3.client('ec2', **kw)
vpc = ec2.create_vpc(CidrBlock='10.10.0.0/16')['Vpc']['VpcId']
pub = ec2.create_subnet(VpcId=vpc, CidrBlock='10.10.0.0/24', AvailabilityZone='eu-west-1a')['Subnet']['SubnetId']
priv = ec2.create_subnet(VpcId=vpc, CidrBlock='10.10.10.0/24', AvailabilityZone='eu-west-1a')['Subnet']['SubnetId']
igw = ec2.create_internet_gateway()['InternetGateway']['InternetGatewayId']
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
nat_eip = ec2.allocate_address(Domain='vpc', Address='198.51.100.20')
nat = ec2.create_nat_gateway(SubnetId=pub, AllocationId=nat_eip['AllocationId'])['NatGateway']['NatGatewayId']
nat_ip = ec2.describe_nat_gateways(NatGatewayIds=[nat])['NatGateways'][0]['NatGatewayAddresses'][0]['PublicIp']
pub_rt = ec2.create_route_table(VpcId=vpc)['RouteTable']['RouteTableId']
ec2.create_route(RouteTableId=pub_rt, DestinationCidrBlock='0.0.0.0/0', GatewayId=igw)
ec2.associate_route_table(RouteTableId=pub_rt, SubnetId=pub)
priv_rt = ec2.create_route_table(VpcId=vpc)['RouteTable']['RouteTableId']
ec2.create_route(RouteTableId=priv_rt, DestinationCidrBlock='0.0.0.0/0', NatGatewayId=nat)
ec2.create_route(RouteTableId=priv_rt, DestinationCidrBlock='192.0.2.0/28', GatewayId=igw)
ec2.create_route(RouteTableId=priv_rt, DestinationCidrBlock=nat_ip + '/32', GatewayId=igw)
ec2.associate_route_table(RouteTableId=priv_rt, SubnetId=priv)
sg = ec2.create_security_group(GroupName='gitlab-sg', Description='gitlab', VpcId=vpc)['GroupId']
other = ec2.create_security_group(GroupName='other-sg', Description='other', VpcId=vpc)['GroupId']
https = [{'CidrIp': nat_ip + '/32'}, {'CidrIp': '192.0.2.0/28'}]
if scenario == 'nat-ip-widened':
    https[0] = {'CidrIp': '.'.join(nat_ip.split('.')[:3]) + '.0/24'}
extra = []
if scenario == 'open-to-world': https.append({'CidrIp': '0.0.0.0/0'})
perm = {'IpProtocol': 'tcp', 'FromPort': 443, 'ToPort': 443, 'IpRanges': https}
if scenario == 'ipv6-open-to-world': perm['Ipv6Ranges'] = [{'CidrIpv6': '::/0'}]
if scenario == 'undeclared-sg-reference': perm['UserIdGroupPairs'] = [{'GroupId': other}]
if scenario == 'prefix-list-extra-entry':
    pl = ec2.create_managed_prefix_list(PrefixListName='gitlab-allowed', MaxEntries=5, AddressFamily='IPv4',
        Entries=[{'Cidr': '192.0.2.0/28'}, {'Cidr': nat_ip + '/32'}, {'Cidr': '203.0.113.99/32'}])['PrefixList']['PrefixListId']
    perm['PrefixListIds'] = [{'PrefixListId': pl}]
ssh = {'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '192.0.2.0/28'}]}
if scenario == 'undeclared-range': ssh['IpRanges'].append({'CidrIp': '203.0.113.0/24'})
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[perm, ssh])
groups = [sg]
if scenario == 'second-sg-open':
    debug = ec2.create_security_group(GroupName='gitlab-debug-sg', Description='debug', VpcId=vpc)['GroupId']
    ec2.authorize_security_group_ingress(GroupId=debug, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 8080, 'ToPort': 8080, 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}])
    groups.append(debug)
if scenario == 'open-but-nacl-blocks':
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 443, 'ToPort': 443, 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}])
    acl = ec2.create_network_acl(VpcId=vpc)['NetworkAcl']['NetworkAclId']
    for n, cidr, action in [(90, '192.0.2.0/28', 'allow'), (91, nat_ip + '/32', 'allow'), (92, '10.10.0.0/16', 'allow'), (95, '0.0.0.0/0', 'deny')]:
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=n, Protocol='-1', RuleAction=action, Egress=False, CidrBlock=cidr)
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol='-1', RuleAction='allow', Egress=True, CidrBlock='0.0.0.0/0')
    assoc = [a for n in ec2.describe_network_acls(Filters=[{'Name': 'association.subnet-id', 'Values': [priv]}])['NetworkAcls'] for a in n['Associations'] if a['SubnetId'] == priv][0]
    ec2.replace_network_acl_association(AssociationId=assoc['NetworkAclAssociationId'], NetworkAclId=acl)
instance = ec2.run_instances(ImageId='ami-12c6146b', MinCount=1, MaxCount=1, InstanceType='m6i.xlarge', SubnetId=priv, SecurityGroupIds=groups,
    TagSpecifications=[{'ResourceType': 'instance', 'Tags': [{'Key': 'Name', 'Value': 'gitlab'}]}])['Instances'][0]['InstanceId']
gitlab_eip = ec2.allocate_address(Domain='vpc', Address='198.51.100.41')['AllocationId']
ec2.associate_address(AllocationId=gitlab_eip, InstanceId=instance)
declared_nat = nat
if scenario == 'nat-replaced':
    new_eip = ec2.allocate_address(Domain='vpc', Address='198.51.100.77')
    declared_nat = ec2.create_nat_gateway(SubnetId=pub, AllocationId=new_eip['AllocationId'])['NatGateway']['NatGatewayId']
    ec2.replace_route(RouteTableId=priv_rt, DestinationCidrBlock='0.0.0.0/0', NatGatewayId=declared_nat)
    ec2.delete_nat_gateway(NatGatewayId=nat)
print(json.dumps({'instance': instance, 'nat': declared_nat, 'natIp': nat_ip, 'vpc': vpc}))
""";

    private MotoServer _moto = null!;
    private EnvironmentVariables _environment = null!;

    public static IEnumerable<TestCaseData> Scenarios() => new (string Scenario, string Fixture)[]
    {
        ("reference", "reference"),
        ("open-to-world", "violations/GL-1-open-to-world"),
        ("ipv6-open-to-world", "violations/GL-1-ipv6-open-to-world"),
        ("undeclared-range", "violations/GL-1-undeclared-range"),
        ("nat-ip-widened", "violations/GL-1-nat-ip-widened"),
        ("prefix-list-extra-entry", "violations/GL-1-prefix-list-extra-entry"),
        ("undeclared-sg-reference", "violations/GL-1-undeclared-sg-reference"),
        ("second-sg-open", "violations/GL-1-second-sg-open"),
        ("open-but-nacl-blocks", "violations/GL-1-open-but-nacl-blocks"),
        ("nat-replaced", "violations/IAM-3-nat-replaced"),
    }.Select(s => new TestCaseData(s.Scenario, s.Fixture).SetName($"GitLab scenario {s.Scenario} collected from moto matches {s.Fixture}"));

    [OneTimeSetUp]
    public async Task StartMoto()
    {
        _moto = await MotoServer.StartAsync();
        _environment = new EnvironmentVariables(_moto.ClientEnvironment.Where(e => e.Key != "AWS_ENDPOINT_URL"));
    }

    [OneTimeTearDown]
    public async Task StopMoto()
    {
        _environment?.Dispose();
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    [TestCaseSource(nameof(Scenarios))]
    public async Task A_scenario_collected_live_gets_the_verdicts_of_its_fixture(string scenario, string fixture)
    {
        await _moto.ResetAsync();
        var built = JsonNode.Parse(await PythonScript.RunAsync(_moto, $"import os\nos.environ['SCENARIO'] = '{scenario}'\n" + BuildScript))!.AsObject();
        var posture = new PostureDocument(1, "moto gitlab", new Dictionary<string, AccountTarget> { ["dev"] = new(MotoServer.AccountId, Region) },
            NatGateways: [new NatGatewayRef((string)built["nat"]!, "dev")],
            GitLab: new GitLabPosture("dev", [new GitLabHostRef(InstanceId: (string)built["instance"]!)], ["192.0.2.0/28"], []));
        var collector = new Collector(new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _moto.Endpoint)),
            new CollectionOptions(EndpointUrl: _moto.Endpoint), TimeProvider.System);
        var files = await collector.CollectAsync([new CollectionScope("dev", MotoServer.AccountId, Region)], null, CancellationToken.None);

        var live = await VerdictsAsync(new EvaluationContext(SnapshotReader.Read(files), posture, TimeProvider.System));
        var offline = await VerdictsAsync(await FixtureContextAsync(fixture));

        Assert.That(live.Select(f => $"{f.Control.Id} {f.Status.ToWire()}"), Is.EqualTo(offline.Select(f => $"{f.Control.Id} {f.Status.ToWire()}")),
            () => "live: " + string.Join(" | ", live.Select(f => $"{f.Control.Id} {f.Status} {f.Message}")) +
                  "\noffline: " + string.Join(" | ", offline.Select(f => $"{f.Control.Id} {f.Status} {f.Message}")));
    }

    [Test]
    public async Task The_load_balancer_client_reads_what_boto3_sees()
    {
        await _moto.ResetAsync();
        const string script = """
import boto3, json
ec2 = boto3.client('ec2', region_name='eu-west-1')
vpc = ec2.create_vpc(CidrBlock='10.10.0.0/16')['Vpc']['VpcId']
a = ec2.create_subnet(VpcId=vpc, CidrBlock='10.10.0.0/24', AvailabilityZone='eu-west-1a')['Subnet']['SubnetId']
b = ec2.create_subnet(VpcId=vpc, CidrBlock='10.10.1.0/24', AvailabilityZone='eu-west-1b')['Subnet']['SubnetId']
sg = ec2.create_security_group(GroupName='gitlab-alb-sg', Description='alb', VpcId=vpc)['GroupId']
elb = boto3.client('elbv2', region_name='eu-west-1')
elb.create_load_balancer(Name='gitlab-alb', Subnets=[a, b], SecurityGroups=[sg], Scheme='internet-facing', Type='application')
elb.create_load_balancer(Name='gitlab-internal', Subnets=[a, b], SecurityGroups=[sg], Scheme='internal', Type='application')
seen = elb.describe_load_balancers()['LoadBalancers']
print(json.dumps([{'arn': l['LoadBalancerArn'], 'groups': l.get('SecurityGroups', []), 'subnets': sorted(z['SubnetId'] for z in l['AvailabilityZones']), 'scheme': l['Scheme']} for l in seen]))
""";
        var expected = JsonNode.Parse(await PythonScript.RunAsync(_moto, script))!.AsArray().Select(n => n!.ToJsonString()).ToList();
        var api = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _moto.Endpoint, PageSize: 1)).LoadBalancers(new CollectionScope("dev", MotoServer.AccountId, Region));

        var result = await api.DescribeLoadBalancersAsync(CancellationToken.None);

        var actual = result.Output["LoadBalancers"]!.AsArray().Select(l => new JsonObject
        {
            ["arn"] = (string?)l!["LoadBalancerArn"],
            ["groups"] = new JsonArray(l["SecurityGroups"]!.AsArray().Select(g => (JsonNode?)(string?)g).ToArray()),
            ["subnets"] = new JsonArray(l["AvailabilityZones"]!.AsArray().Select(z => (string?)z!["SubnetId"]).Order(StringComparer.Ordinal).Select(x => (JsonNode?)x).ToArray()),
            ["scheme"] = (string?)l["Scheme"],
        }.ToJsonString()).ToList();
        (api as IDisposable)?.Dispose();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(actual, Is.EqualTo(expected));
            Assert.That(result.Pages, Is.EqualTo(2), "one load balancer per page with PageSize 1");
        }
    }

    private static async Task<IReadOnlyList<Finding>> VerdictsAsync(EvaluationContext context) =>
        [.. await new IngressAllowlist().EvaluateAsync(context, CancellationToken.None), .. await new NoPathFromInternet().EvaluateAsync(context, CancellationToken.None)];

    private static async Task<EvaluationContext> FixtureContextAsync(string fixture)
    {
        var root = typeof(GitLabMotoTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var folder = Path.Combine(root, "Fixtures", fixture);
        var files = await SnapshotFolder.ReadAsync(folder, CancellationToken.None);
        var posture = PostureLoader.Parse(files.Files["posture.json"], Path.Combine(folder, "posture.json"));
        return new EvaluationContext(SnapshotReader.Read(files), posture, TimeProvider.System);
    }
}
