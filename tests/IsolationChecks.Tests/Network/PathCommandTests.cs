using System.Reflection;
using System.Text.Json;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Cli;
using IsolationChecks.Cli.Commands;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;
using IsolationChecks.Tests.Support;
using static IsolationChecks.Tests.Support.BuildNetwork;

namespace IsolationChecks.Tests.Network;

/// <summary>`isolationchecks path`: argument parsing, and the output against in-memory snapshots.</summary>
public class PathCommandTests
{
    [TestCase("10.0.10.11:443/tcp", "10.0.10.11", 6, 443)]
    [TestCase("10.0.10.11:53/udp", "10.0.10.11", 17, 53)]
    [TestCase("10.0.10.11:443", "10.0.10.11", 6, 443)]
    [TestCase("[2001:db8::1]:443", "2001:db8::1", 6, 443)]
    [TestCase("eni-0abc:22/tcp", "eni-0abc", 6, 22)]
    [TestCase("10.0.10.11:500/17", "10.0.10.11", 17, 500)]
    [TestCase("arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/net/gitlab/0123456789abcdef:443/tcp",
        "arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/net/gitlab/0123456789abcdef", 6, 443)]
    [TestCase("loadbalancer/gitlab:22", "loadbalancer/gitlab", 6, 22)]
    public void Targets_split_into_address_protocol_and_port(string text, string target, int protocol, int port)
    {
        var (parsedTarget, parsedProtocol, parsedPorts) = PathArguments.SplitTarget(text);

        Assert.That(parsedTarget, Is.EqualTo(target));
        Assert.That(parsedProtocol, Is.EqualTo(Interval.Single((UInt128)protocol)));
        Assert.That(parsedPorts, Is.EqualTo(Interval.Single((UInt128)port)));
    }

    [TestCase("10.0.0.0/16")]
    [TestCase("2001:db8::/32")]
    [TestCase("internet")]
    [TestCase("10.0.0.0/16/all")]
    public void A_target_without_port_or_protocol_means_all_traffic(string text)
    {
        var (target, protocol, ports) = PathArguments.SplitTarget(text);

        Assert.That(target, Is.EqualTo(text.Replace("/all", "", StringComparison.Ordinal)));
        Assert.That(protocol, Is.EqualTo(Interval.AllProtocols));
        Assert.That(ports, Is.EqualTo(Interval.AllPorts));
    }

    [Test]
    public void Sources_are_interfaces_instances_or_a_subnet_with_security_groups()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PathArguments.ParseSource("eni-1"), Is.EqualTo(new PathSource.Interface("eni-1")));
            Assert.That(PathArguments.ParseSource("i-1"), Is.EqualTo(new PathSource.Instance("i-1")));
            var build = (PathSource.SubnetWithGroups)PathArguments.ParseSource("subnet-1+sg-a+sg-b");
            Assert.That(build.SubnetId, Is.EqualTo("subnet-1"));
            Assert.That(build.SecurityGroupIds, Is.EqualTo(new[] { "sg-a", "sg-b" }));
        }
    }

    [TestCase(new[] { "--from", "eni-1", "--to", "10.0.0.1" }, "--snapshot DIR is required")]
    [TestCase(new[] { "--snapshot", "s", "--to", "10.0.0.1" }, "exactly one of --from and --from-internet")]
    [TestCase(new[] { "--snapshot", "s", "--from", "vpc-1", "--to", "10.0.0.1" }, "--from expects eni-")]
    [TestCase(new[] { "--snapshot", "s", "--from", "subnet-1+vpc-2", "--to", "10.0.0.1" }, "not a security group id")]
    [TestCase(new[] { "--snapshot", "s", "--from", "eni-1", "--to", "10.0.0.1:99999" }, "is not a port")]
    [TestCase(new[] { "--snapshot", "s", "--from", "eni-1", "--to", "example.com" }, "an IP address, a CIDR or 'internet'")]
    [TestCase(new[] { "--snapshot", "s", "--from-internet", "192.0.2.1", "--to", "vpc-1" }, "must be a network interface")]
    [TestCase(new[] { "--snapshot", "s", "--from", "subnet-1", "--to", "10.0.0.1" }, "name the security groups of the interface too (subnet-1+sg-...)")]
    [TestCase(new[] { "--snapshot", "s", "--from", "eni-1", "--to", "10.0.0.1:80/icmp" }, "icmp has no ports")]
    [TestCase(new[] { "--snapshot", "s", "--from", "eni-1", "--to", "10.0.0.1/300" }, "not an IP protocol number")]
    [TestCase(new[] { "--snapshot", "s", "--from", "eni-1", "--to", "10.0.0.1", "--verbose" }, "unknown option '--verbose'")]
    [TestCase(new[] { "--snapshot", "s", "--from", "eni-1", "--to" }, "--to needs a value")]
    public void Mistakes_are_usage_errors_that_say_what_is_wrong(string[] args, string message)
    {
        Assert.That(() => PathArguments.Parse(args), Throws.TypeOf<UsageException>().With.Message.Contains(message));
    }

    [Test]
    public async Task The_tool_rejects_an_unknown_command_with_exit_code_2_and_points_to_the_usage()
    {
        var run = await Cli.ToolRun.RunAsync("paths");

        Assert.That(run.Code, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(run.Error, Does.Contain("paths").And.Contain("--help"));
    }

    [Test]
    public async Task A_usage_mistake_prints_the_usage_and_exits_2()
    {
        var run = await Cli.ToolRun.RunAsync("path", "--from", "eni-1");

        Assert.That(run.Code, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(run.Error, Does.Contain("--snapshot DIR is required").And.Contain("usage: isolationchecks path"));
    }

    private static Snapshot SnapshotOf(NetworkScope network) => new("test", null, [network.Build()], IntegrityReport.Unverified);

    private static NetworkScope WithNatRoute()
    {
        var network = Compliant();
        network.Replace(network.RouteTables, t => t.RouteTableId == "rtb-private",
            t => t with { Routes = [.. t.Routes!, NetworkScope.RouteTo("0.0.0.0/0", NatGatewayId: Nat)] });
        return network;
    }

    [Test]
    public void A_reachable_answer_prints_every_hop_numbered()
    {
        var arguments = PathArguments.Parse(["--snapshot", ".", "--from", $"{BuildA}+{BuildGroup}", "--to", "198.51.100.7:443/tcp"]);

        var answer = PathCommand.Answer(SnapshotOf(WithNatRoute()), arguments, out var scope);
        var text = PathOutput.Text(answer, scope);

        Assert.That(PathCommand.ExitCode(answer.Verdict), Is.EqualTo(ExitCodes.Affirmative));
        Assert.That(text, Does.Contain("verdict: reachable").And.Contain("path to igw-build (internet)")
            .And.Contain(" 1. subnet-build-a (an interface with sg-build) security group egress")
            .And.Contain("nat-public: NAT gateway in subnet-public"));
    }

    [Test]
    public void An_unreachable_answer_prints_the_blocking_points_and_json_carries_the_same()
    {
        var arguments = PathArguments.Parse(["--snapshot", ".", "--from", $"{BuildA}+{BuildGroup}", "--to", "internet", "--json"]);

        var answer = PathCommand.Answer(SnapshotOf(Compliant()), arguments, out var scope);
        var text = PathOutput.Text(answer, scope);
        using var json = JsonDocument.Parse(PathOutput.Json(answer, scope));

        // The compliant network reaches S3 through its gateway endpoint and nothing else.
        Assert.That(answer.Paths.Select(p => p.End), Is.All.EqualTo(PathEnd.GatewayEndpoint));
        Assert.That(text, Does.Contain("path to vpce-s3 (gateway-endpoint)").And.Contain("blocked at (for the traffic no path above carries):").And.Contain("no route covers the destination"));
        Assert.That(json.RootElement.GetProperty("verdict").GetString(), Is.EqualTo("reachable"));
        Assert.That(json.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("reason").GetString()),
            Has.Some.Contains("no route covers the destination"));
        Assert.That(json.RootElement.GetProperty("account").GetString(), Is.EqualTo("222222222222"));
    }

    [Test]
    public void From_the_internet_to_an_interface_without_public_ip_is_unreachable_with_exit_code_1()
    {
        var network = Compliant();
        network.NetworkInterfaces.Add(NetworkScope.Interface("eni-private", BuildA, VpcId, "10.0.1.20", [BuildGroup]));
        var arguments = PathArguments.Parse(["--snapshot", ".", "--from-internet", "192.0.2.1", "--to", "eni-private:443/tcp"]);

        var answer = PathCommand.Answer(SnapshotOf(network), arguments, out var scope);

        Assert.That(PathCommand.ExitCode(answer.Verdict), Is.EqualTo(ExitCodes.Negative));
        Assert.That(PathOutput.Text(answer, scope), Does.Contain("has no public IPv4 address"));
    }

    private static readonly string Fixtures = Path.Combine(
        typeof(PathCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!, "Fixtures");

    [Test]
    public async Task End_to_end_on_the_reference_the_build_subnets_reach_no_internet_address()
    {
        var run = await Cli.ToolRun.RunAsync(
            "path", "--snapshot", Path.Combine(Fixtures, "reference"), "--from", "subnet-0116e35e8be4204c4+sg-019f88fefafe6f55d", "--to", "93.184.216.34:443/tcp");

        Assert.That(run.Code, Is.EqualTo(ExitCodes.Negative), run.ToString());
        Assert.That(run.Output, Does.Contain("scope: 222222222222 ap-northeast-1").And.Contain("verdict: unreachable")
            .And.Contain("security group egress: no rule of sg-019f88fefafe6f55d admits it"));
    }

    [Test]
    public async Task End_to_end_on_the_nat_path_overlay_the_json_names_every_hop_to_the_internet_gateway()
    {
        using var fixture = await IsolationChecks.TestSupport.FixtureOverlay.MaterialiseAsync(Path.Combine(Fixtures, "violations", "CB-3-nat-path"));

        var run = await Cli.ToolRun.RunAsync(
            "path", "--snapshot", fixture.Folder, "--from", "subnet-0116e35e8be4204c4+sg-019f88fefafe6f55d", "--to", "93.184.216.34:443/tcp", "--json");
        var code = run.Code;

        using var json = JsonDocument.Parse(run.Output);
        var hops = json.RootElement.GetProperty("paths")[0].GetProperty("hops").EnumerateArray().Select(h => h.GetProperty("component").GetString()).ToList();
        Assert.That(code, Is.EqualTo(ExitCodes.Affirmative));
        Assert.That(string.Join(" > ", hops), Does.Match("rtb-040db9a243c261ebc.*acl-07102b1f09d29f0d4.*nat-0c3f5e7a9b1d2f405.*rtb-0a9b8c7d6e5f40312.*igw-07e1c2d3b4a5f6071"));
        Assert.That(hops.Count(h => h!.Contains("return traffic", StringComparison.Ordinal)), Is.EqualTo(3), "NAT subnet in, NAT subnet out, build subnet in");
    }

    [Test]
    public void A_source_that_no_scope_holds_is_a_usage_error_in_a_multi_scope_snapshot()
    {
        var snapshot = new Snapshot("test", null, [Compliant().Build(), new NetworkScope { AccountId = "111111111111" }.Build()], IntegrityReport.Unverified);

        Assert.That(() => PathCommand.Answer(snapshot, PathArguments.Parse(["--snapshot", ".", "--from", "eni-nowhere", "--to", "10.0.0.1"]), out _),
            Throws.TypeOf<UsageException>().With.Message.Contains("--account and --region"));
    }
}

/// <summary>`isolationchecks path` on the questions engine v2 answers: across accounts, from outside to a load balancer or an address, protocol numbers.</summary>
public class PathCommandTransitTests
{
    private static readonly string Fixtures = Path.Combine(
        typeof(PathCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!, "Fixtures");

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var run = await Cli.ToolRun.RunAsync(["path", .. args]);
        return (run.Code, run.Output + run.Error);
    }

    [Test]
    public async Task A_question_follows_a_transit_gateway_into_another_account_and_prints_name_tags()
    {
        using var fixture = await IsolationChecks.TestSupport.FixtureOverlay.MaterialiseAsync(Path.Combine(Fixtures, "violations", "CB-3-tgw-to-egress-vpc"));
        var (code, output) = await RunAsync("--snapshot", fixture.Folder,
            "--from", "subnet-0116e35e8be4204c4+sg-019f88fefafe6f55d", "--to", "93.184.216.34:443/tcp");

        Assert.That(code, Is.EqualTo(ExitCodes.Affirmative), output);
        Assert.That(output, Does.Contain("scope: 222222222222 ap-northeast-1")
            .And.Contain("tgw-rtb-0c1d2e3f4a5b6c7d8 [shared-rt]")
            .And.Contain("nat-0ba146328338d5775 [gitlab-nat-1a]")
            .And.Contain("igw-02963ad2c55c2480d [gitlab-igw]: internet gateway attached to vpc-09e8a6b349374e463"));
    }

    [Test]
    public async Task From_the_internet_to_a_load_balancer_by_name_and_to_the_host_behind_it()
    {
        using var fixture = await IsolationChecks.TestSupport.FixtureOverlay.MaterialiseAsync(Path.Combine(Fixtures, "violations", "GL-2-nlb-without-security-groups"));
        var snapshot = fixture.Folder;

        var (toLoadBalancer, lbOutput) = await RunAsync("--snapshot", snapshot, "--from-internet", "198.51.100.7", "--to", "loadbalancer/gitlab-nlb:443", "--json");
        var (toHost, hostOutput) = await RunAsync("--snapshot", snapshot, "--from-internet", "198.51.100.7", "--to", "10.10.10.24:443/tcp");
        var (notListening, closedOutput) = await RunAsync("--snapshot", snapshot, "--from-internet", "198.51.100.7", "--to", "loadbalancer/gitlab-nlb:8443");

        using var json = JsonDocument.Parse(lbOutput);
        Assert.That(toLoadBalancer, Is.EqualTo(ExitCodes.Affirmative), lbOutput);
        Assert.That(json.RootElement.GetProperty("paths")[0].GetProperty("entry").GetString(), Is.EqualTo("igw-02963ad2c55c2480d"));
        Assert.That(toHost, Is.EqualTo(ExitCodes.Affirmative), hostOutput);
        Assert.That(hostOutput, Does.Contain("entering at igw-02963ad2c55c2480d").And.Contain("network load balancer (internet-facing) listener TCP:443")
            .And.Contain("the target sees the load balancer's address 10.10.0.77"));
        Assert.That(notListening, Is.EqualTo(ExitCodes.Negative), closedOutput);
        Assert.That(closedOutput, Does.Contain("gitlab-nlb: listens only on TCP:443"));
    }

    [Test]
    public void A_protocol_number_and_all_are_protocols_and_a_port_on_icmp_is_refused()
    {
        var (_, gre, _) = PathArguments.SplitTarget("10.0.0.0/16/47");
        var (_, all, ports) = PathArguments.SplitTarget("10.0.0.1/all");

        Assert.That(gre, Is.EqualTo(Interval.Single(47)));
        Assert.That(all, Is.EqualTo(Interval.AllProtocols));
        Assert.That(ports, Is.EqualTo(Interval.AllPorts));
        Assert.That(() => PathArguments.SplitTarget("10.0.0.1:7/icmp"), Throws.TypeOf<UsageException>().With.Message.Contains("icmp has no ports"));
    }

    [Test]
    public async Task An_address_nothing_holds_is_a_usage_error()
    {
        var (code, output) = await RunAsync("--snapshot", Path.Combine(Fixtures, "reference"), "--from-internet", "198.51.100.7", "--to", "10.99.0.1:443");

        Assert.That(code, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(output, Does.Contain("no network interface in the snapshot holds 10.99.0.1"));
    }
}
