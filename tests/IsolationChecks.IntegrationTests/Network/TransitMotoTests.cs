using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Collection;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.IntegrationTests.Aws;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Snapshots;

namespace IsolationChecks.IntegrationTests.Network;

/// <summary>
/// Peering, a transit gateway, a VPN, a network load balancer (build_transit_network.py, in moto) and a Client VPN endpoint
/// (answered by the moto front, which follows the EC2 API reference where moto has no Client VPN), collected by the
/// product's collector through the call catalog: every file is written as the AWS CLI prints it (boto3 is the reference),
/// read without a gap, and the path engine follows it.
/// </summary>
/// <remarks>
/// What moto does not do as AWS does, and how the tests treat it: its search-transit-gateway-routes names no attachment
/// for a static route (the reader makes such a route file a gap, never a table of blackholes), and associate-transit-
/// gateway-route-table leaves the attachment associated with the default route table it created, which holds no route
/// (so the engine, reading what was collected, stops there); it fails search-transit-gateway-routes when --max-results
/// is given (the catalog does not send it: AWS's default is the maximum); it creates no network interfaces for a load
/// balancer (the load balancer is read, not walked through); its VPN connections report no tunnel telemetry.
/// </remarks>
[TestFixture]
public sealed class TransitMotoTests
{
    private const string Region = "us-east-1";
    private const string ClientVpn = "cvpn-endpoint-0123456789abcdef0";

    private const string Boto3Outputs = """
import boto3, json
ec2 = boto3.client('ec2', region_name='us-east-1'); elbv2 = boto3.client('elbv2', region_name='us-east-1')
def clean(r):
    for k in ('ResponseMetadata', 'NextToken', 'NextMarker'): r.pop(k, None)
    return r
out = {}
for name, call in [('VpcPeeringConnections', ec2.describe_vpc_peering_connections), ('TransitGatewayAttachments', ec2.describe_transit_gateway_attachments),
                   ('TransitGatewayVpcAttachments', ec2.describe_transit_gateway_vpc_attachments), ('TransitGatewayRouteTables', ec2.describe_transit_gateway_route_tables),
                   ('VpnGateways', ec2.describe_vpn_gateways), ('VpnConnections', ec2.describe_vpn_connections)]:
    out[name] = clean(call())
out['LoadBalancers'] = clean(elbv2.describe_load_balancers())
out['TargetGroups'] = clean(elbv2.describe_target_groups())
print(json.dumps(out, default=lambda o: o.isoformat()))
""";

    private MotoServer _moto = null!;
    private JsonObject _built = null!;
    private JsonObject _boto3 = null!;
    private SnapshotFiles _files = null!;
    private Snapshot _snapshot = null!;

    [OneTimeSetUp]
    public async Task BuildAndCollect()
    {
        _moto = await MotoServer.StartAsync(MotoSetup.Credentials, CancellationToken.None);
        var build = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Network", "build_transit_network.py"));
        _built = JsonNode.Parse(await PythonScript.RunAsync(_moto, build))!.AsObject();
        _boto3 = JsonNode.Parse(await PythonScript.RunAsync(_moto, Boto3Outputs))!.AsObject();
        _moto.ClientVpn.Add(new ClientVpnEndpointState(ClientVpn, Id("build"), "172.31.0.0/22", [Id("buildSg")], [Id("buildA")],
            [("10.20.0.0/16", true)], [("10.20.0.0/16", Id("buildA"))]));
        var collector = MotoServer.CollectorAt(_moto.Endpoint, new CollectionOptions(Requests: new CollectionRequests([new(AwsCalls.Plans.Ingress)])));
        _files = await collector.CollectAsync([new AuditScope("dev", MotoServer.AccountId, Region)], null, CancellationToken.None);
        _snapshot = SnapshotReader.Read(_files);
    }

    [OneTimeTearDown]
    public async Task StopMoto()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    private string Id(string name) => (string)_built[name]!;

    private ScopeSnapshot Scope => _snapshot.Scopes.Single();

    private static readonly AwsCall[] NewCalls =
    [
        AwsCalls.DescribeVpcPeeringConnections, AwsCalls.DescribeTransitGatewayAttachments, AwsCalls.DescribeTransitGatewayVpcAttachments,
        AwsCalls.DescribeTransitGatewayRouteTables, AwsCalls.SearchTransitGatewayRoutes, AwsCalls.DescribeVpnGateways, AwsCalls.DescribeVpnConnections,
        AwsCalls.DescribePrefixLists, AwsCalls.DescribeClientVpnEndpoints, AwsCalls.DescribeClientVpnTargetNetworks, AwsCalls.DescribeClientVpnAuthorizationRules,
        AwsCalls.DescribeClientVpnRoutes, AwsCalls.DescribeLoadBalancers, AwsCalls.DescribeListeners, AwsCalls.DescribeTargetGroups,
        AwsCalls.DescribeTargetHealth, AwsCalls.DescribeTargetGroupAttributes,
    ];

    [Test]
    public void Every_new_call_is_made_once_per_scope_or_item_and_none_fails()
    {
        var calls = _files.Manifest!.Calls.Where(c => NewCalls.Any(n => n.Operation == c.Operation && n.Service.IamPrefix == c.Service)).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(calls.Where(c => c.Outcome != "ok").Select(c => $"{c.Operation} {c.Target}: {c.ErrorCode} {c.ErrorMessage}"), Is.Empty);
            Assert.That(NewCalls.Where(n => !calls.Any(c => c.Operation == n.Operation)).Select(n => n.IamAction), Is.Empty, "every new call was made");
            Assert.That(calls.Count(c => c.Operation == "SearchTransitGatewayRoutes"), Is.EqualTo(_boto3["TransitGatewayRouteTables"]!["TransitGatewayRouteTables"]!.AsArray().Count),
                "one search per route table");
            Assert.That(calls.Where(c => c.Operation == "DescribeTargetHealth").Select(c => c.Target), Is.EqualTo(new[] { AwsCalls.DescribeTargetHealth.KeyOf(Id("targetGroup")) }));
            Assert.That(calls.Where(c => c.Operation == "DescribeClientVpnRoutes").Select(c => c.Target), Is.EqualTo(new[] { ClientVpn }));
        }
    }

    [TestCase("VpcPeeringConnections")]
    [TestCase("TransitGatewayAttachments")]
    [TestCase("TransitGatewayVpcAttachments")]
    [TestCase("TransitGatewayRouteTables")]
    [TestCase("VpnGateways")]
    [TestCase("VpnConnections")]
    public void Ec2FilesEqualBoto3(string listing) =>
        Assert.That(JsonDiff.Between(_boto3[listing], JsonNode.Parse(_files.Files[$"{listing}.json"])), Is.Empty);

    [TestCase("LoadBalancers", "elbv2/describe-load-balancers.json")]
    [TestCase("TargetGroups", "elbv2/describe-target-groups.json")]
    public void Elbv2FilesEqualBoto3(string listing, string file) =>
        Assert.That(JsonDiff.Between(_boto3[listing]![listing], JsonNode.Parse(_files.Files[file])![listing]), Is.Empty);

    [Test]
    public void The_reader_reads_what_connects_and_what_enters_as_declared()
    {
        var peering = Scope.Read<DescribeVpcPeeringConnectionsOutput>(AwsCalls.DescribeVpcPeeringConnections);
        var attachments = Scope.Read<DescribeTransitGatewayVpcAttachmentsOutput>(AwsCalls.DescribeTransitGatewayVpcAttachments);
        var vpn = Scope.Read<DescribeVpnConnectionsOutput>(AwsCalls.DescribeVpnConnections);
        var health = Scope.Read<TargetHealthListing>(AwsCalls.DescribeTargetHealth, AwsCalls.DescribeTargetHealth.KeyOf(Id("targetGroup")));
        var preserve = Scope.Read<TargetGroupAttributeListing>(AwsCalls.DescribeTargetGroupAttributes, AwsCalls.DescribeTargetGroupAttributes.KeyOf(Id("targetGroup")));
        var listeners = Scope.Read<ListenerListing>(AwsCalls.DescribeListeners, AwsCalls.DescribeListeners.KeyOf(Id("nlb")));
        var rules = Scope.Read<DescribeClientVpnAuthorizationRulesOutput>(AwsCalls.DescribeClientVpnAuthorizationRules, ClientVpn);
        var blackhole = Scope.Read<SearchTransitGatewayRoutesOutput>(AwsCalls.SearchTransitGatewayRoutes, Id("tgwTable"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(peering.TryGet(out var p, out var gap), Is.True, gap?.Describe());
            Assert.That(p!.VpcPeeringConnections.Single().Status.Code, Is.EqualTo("active"));
            Assert.That(attachments.TryGet(out var a, out gap), Is.True, gap?.Describe());
            Assert.That(a!.TransitGatewayVpcAttachments.Single(x => x.VpcId == Id("build")).SubnetIds, Is.EquivalentTo(new[] { Id("buildA"), Id("buildC") }));
            Assert.That(vpn.TryGet(out var v, out gap), Is.True, gap?.Describe());
            Assert.That(v!.VpnConnections.Single().VpnGatewayId, Is.EqualTo(Id("vgw")));
            Assert.That(health.TryGet(out var h, out gap), Is.True, gap?.Describe());
            Assert.That(h!.TargetHealthDescriptions.Single().Target.Id, Is.EqualTo("10.50.100.20"));
            Assert.That(preserve.TryGet(out var attributes, out gap), Is.True, gap?.Describe());
            Assert.That(attributes!.Value("preserve_client_ip.enabled"), Is.EqualTo("false"));
            Assert.That(listeners.TryGet(out var l, out gap), Is.True, gap?.Describe());
            Assert.That(l!.Listeners.Single().Port, Is.EqualTo(443));
            Assert.That(rules.TryGet(out var r, out gap), Is.True, gap?.Describe());
            Assert.That(r!.AuthorizationRules.Single().AccessAll, Is.True);
            Assert.That(blackhole.Gap?.Describe(), Does.Contain("names no attachment"), "moto's static routes name no attachment: a gap, never a blackhole");
        }
    }

    [Test]
    public void The_engine_follows_the_collected_vpn_peering_and_transit_gateway_association()
    {
        var engine = new PathEngine(NetworkModel.Build(_snapshot));
        var source = new PathSource.SubnetWithGroups(Id("buildA"), [Id("buildSg")]);
        PathAnswer Ask(string destination, int port) => engine.Ask(new PathQuery(source, [Cidr.Parse(destination)], Interval.Single(Protocols.Tcp),
            Interval.Single((UInt128)port), PathQuery.EphemeralPorts));

        var office = Ask("172.16.0.5", 22);
        var web = Ask("10.50.100.20", 443);
        var internet = Ask("192.0.2.10", 443);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(office.Paths.Single().End, Is.EqualTo(PathEnd.Edge), office.Describe());
            Assert.That(office.Paths.Single().Toward, Does.Contain($"premises over VPN {Id("vpn")}"));
            Assert.That(web.Verdict, Is.EqualTo(PathVerdict.Unreachable), web.Describe());
            Assert.That(web.Blocks.Single().Before.Select(b => b.Component), Has.Some.EqualTo(Id("peering")));
            Assert.That(web.Blocks.Single().Component, Does.Contain("security group ingress"));
            Assert.That(internet.Verdict, Is.EqualTo(PathVerdict.Unreachable), internet.Describe());
            var associated = Scope.Read<DescribeTransitGatewayAttachmentsOutput>(AwsCalls.DescribeTransitGatewayAttachments).TryGet(out var listed, out _)
                ? listed.TransitGatewayAttachments.Single(t => t.ResourceId == Id("build")).Association!.TransitGatewayRouteTableId : null;
            Assert.That(internet.Blocks.Single().Component, Does.StartWith($"{associated} (transit gateway {Id("tgw")})"));
            Assert.That(internet.Blocks.Single().Before.Select(b => b.Component), Has.Some.EqualTo(Id("buildAttachment")));
        }
    }
}
