using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using IsolationChecks.Collection;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Plans;
using IsolationChecks.Posture;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Plans;

/// <summary>
/// The overlay is the evidence as the plan would leave it: for generated security group rules (any CIDR, protocol and
/// ports, on any of the reference's groups, inbound or outbound) planned as aws_vpc_security_group_*_rule, generated routes
/// (aws_route to an internet gateway, a NAT gateway or an endpoint) and generated network ACL entries (aws_network_acl_rule),
/// every control's verdicts on the overlay are exactly its verdicts on the snapshot edited by hand the way AWS would show
/// the change; and the overlay leaves the snapshot's own files untouched.
/// </summary>
public class PlanOverlayProperties
{
    private const string Dev = "accounts/111111111111/ap-northeast-1/";
    private const string Prd = "accounts/222222222222/ap-northeast-1/";

    private static readonly SnapshotFiles Reference = IsolationChecks.TestSupport.FixtureOverlay.FilesAsync(RepositoryPaths.Reference).GetAwaiter().GetResult();
    private static readonly PostureDocument Posture = PostureLoader.Parse(Reference.Files["posture.json"], Path.Combine(RepositoryPaths.Reference, "posture.json"));

    private sealed record Rule(string Scope, string Group, bool Egress, string Protocol, int From, int To, string Cidr)
    {
        public override string ToString() => $"{Group} {(Egress ? "egress" : "ingress")} {Protocol} {From}-{To} {Cidr}";
    }

    private static readonly Gen<string> Cidrs = Gen.OneOf(
        Gen.Const("0.0.0.0/0"),
        Gen.Select(Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[8, 32])
            .Select((a, b, c, d, bits) => $"{Masked(a, b, c, d, bits)}/{bits}"),
        OneOf("192.0.2.0/28", "198.51.100.20/32", "203.0.113.10/32", "10.20.0.0/16", "10.10.10.0/24"));

    private static Gen<T> OneOf<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static string Masked(int a, int b, int c, int d, int bits)
    {
        var value = (uint)(a << 24 | b << 16 | c << 8 | d) & (bits == 0 ? 0u : uint.MaxValue << (32 - bits));
        return $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";
    }

    private static readonly Gen<Rule> Rules =
        Gen.Select(
            OneOf((Dev, "sg-0af10ea0709bb96da"), (Dev, "sg-023c757925cd59f37"), (Prd, "sg-019f88fefafe6f55d"), (Prd, "sg-0b9d3591a8a11bea3")),
            Gen.Bool,
            OneOf("tcp", "udp", "-1"),
            OneOf((443, 443), (22, 22), (0, 65535), (1024, 65535)),
            Cidrs)
        .Select((group, egress, protocol, ports, cidr) => new Rule(group.Item1, group.Item2, egress, protocol, ports.Item1, ports.Item2, cidr));

    private static byte[] PlanOf(Rule rule)
    {
        var after = new JsonObject
        {
            ["security_group_id"] = rule.Group, ["ip_protocol"] = rule.Protocol, ["cidr_ipv4"] = rule.Cidr, ["cidr_ipv6"] = null, ["prefix_list_id"] = null,
            ["referenced_security_group_id"] = null, ["description"] = "generated",
            ["from_port"] = rule.Protocol == "-1" ? null : rule.From, ["to_port"] = rule.Protocol == "-1" ? null : rule.To,
        };
        var type = rule.Egress ? "aws_vpc_security_group_egress_rule" : "aws_vpc_security_group_ingress_rule";
        var plan = new JsonObject
        {
            ["format_version"] = "1.2",
            ["resource_changes"] = new JsonArray(new JsonObject
            {
                ["address"] = $"{type}.generated", ["mode"] = "managed", ["type"] = type, ["name"] = "generated",
                ["change"] = new JsonObject
                {
                    ["actions"] = new JsonArray("create"), ["before"] = null, ["after"] = after,
                    ["after_unknown"] = new JsonObject { ["id"] = true, ["arn"] = true, ["security_group_rule_id"] = true },
                },
            }),
        };
        return Encoding.UTF8.GetBytes(plan.ToJsonString());
    }

    /// <summary>The rule as describe-security-groups would show it once applied.</summary>
    private static SnapshotFiles Edited(Rule rule)
    {
        var path = rule.Scope + "SecurityGroups.json";
        var document = JsonNode.Parse(Reference.Files[path])!;
        var group = document["SecurityGroups"]!.AsArray().Single(g => g!["GroupId"]!.GetValue<string>() == rule.Group)!;
        var permissions = group[rule.Egress ? "IpPermissionsEgress" : "IpPermissions"]!.AsArray();
        var same = permissions.FirstOrDefault(p => p!["IpProtocol"]!.GetValue<string>() == rule.Protocol
                                                  && (rule.Protocol == "-1" || (p["FromPort"]?.GetValue<int>() == rule.From && p["ToPort"]?.GetValue<int>() == rule.To)));
        var range = new JsonObject { ["CidrIp"] = rule.Cidr, ["Description"] = "generated" };
        if (same is not null)
        {
            if (!same["IpRanges"]!.AsArray().Any(r => r!["CidrIp"]!.GetValue<string>() == rule.Cidr))
                same["IpRanges"]!.AsArray().Add(range);
        }
        else
        {
            var permission = new JsonObject
            {
                ["IpProtocol"] = rule.Protocol, ["IpRanges"] = new JsonArray(range), ["Ipv6Ranges"] = new JsonArray(), ["PrefixListIds"] = new JsonArray(),
                ["UserIdGroupPairs"] = new JsonArray(),
            };
            if (rule.Protocol != "-1")
            {
                permission["FromPort"] = rule.From;
                permission["ToPort"] = rule.To;
            }

            permissions.Add(permission);
        }

        var files = new Dictionary<string, byte[]>(Reference.Files) { [path] = Encoding.UTF8.GetBytes(document.ToJsonString()) };
        return Reference with { Files = files };
    }

    private static IReadOnlyList<(string, string, Status)> Verdicts(SnapshotFiles files)
    {
        var runner = new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System);
        return runner.EvaluateAsync(SnapshotReader.Read(files), Posture, "posture.json", CancellationToken.None).GetAwaiter().GetResult()
            .Select(f => (f.Control.Id, f.Resource.Id, f.Status)).Order().ToList();
    }

    [Test]
    public void A_planned_rule_is_judged_exactly_as_the_applied_rule_would_be() =>
        Rules.Sample(rule =>
        {
            var before = Reference.Files.ToDictionary(f => f.Key, f => Convert.ToHexString(f.Value));
            var overlay = PlanOverlay.Build(Reference, TerraformPlan.Read(PlanOf(rule), "generated.json"));

            Assert.That(overlay.Placed.Select(p => p.Address).Single(), Does.EndWith(".generated"), rule.ToString());
            Assert.That(overlay.Unknowns, Is.Empty, rule.ToString());
            Assert.That(Verdicts(overlay.Files), Is.EqualTo(Verdicts(Edited(rule))), rule.ToString());
            Assert.That(Reference.Files.ToDictionary(f => f.Key, f => Convert.ToHexString(f.Value)), Is.EqualTo(before), "the snapshot's files are untouched");
        }, iter: 25);

    private static byte[] PlanOf(string type, JsonObject after) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["format_version"] = "1.2",
        ["resource_changes"] = new JsonArray(new JsonObject
        {
            ["address"] = $"{type}.generated", ["mode"] = "managed", ["type"] = type, ["name"] = "generated",
            ["change"] = new JsonObject { ["actions"] = new JsonArray("create"), ["before"] = null, ["after"] = after, ["after_unknown"] = new JsonObject { ["id"] = true } },
        }),
    }.ToJsonString());

    private static SnapshotFiles EditedList(string path, string list, string idMember, string id, string member, JsonObject item)
    {
        var document = JsonNode.Parse(Reference.Files[path])!;
        document[list]!.AsArray().Single(x => x![idMember]!.GetValue<string>() == id)![member]!.AsArray().Add(item);
        return Reference with { Files = new Dictionary<string, byte[]>(Reference.Files) { [path] = Encoding.UTF8.GetBytes(document.ToJsonString()) } };
    }

    private static bool Holds(string path, string list, string idMember, string id, string member, Func<JsonNode, bool> match) =>
        JsonNode.Parse(Reference.Files[path])![list]!.AsArray().Single(x => x![idMember]!.GetValue<string>() == id)![member]!.AsArray().Any(x => match(x!));

    private static void SameVerdicts(byte[] plan, SnapshotFiles edited, string what)
    {
        var overlay = PlanOverlay.Build(Reference, TerraformPlan.Read(plan, "generated.json"));
        Assert.That(overlay.Placed, Has.Count.EqualTo(1), what);
        Assert.That(overlay.Unknowns, Is.Empty, what);
        Assert.That(Verdicts(overlay.Files), Is.EqualTo(Verdicts(edited)), what);
    }

    [Test]
    public void A_planned_route_is_judged_exactly_as_the_applied_route_would_be() =>
        Gen.Select(
                OneOf((Prd, "rtb-0d13d05d8165bee13"), (Prd, "rtb-040db9a243c261ebc"), (Prd, "rtb-0c90928f2c242f644"), (Dev, "rtb-03ee72a519e0b4061"), (Dev, "rtb-056de455e27598e97")),
                OneOf(("gateway_id", "GatewayId", "igw-02963ad2c55c2480d"), ("nat_gateway_id", "NatGatewayId", "nat-0ba146328338d5775"),
                    ("vpc_endpoint_id", "GatewayId", "vpce-0983e2d4f20c1c6e1")),
                Cidrs)
            .Sample((table, target, cidr) =>
            {
                var path = table.Item1 + "RouteTables.json";
                if (Holds(path, "RouteTables", "RouteTableId", table.Item2, "Routes", r => r["DestinationCidrBlock"]?.GetValue<string>() == cidr))
                    return; // AWS refuses a second route to the same destination
                var after = new JsonObject { ["route_table_id"] = table.Item2, ["destination_cidr_block"] = cidr, [target.Item1] = target.Item3 };
                var route = new JsonObject { ["DestinationCidrBlock"] = cidr, [target.Item2] = target.Item3, ["Origin"] = "CreateRoute", ["State"] = "active" };
                SameVerdicts(PlanOf("aws_route", after), EditedList(path, "RouteTables", "RouteTableId", table.Item2, "Routes", route), $"{table.Item2} {cidr} -> {target.Item3}");
            }, iter: 20);

    [Test]
    public void A_planned_network_acl_entry_is_judged_exactly_as_the_applied_entry_would_be() =>
        Gen.Select(
                OneOf((Prd, "acl-07102b1f09d29f0d4"), (Dev, "acl-05db89a5493b15b5d")),
                Gen.Int[1, 400],
                Gen.Bool,
                OneOf(("tcp", "6"), ("udp", "17"), ("-1", "-1")),
                Gen.Bool,
                Cidrs,
                OneOf((443, 443), (1024, 65535), (0, 65535)))
            .Sample((acl, number, egress, protocol, allow, cidr, ports) =>
            {
                var path = acl.Item1 + "NetworkAcls.json";
                if (Holds(path, "NetworkAcls", "NetworkAclId", acl.Item2, "Entries", x => x["RuleNumber"]!.GetValue<int>() == number && x["Egress"]!.GetValue<bool>() == egress))
                    return; // AWS refuses a second entry with the same number and direction
                var after = new JsonObject
                {
                    ["network_acl_id"] = acl.Item2, ["rule_number"] = number, ["egress"] = egress, ["protocol"] = protocol.Item1, ["rule_action"] = allow ? "allow" : "deny",
                    ["cidr_block"] = cidr, ["from_port"] = ports.Item1, ["to_port"] = ports.Item2,
                };
                var entry = new JsonObject { ["RuleNumber"] = number, ["Protocol"] = protocol.Item2, ["RuleAction"] = allow ? "allow" : "deny", ["Egress"] = egress, ["CidrBlock"] = cidr };
                if (protocol.Item2 is "6" or "17")
                    entry["PortRange"] = new JsonObject { ["From"] = ports.Item1, ["To"] = ports.Item2 };
                SameVerdicts(PlanOf("aws_network_acl_rule", after), EditedList(path, "NetworkAcls", "NetworkAclId", acl.Item2, "Entries", entry),
                    $"{acl.Item2} {number} {(egress ? "out" : "in")} {protocol.Item1} {ports} {cidr} {(allow ? "allow" : "deny")}");
            }, iter: 20);
}
