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
using IsolationChecks.Running;
using IsolationChecks.Snapshots;
using NUnit.Framework;
using IsolationChecks.Aws.Calls;

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
host = os.environ.get('HOST', 'instance')
if host == 'ecs':
    # moto names a task interface only in a VPC with DNS host names (getmoto/moto#9179); GitLab's VPC has them anyway.
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={'Value': True})
    ecs = boto3.client('ecs', **kw)
    ecs.create_cluster(clusterName='gitlab')
    task_def = ecs.register_task_definition(family='gitlab', networkMode='awsvpc', requiresCompatibilities=['FARGATE'], cpu='4096', memory='16384',
        containerDefinitions=[{'name': 'gitlab', 'image': 'gitlab/gitlab-ce', 'cpu': 4096, 'memory': 16384, 'portMappings': [{'containerPort': 443}]}])['taskDefinition']['taskDefinitionArn']
    network = {'awsvpcConfiguration': {'subnets': [priv], 'securityGroups': groups, 'assignPublicIp': 'ENABLED'}}
    ecs.create_service(cluster='gitlab', serviceName='gitlab-web', taskDefinition=task_def, desiredCount=1, launchType='FARGATE', networkConfiguration=network)
    # moto's services start no task: start the service's task as ECS does (group service:NAME), and a stray task of another
    # group that moto's list-tasks returns too (it ignores serviceName), which the suite must not take for GitLab.
    task = ecs.run_task(cluster='gitlab', taskDefinition=task_def, launchType='FARGATE', group='service:gitlab-web', networkConfiguration=network)['tasks'][0]
    ecs.run_task(cluster='gitlab', taskDefinition=task_def, launchType='FARGATE', group='family:debug',
        networkConfiguration={'awsvpcConfiguration': {'subnets': [priv], 'securityGroups': [other]}})
    task_eni = [d['value'] for d in task['attachments'][0]['details'] if d['name'] == 'networkInterfaceId'][0]
    # assignPublicIp ENABLED gives a Fargate task interface a public IP; moto gives none, so associate the fixture's.
    ec2.associate_address(AllocationId=ec2.allocate_address(Domain='vpc', Address='198.51.100.42')['AllocationId'], NetworkInterfaceId=task_eni)
elif host == 'alb':
    pub_b = ec2.create_subnet(VpcId=vpc, CidrBlock='10.10.1.0/24', AvailabilityZone='eu-west-1b')['Subnet']['SubnetId']
    elb = boto3.client('elbv2', **kw)
    alb = elb.create_load_balancer(Name='gitlab-alb', Subnets=[pub, pub_b], SecurityGroups=groups, Scheme='internet-facing', Type='application')['LoadBalancers'][0]
    # It listens on 443 (its interfaces accept nothing else); HTTP stands in for HTTPS, which would need a certificate.
    elb.create_listener(LoadBalancerArn=alb['LoadBalancerArn'], Protocol='HTTP', Port=443,
                        DefaultActions=[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '200'}}])
    # AWS gives the load balancer an interface described "ELB app/NAME/ID" in each subnet; moto gives none, so create the one in pub.
    alb_eni = ec2.create_network_interface(SubnetId=pub, Groups=groups, Description='ELB ' + alb['LoadBalancerArn'].split(':loadbalancer/')[1])['NetworkInterface']['NetworkInterfaceId']
    ec2.associate_address(AllocationId=ec2.allocate_address(Domain='vpc', Address='198.51.100.60')['AllocationId'], NetworkInterfaceId=alb_eni)
    instance = alb['LoadBalancerArn']
else:
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
print(json.dumps({'instance': instance if host != 'ecs' else None, 'nat': declared_nat, 'natIp': nat_ip, 'vpc': vpc}))
""";

    private MotoServer _moto = null!;

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
        ("ecs:reference", "violations/GL-1-ecs-service-passes"),
        ("ecs:open-to-world", "violations/GL-1-ecs-task-open-to-world"),
    }.Select(s => new TestCaseData(s.Scenario, s.Fixture).SetName($"GitLab scenario {s.Scenario} collected from moto matches {s.Fixture}"));

    [OneTimeSetUp]
    public async Task StartMoto() => _moto = await MotoServer.StartAsync(MotoSetup.Credentials, CancellationToken.None);

    [OneTimeTearDown]
    public async Task StopMoto()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    [TestCaseSource(nameof(Scenarios))]
    public async Task A_scenario_collected_live_gets_the_verdicts_of_its_fixture(string scenario, string fixture)
    {
        var (live, _) = await CollectLiveAsync(scenario);
        var offline = await VerdictsAsync(await FixtureContextAsync(fixture));

        Assert.That(live.Select(f => $"{f.Control.Id} {f.Status.ToWire()}"), Is.EqualTo(offline.Select(f => $"{f.Control.Id} {f.Status.ToWire()}")),
            () => "live: " + string.Join(" | ", live.Select(f => $"{f.Control.Id} {f.Status} {f.Message}")) +
                  "\noffline: " + string.Join(" | ", offline.Select(f => $"{f.Control.Id} {f.Status} {f.Message}")));
    }

    [TestCase("reference", Status.Pass)]
    [TestCase("open-to-world", Status.Fail)]
    public async Task A_load_balancer_collected_live_is_judged_on_its_security_groups_and_interface(string scenario, Status expected)
    {
        var (live, files) = await CollectLiveAsync("alb:" + scenario);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(files.Files.Keys, Does.Contain(AwsCalls.DescribeLoadBalancers.File));
            Assert.That(live.Select(f => f.Status), Is.EqualTo(new[] { expected, expected }),
                () => string.Join(" | ", live.Select(f => $"{f.Control.Id} {f.Status} {f.Message}")));
            Assert.That(live.Select(f => f.Resource.Name), Is.All.EqualTo("gitlab-alb"));
            if (expected == Status.Fail)
                Assert.That(live[1].Message, Does.Contain("public IP 198.51.100.60"));
        }
    }

    [Test]
    public async Task A_service_in_a_cluster_that_does_not_exist_is_inconclusive_with_the_aws_error()
    {
        await _moto.ResetAsync();
        var posture = Posture(new GitLabHostRef(EcsService: new EcsServiceRef("no-such-cluster", "gitlab-web")), "nat-0123456789abcdef0");

        var files = await CollectAsync(posture);
        var verdicts = await VerdictsAsync(new EvaluationContext(SnapshotReader.Read(files), posture, TimeProvider.System));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(files.Manifest!.Calls.Where(c => c.Service == "ecs").Select(c => $"{c.Operation} {c.Outcome} {c.ErrorCode}"),
                Is.EquivalentTo(new[] { "DescribeServices failed ClusterNotFoundException", "ListTasks failed ClusterNotFoundException", "DescribeTasks failed ClusterNotFoundException" }));
            Assert.That(verdicts.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive));
            Assert.That(verdicts.Select(f => f.Message), Is.All.Contain("ecs:DescribeServices failed with ClusterNotFoundException"));
        }
    }

    /// <summary>Builds the scenario ("drift" or "host:drift", host being instance, ecs or alb) in moto, collects it as the suite would, and judges it.</summary>
    private async Task<(IReadOnlyList<Finding> Verdicts, SnapshotFiles Files)> CollectLiveAsync(string scenario)
    {
        await _moto.ResetAsync();
        var (host, drift) = scenario.Split(':') is [var h, var d] ? (h, d) : ("instance", scenario);
        var built = JsonNode.Parse(await PythonScript.RunAsync(_moto, $"import os\nos.environ['SCENARIO'] = '{drift}'\nos.environ['HOST'] = '{host}'\n" + BuildScript))!.AsObject();
        var hostRef = host switch
        {
            "ecs" => new GitLabHostRef(EcsService: new EcsServiceRef("gitlab", "gitlab-web")),
            "alb" => new GitLabHostRef(LoadBalancerArn: (string)built["instance"]!),
            _ => new GitLabHostRef(InstanceId: (string)built["instance"]!),
        };
        var posture = Posture(hostRef, (string)built["nat"]!);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var files = await CollectAsync(posture);
        var calls = files.Manifest!.Calls;
        await TestContext.Progress.WriteLineAsync(
            $"{scenario}: {calls.Count} logical calls ({string.Join(", ", calls.Where(c => c.Service is "ecs" or "elasticloadbalancing").Select(c => $"{c.Service}:{c.Operation}"))}), " +
            $"{calls.Sum(c => c.Pages)} pages, {calls.Count(c => c.Outcome == "failed")} failed, {watch.Elapsed.TotalSeconds:0.00} s");
        return (await VerdictsAsync(new EvaluationContext(SnapshotReader.Read(files), posture, TimeProvider.System)), files);
    }

    private static PostureDocument Posture(GitLabHostRef host, string natGateway) =>
        new(1, "moto gitlab", new Dictionary<string, AccountTarget> { ["dev"] = new(MotoServer.AccountId, Region) },
            NatGateways: [new NatGatewayRef(natGateway, "dev")],
            GitLab: new GitLabPosture("dev", [host], [new SourceCidr("192.0.2.0/28")], []));

    /// <summary>Collects what the suite's live run would collect for this posture (the same collection plan).</summary>
    private async Task<SnapshotFiles> CollectAsync(PostureDocument posture)
    {
        var collector = MotoServer.CollectorAt(_moto.Endpoint, CollectionPlan.For(posture, _moto.Endpoint));
        return await collector.CollectAsync([new AuditScope("dev", MotoServer.AccountId, Region)], null, CancellationToken.None);
    }

    [Test]
    public async Task The_ecs_client_reads_what_boto3_sees()
    {
        await _moto.ResetAsync();
        await PythonScript.RunAsync(_moto, "import os\nos.environ['SCENARIO'] = 'reference'\nos.environ['HOST'] = 'ecs'\n" + BuildScript);
        const string script = """
import boto3, json
ecs = boto3.client('ecs', region_name='eu-west-1')
def clean(r):
    r.pop('ResponseMetadata', None)
    return r
out = {'DescribeServices': clean(ecs.describe_services(cluster='gitlab', services=['gitlab-web'])),
       'ListTasks': clean(ecs.list_tasks(cluster='gitlab', serviceName='gitlab-web', desiredStatus='RUNNING'))}
out['DescribeTasks'] = clean(ecs.describe_tasks(cluster='gitlab', tasks=out['ListTasks']['taskArns']))
print(json.dumps(out, default=lambda o: o.isoformat()))
""";
        var expected = JsonNode.Parse(await PythonScript.RunAsync(_moto, script))!.AsObject();
        using var api = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _moto.Endpoint, PageSize: 1)).Create(new AuditScope("dev", MotoServer.AccountId, Region));

        var services = await api.CallAsync(AwsCalls.DescribeServices, new CallArgs("gitlab/gitlab-web"), CancellationToken.None);
        var tasks = await api.CallAsync(AwsCalls.ListTasks, new CallArgs("gitlab/gitlab-web"), CancellationToken.None);
        var described = await api.CallAsync(AwsCalls.DescribeTasks, new CallArgs("gitlab/gitlab-web", tasks.Output["taskArns"]!.AsArray().Select(t => (string)t!).ToList()), CancellationToken.None);

        // moto moves a task one step through its life cycle on every describe-tasks, so the two reads differ only in lastStatus.
        foreach (var document in new[] { expected["DescribeTasks"]!, described.Output })
            foreach (var task in document["tasks"]!.AsArray())
                task!.AsObject().Remove("lastStatus");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(JsonDiff.Between(expected["DescribeServices"], services.Output), Is.Empty);
            Assert.That(JsonDiff.Between(expected["ListTasks"], tasks.Output), Is.Empty);
            Assert.That(JsonDiff.Between(expected["DescribeTasks"], described.Output), Is.Empty);
            Assert.That(described.Output["tasks"]!.AsArray().Select(t => (string?)t!["group"]), Is.EquivalentTo(new[] { "service:gitlab-web", "family:debug" }));
        }
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
        using var api = new AwsClientFactory(new AwsAccessSettings(EndpointUrl: _moto.Endpoint, PageSize: 1)).Create(new AuditScope("dev", MotoServer.AccountId, Region));

        var result = await api.CallAsync(AwsCalls.DescribeLoadBalancers, CallArgs.None, CancellationToken.None);

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
        var files = await IsolationChecks.TestSupport.FixtureOverlay.FilesAsync(folder, CancellationToken.None);
        var posture = PostureLoader.Parse(files.Files["posture.json"], Path.Combine(folder, "posture.json"));
        return new EvaluationContext(SnapshotReader.Read(files), posture, TimeProvider.System);
    }
}
