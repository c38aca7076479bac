using System.Text.Json.Nodes;
using IsolationChecks.Running;

namespace IsolationChecks.Tests.Plans;

/// <summary>
/// References through count, for_each and module instances: the configuration holds a resource once, the plan each of its
/// instances. A route taking a NAT gateway's id is judged with the gateway's stand-in when the reference names one instance
/// (inside the same module instance, or by a static index), and is undecided, naming the attribute, when it does not (a
/// dynamic index over several instances) — never the first instance guessed.
/// </summary>
public class PlanReferencesTests
{
    private static JsonObject Nat(string address, string module) => Change(address, module, "aws_nat_gateway", "npm",
        new JsonObject { ["allocation_id"] = "eipalloc-033a7f4d5fbe34165", ["connectivity_type"] = "public", ["subnet_id"] = "subnet-0ba1c848456a7183e" },
        new JsonObject { ["id"] = true, ["private_ip"] = true, ["public_ip"] = true, ["network_interface_id"] = true, ["association_id"] = true });

    private static JsonObject Route(string address, string module) => Change(address, module, "aws_route", "default",
        new JsonObject { ["route_table_id"] = "rtb-040db9a243c261ebc", ["destination_cidr_block"] = "0.0.0.0/0", ["gateway_id"] = null, ["transit_gateway_id"] = null },
        new JsonObject { ["id"] = true, ["nat_gateway_id"] = true, ["network_interface_id"] = true, ["instance_id"] = true, ["state"] = true, ["origin"] = true });

    private static JsonObject Change(string address, string module, string type, string name, JsonObject after, JsonObject unknown)
    {
        var change = new JsonObject
        {
            ["address"] = address, ["mode"] = "managed", ["type"] = type, ["name"] = name, ["provider_name"] = "registry.terraform.io/hashicorp/aws",
            ["change"] = new JsonObject { ["actions"] = new JsonArray("create"), ["before"] = null, ["after"] = after, ["after_unknown"] = unknown },
        };
        if (module.Length > 0)
            change["module_address"] = module;
        if (address.EndsWith(']'))
            change["index"] = address[(address.LastIndexOf('[') + 1)..^1].Trim('"') is var key && int.TryParse(key, out var n) ? n : key;
        return change;
    }

    /// <summary>The configuration of the route and the gateway, in the module call "net" when <paramref name="inModule"/>.</summary>
    private static JsonObject Configuration(bool inModule, params string[] routeReferences)
    {
        var resources = new JsonArray(
            new JsonObject
            {
                ["address"] = "aws_nat_gateway.npm", ["mode"] = "managed", ["type"] = "aws_nat_gateway", ["name"] = "npm", ["provider_config_key"] = "aws",
                ["expressions"] = new JsonObject { ["allocation_id"] = new JsonObject { ["constant_value"] = "eipalloc-033a7f4d5fbe34165" }, ["subnet_id"] = new JsonObject { ["constant_value"] = "subnet-0ba1c848456a7183e" } },
            },
            new JsonObject
            {
                ["address"] = "aws_route.default", ["mode"] = "managed", ["type"] = "aws_route", ["name"] = "default", ["provider_config_key"] = "aws",
                ["expressions"] = new JsonObject
                {
                    ["route_table_id"] = new JsonObject { ["constant_value"] = "rtb-040db9a243c261ebc" }, ["destination_cidr_block"] = new JsonObject { ["constant_value"] = "0.0.0.0/0" },
                    ["nat_gateway_id"] = new JsonObject { ["references"] = new JsonArray(routeReferences.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()) },
                },
            });
        var module = new JsonObject { ["resources"] = resources };
        return inModule ? new JsonObject { ["module_calls"] = new JsonObject { ["net"] = new JsonObject { ["source"] = "./net", ["count_expression"] = new JsonObject { ["constant_value"] = 1 }, ["module"] = module } } } : module;
    }

    public static IEnumerable<TestCaseData> Resolved()
    {
        yield return new TestCaseData(new JsonArray(Nat("module.net[0].aws_nat_gateway.npm", "module.net[0]"), Route("module.net[0].aws_route.default", "module.net[0]")),
                Configuration(true, "aws_nat_gateway.npm.id", "aws_nat_gateway.npm"), "module.net[0].aws_nat_gateway.npm")
            .SetName("Inside a module instance a reference is to that instance's resource");
        yield return new TestCaseData(new JsonArray(Nat("aws_nat_gateway.npm[0]", ""), Nat("aws_nat_gateway.npm[1]", ""), Route("aws_route.default", "")),
                Configuration(false, "aws_nat_gateway.npm[1].id", "aws_nat_gateway.npm[1]", "aws_nat_gateway.npm"), "aws_nat_gateway.npm[1]")
            .SetName("A static index names its instance");
        yield return new TestCaseData(new JsonArray(Nat("aws_nat_gateway.npm[\"a.b\"]", ""), Nat("aws_nat_gateway.npm[\"c\"]", ""), Route("aws_route.default", "")),
                Configuration(false, "aws_nat_gateway.npm[\"a.b\"].id", "aws_nat_gateway.npm[\"a.b\"]", "aws_nat_gateway.npm"), "aws_nat_gateway.npm[\"a.b\"]")
            .SetName("A for_each key, dots and all, names its instance");
    }

    private static async Task<RunResult> JudgeAsync(JsonArray changes, JsonObject configuration)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, new JsonObject
        {
            ["format_version"] = "1.2", ["resource_changes"] = changes, ["configuration"] = new JsonObject { ["root_module"] = configuration },
        }.ToJsonString());
        try
        {
            return await PlanJudgementTests.JudgeAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestCaseSource(nameof(Resolved))]
    public async Task A_reference_naming_one_instance_takes_its_stand_in(JsonArray changes, JsonObject configuration, string gateway)
    {
        var report = (await JudgeAsync(changes, configuration)).Plan!;
        var described = string.Join('\n', report.Verdicts.Select(v => v.Describe()).Concat(report.Overlay.Unknowns.Select(u => u.Describe())));

        Assert.That(report.Overlay.Unknowns, Is.Empty, described);
        Assert.That(report.WouldNewlyFail.Select(v => v.Change.Control).Distinct(), Is.EqualTo(new[] { "CB-2" }), described);
        Assert.That(report.WouldNewlyFail.Select(v => v.Hypothetical!.Message), Has.All.Contain(report.Overlay.StandIns[gateway]), described);
    }

    [Test]
    public async Task A_dynamic_index_over_several_instances_leaves_the_verdicts_undecided_naming_the_attribute()
    {
        // nat_gateway_id = aws_nat_gateway.npm[count.index].id: Terraform lists the resource, not which instance.
        var report = (await JudgeAsync(new JsonArray(Nat("aws_nat_gateway.npm[0]", ""), Nat("aws_nat_gateway.npm[1]", ""), Route("aws_route.default[0]", "")),
            Configuration(false, "aws_nat_gateway.npm", "count.index"))).Plan!;
        var described = string.Join('\n', report.Verdicts.Select(v => v.Describe()));

        Assert.That(report.Overlay.Unknowns.Select(u => (u.Address, u.Attribute)), Is.EqualTo(new[] { ("aws_route.default[0]", "nat_gateway_id") }));
        Assert.That(report.WouldNewlyFail, Is.Empty, described);
        Assert.That(report.WouldBecomeInconclusive.Select(v => v.Change.Control), Has.Member("CB-2"), described);
        Assert.That(report.WouldBecomeInconclusive.Select(v => v.Hypothetical!.Message), Has.All.Contain("aws_route.default[0]: nat_gateway_id is known only after apply"));
    }
}
