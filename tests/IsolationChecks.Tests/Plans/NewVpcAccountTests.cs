using System.Text;
using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Plans;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Plans;

/// <summary>
/// A plan does not say which account a new VPC lands in. The plan "a transit gateway route to a new VPC" (Plans/Cases) is
/// judged with the account stated, inferred or missing in each way the suite reads it: the provider's assume_role role_arn,
/// its single allowed_account_ids, the audited resources the same provider configuration manages, the provider of the
/// resources created in the VPC, the one account a snapshot holds. Stated or inferred, the new network is placed in the
/// network account and CB-2 and CB-3 fail; missing or contradictory, the VPC is not judged, the reason names the address and
/// what is missing, and what rests on it is undecided — never a guess.
/// </summary>
public class NewVpcAccountTests
{
    private const string Network = "aws.network";

    private static JsonObject Provider(JsonObject plan, string key) =>
        plan["configuration"]!["provider_config"]![key]!["expressions"]!.AsObject();

    private static IEnumerable<JsonObject> Resources(JsonObject plan) => plan["configuration"]!["root_module"]!["resources"]!.AsArray().OfType<JsonObject>();

    private static void Unstate(JsonObject plan, string key) => Provider(plan, key).Remove("assume_role");

    /// <summary>Moves resources to a new provider configuration that states nothing.</summary>
    private static void Move(JsonObject plan, string key, params string[] addresses)
    {
        plan["configuration"]!["provider_config"]![key] = new JsonObject { ["name"] = "aws", ["alias"] = key.Split('.')[1], ["expressions"] = new JsonObject() };
        foreach (var resource in Resources(plan).Where(r => addresses.Contains(r["address"]!.GetValue<string>())))
            resource["provider_config_key"] = key;
    }

    public static IEnumerable<TestCaseData> Placed()
    {
        yield return new TestCaseData((Action<JsonObject>)(_ => { })).SetName("Placed by the provider's assume_role role_arn");
        yield return new TestCaseData((Action<JsonObject>)(p =>
        {
            Unstate(p, Network);
            Provider(p, Network)["allowed_account_ids"] = new JsonObject { ["constant_value"] = new JsonArray("111111111111") };
        })).SetName("Placed by the provider's single allowed_account_ids");
        yield return new TestCaseData((Action<JsonObject>)(p => Unstate(p, Network)))
            .SetName("Placed by the audited transit gateway route table the same provider configuration manages");
        yield return new TestCaseData((Action<JsonObject>)(p => Move(p, "aws.unstated", "aws_vpc.egress")))
            .SetName("Placed by the provider of the subnets, tables and attachment created in it");
    }

    public static IEnumerable<TestCaseData> Undetermined()
    {
        yield return new TestCaseData((Action<JsonObject>)(p =>
        {
            Unstate(p, Network);
            Move(p, "aws.hub", "aws_ec2_transit_gateway_route.default_to_egress");
        }), "the plan does not say which account").SetName("Undetermined when no provider states it and the snapshot holds two accounts");
        yield return new TestCaseData((Action<JsonObject>)(p =>
        {
            foreach (var resource in Resources(p).Where(r => r["address"]!.GetValue<string>() == "aws_subnet.egress_public"))
                resource["provider_config_key"] = "aws";
        }), "the plan points to more than one account").SetName("Undetermined when the plan points to two accounts");
    }

    private static async Task<RunResult> JudgeAsync(Action<JsonObject> edit)
    {
        var plan = JsonNode.Parse(await File.ReadAllTextAsync(PlanJudgementTests.Case("tgw-route-to-a-new-vpc")))!.AsObject();
        edit(plan);
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, plan.ToJsonString());
        try
        {
            using var based = await IsolationChecks.TestSupport.FixtureOverlay.MaterialiseAsync(
                Path.Combine(RepositoryPaths.Root, "tests", "IsolationChecks.Tests", "Plans", "Bases", "build-on-transit-gateway"));
            return await PlanJudgementTests.JudgeAsync(file, based.Folder);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Describe(PlanReport report) => string.Join('\n', report.Verdicts.Select(v => v.Describe())
        .Concat(report.Overlay.Unjudged.Select(u => u.Describe())).Concat(report.Overlay.Unknowns.Select(u => u.Describe())));

    [TestCaseSource(nameof(Placed))]
    public async Task A_new_vpc_whose_account_the_plan_gives_is_placed_there_and_judged(Action<JsonObject> edit)
    {
        var run = await JudgeAsync(edit);
        var report = run.Plan!;

        Assert.That(report.Overlay.Placed.Single(p => p.Address == "aws_vpc.egress").Files, Does.Contain("accounts/111111111111/ap-northeast-1/Vpcs.json"), Describe(report));
        Assert.That(report.WouldNewlyFail.Select(v => v.Change.Control).Distinct().Order(), Is.EqualTo(new[] { "CB-2", "CB-3" }), Describe(report));
        Assert.That(report.WouldBecomeInconclusive, Is.Empty, Describe(report));
        Assert.That(report.Overlay.Unjudged, Is.Empty, Describe(report));
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.GateFailed));
    }

    [TestCaseSource(nameof(Undetermined))]
    public async Task A_new_vpc_whose_account_cannot_be_determined_is_not_guessed(Action<JsonObject> edit, string why)
    {
        var run = await JudgeAsync(edit);
        var report = run.Plan!;

        var vpc = report.Overlay.Unjudged.Single(u => u.Address == "aws_vpc.egress");
        Assert.That(vpc.Reason, Does.Contain(why), Describe(report));
        Assert.That(report.Overlay.Placed.Select(p => p.Address), Does.Not.Contain("aws_vpc.egress").And.Not.Contain("aws_subnet.egress_attach"));
        Assert.That(report.Overlay.Unjudged.Select(u => u.Address), Does.Contain("aws_ec2_transit_gateway_vpc_attachment.egress"),
            "the attachment names the audited transit gateway and rests on the VPC");
        // The build route to the transit gateway is known and fails CB-2 on its own; whether it reaches the internet rests on the VPC.
        Assert.That(report.WouldNewlyFail.Select(v => v.Change.Control).Distinct(), Is.EqualTo(new[] { "CB-2" }), Describe(report));
        var cb3 = report.Verdicts.Where(v => v.Change.Control == "CB-3").ToList();
        Assert.That(cb3.Select(v => v.Change.After), Is.EqualTo(new[] { Status.Inconclusive, Status.Inconclusive }), Describe(report));
        Assert.That(cb3.Select(v => v.Hypothetical!.Message), Has.All.Contain("aws_ec2_transit_gateway_route.default_to_egress: transit_gateway_attachment_id")
            .And.All.Contain("aws_vpc.egress, which cannot be placed: " + why), Describe(report));
        Assert.That(report.WouldBecomeInconclusive.SelectMany(v => v.Addresses), Has.Member("aws_ec2_transit_gateway_route.default_to_egress"));
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.GateFailed), "CB-2's known failure outranks what is undecided");
    }

    [Test]
    public void A_snapshot_of_one_account_places_a_new_vpc_no_provider_names_in_that_account()
    {
        var files = IsolationChecks.TestSupport.FixtureOverlay.FilesAsync(
            Path.Combine(RepositoryPaths.Root, "tests", "IsolationChecks.Tests", "Plans", "Bases", "build-on-transit-gateway")).GetAwaiter().GetResult();
        var one = files with { Files = files.Files.Where(f => !f.Key.StartsWith("accounts/222222222222/", StringComparison.Ordinal)).ToDictionary() };
        // Written without provider configurations: nothing in the plan says where anything lands.
        var plan = JsonNode.Parse(File.ReadAllText(PlanJudgementTests.Case("tgw-route-to-a-new-vpc")))!.AsObject();
        plan["configuration"]!.AsObject().Remove("provider_config");
        foreach (var resource in Resources(plan))
            resource.Remove("provider_config_key");

        var overlay = PlanOverlay.Build(one, TerraformPlan.Read(Encoding.UTF8.GetBytes(plan.ToJsonString()), "one-account.json"));
        var twoAccounts = PlanOverlay.Build(files, TerraformPlan.Read(Encoding.UTF8.GetBytes(plan.ToJsonString()), "two-accounts.json"));

        Assert.That(overlay.Placed.Single(p => p.Address == "aws_vpc.egress").Files, Does.Contain("accounts/111111111111/ap-northeast-1/Vpcs.json"));
        Assert.That(twoAccounts.Unjudged.Single(u => u.Address == "aws_vpc.egress").Reason, Does.Contain("the plan does not say which account"),
            "the same plan over two accounts cannot place it");
    }
}
