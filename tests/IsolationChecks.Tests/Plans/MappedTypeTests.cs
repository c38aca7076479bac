using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Evaluation.Plans;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Plans;

/// <summary>
/// One plan per mapped resource type that had no case yet (test data under Plans/Cases/Mapped, in the documented
/// <c>terraform show -json</c> format with before, after and after_unknown), each judged against the embedded reference:
/// exactly the expected controls would newly fail, nothing else moves to inconclusive, every change is placed, and the
/// planned type is among the addresses responsible. Every file in the folder has a row here, and every row a file.
/// </summary>
public class MappedTypeTests
{
    private static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "IsolationChecks.Tests", "Plans", "Cases", "Mapped");

    /// <summary>
    /// Plan file → the controls it turns red, and the address the red verdicts must name. Peering is not transitive (builds
    /// reach GitLab's network, not its NAT gateway), an internet gateway without public addresses on the builds gives no path
    /// (only CB-2's route check fails), and a subnet no build project uses is no build subnet: those move no verdict.
    /// </summary>
    private static readonly (string Plan, string[] Red, string Address)[] Cases =
    [
        ("peering-build-to-gitlab", [], "aws_vpc_peering_connection.build_gitlab"),
        ("internet-gateway-route-in-build-subnet", ["CB-2"], "aws_route.build_1c_internet"),
        ("new-build-subnet-without-endpoint-route", [], "aws_subnet.build_1d"),
        ("network-acl-inline-drops-https-to-endpoints", ["EP-4"], "aws_network_acl.build"),
        ("iam-user-inline-policy-grants-push", ["IAM-1", "IAM-2"], "aws_iam_user_policy.isolated_pull_push"),
        ("iam-group-inline-policy-grants-push", ["IAM-1", "IAM-2"], "aws_iam_group_policy.auditors_push"),
        ("iam-user-policy-attachment-grants-push", ["IAM-1", "IAM-2"], "aws_iam_user_policy_attachment.isolated_pull_maintainer"),
        ("iam-group-policy-attachment-grants-push", ["IAM-1", "IAM-2"], "aws_iam_group_policy_attachment.auditors_maintainer"),
        ("iam-managed-policy-widened-to-push", ["IAM-1"], "aws_iam_policy.audit_read_only"),
        ("iam-policy-created-and-attached-grants-push", ["IAM-1", "IAM-2"], "aws_iam_policy.app_push"),
        ("security-group-rule-opens-gitlab-to-world", ["GL-1", "GL-2"], "aws_security_group_rule.gitlab_https_world"),
        ("route-table-inline-route-to-new-nat", ["CB-2"], "aws_route_table.build_1c"),
        ("nat-on-a-new-elastic-ip-with-its-address", ["CB-2"], "aws_route_table.build_1c"),
    ];

    public static IEnumerable<TestCaseData> Plans() =>
        Cases.Select(c => new TestCaseData(c.Plan, c.Red, c.Address).SetName($"{c.Plan} turns {(c.Red.Length == 0 ? "nothing" : string.Join(", ", c.Red))} red"));

    [TestCaseSource(nameof(Plans))]
    public async Task A_planned_change_of_a_mapped_type_turns_exactly_the_expected_controls_red(string plan, string[] red, string address)
    {
        var run = await PlanJudgementTests.JudgeAsync(Path.Combine(Folder, plan + ".json"));
        var report = run.Plan!;
        var described = string.Join('\n', report.Verdicts.Select(v => v.Describe()).Concat(report.Overlay.Unjudged.Select(u => u.Describe()))
            .Concat(report.Overlay.Unknowns.Select(u => u.Describe())).Concat(report.Overlay.NotInScope.Select(n => "not in scope: " + n)));

        Assert.That(report.WouldNewlyFail.Select(v => v.Change.Control).Distinct().Order(), Is.EqualTo(red), described);
        Assert.That(report.WouldNewlyFail.Select(v => v.Change.Before), Has.All.EqualTo(Status.Pass), described);
        Assert.That(report.WouldNewlyFail.SelectMany(v => v.Addresses), red.Length == 0 ? Is.Empty : Has.Member(address), described);
        Assert.That(report.WouldBecomeInconclusive, Is.Empty, described);
        Assert.That(report.Overlay.Unjudged.Concat<object>(report.Overlay.Unknowns), Is.Empty, described);
        Assert.That(report.Overlay.NotInScope, Is.Empty, "every change of the case lands in the audited evidence");
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(red.Length == 0 ? ExitCodes.GatePassed : ExitCodes.GateFailed), run.Gate.Describe());
    }

    [Test]
    public async Task A_name_several_audited_accounts_hold_is_not_guessed_when_the_plan_does_not_say_which_account()
    {
        // Both accounts have a group named auditors; without provider configurations the plan does not say which one it edits.
        var run = await JudgeEditedAsync("iam-group-policy-attachment-grants-push", WithoutProviders);

        var unjudged = run.Plan!.Overlay.Unjudged.Single();
        Assert.That(unjudged.Address, Is.EqualTo("aws_iam_group_policy_attachment.auditors_maintainer"));
        Assert.That(unjudged.Reason, Does.Contain("auditors is in more than one audited account (111111111111, 222222222222)"));
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.Undecided), run.Gate.Describe());
    }

    [Test]
    public async Task A_created_policy_whose_document_is_known_only_after_apply_leaves_the_iam_verdicts_undecided_naming_it()
    {
        var run = await JudgeEditedAsync("iam-policy-created-and-attached-grants-push", plan =>
        {
            var policy = plan["resource_changes"]!.AsArray().Single(c => c!["address"]!.GetValue<string>() == "aws_iam_policy.app_push")!["change"]!;
            policy["after"]!.AsObject().Remove("policy");
            policy["after_unknown"]!["policy"] = true;
        });
        var report = run.Plan!;

        Assert.That(report.WouldNewlyFail, Is.Empty, string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        Assert.That(report.Overlay.Unknowns.Select(u => u.Describe()), Is.EqualTo(new[] { "aws_iam_policy.app_push: policy is known only after apply" }));
        Assert.That(report.WouldBecomeInconclusive.Select(v => v.Change.Control).Distinct().Order(), Is.SupersetOf(new[] { "IAM-1", "IAM-2" }));
        Assert.That(report.WouldBecomeInconclusive.Select(v => v.Hypothetical!.Message), Has.All.Contains("aws_iam_policy.app_push: policy"));
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.Undecided), run.Gate.Describe());
    }

    [Test]
    public async Task A_created_policy_whose_account_the_plan_does_not_give_is_not_judged_and_neither_is_its_attachment()
    {
        var run = await JudgeEditedAsync("iam-policy-created-and-attached-grants-push", WithoutProviders);
        var report = run.Plan!;

        Assert.That(report.WouldNewlyFail, Is.Empty, string.Join('\n', report.Verdicts.Select(v => v.Describe())));
        Assert.That(report.Overlay.Unjudged.Select(u => u.Address), Does.Contain("aws_iam_policy.app_push"));
        Assert.That(report.Overlay.Unjudged.Single(u => u.Address == "aws_iam_policy.app_push").Reason, Does.Contain("does not say which account"));
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.Undecided), run.Gate.Describe());
    }

    [Test]
    public async Task A_new_nat_gateway_on_a_new_elastic_ip_fails_the_route_check_and_leaves_what_rests_on_its_address_undecided_naming_it()
    {
        var run = await PlanJudgementTests.JudgeAsync(Path.Combine(Folder, "..", "nat-on-a-new-elastic-ip.json"));
        var report = run.Plan!;
        var described = string.Join('\n', report.Verdicts.Select(v => v.Describe()).Concat(report.Overlay.Unknowns.Select(u => u.Describe())));

        Assert.That(report.WouldNewlyFail.Select(v => v.Change.Control).Distinct(), Is.EqualTo(new[] { "CB-2" }), described);
        Assert.That(report.Overlay.Unknowns.Select(u => (u.Address, u.Attribute)), Is.EqualTo(new[] { ("aws_eip.npm", "public_ip") }), described);
        Assert.That(report.Overlay.Unknowns.Single().Controls, Is.EquivalentTo(NatAddresses.PublicIpReadBy), described);
        Assert.That(report.WouldBecomeInconclusive.Select(v => v.Change.Control).Distinct(), Is.Not.Empty.And.SubsetOf(NatAddresses.PublicIpReadBy), described);
        Assert.That(report.WouldBecomeInconclusive.Select(v => v.Hypothetical!.Message), Has.All.Contains("aws_eip.npm: public_ip is known only after apply"), described);
        Assert.That(report.Overlay.Unjudged, Is.Empty, described);
        Assert.That(report.Overlay.Placed.Select(p => p.Address), Does.Contain("aws_eip.npm"), described);
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.GateFailed), run.Gate.Describe());
    }

    [Test]
    public async Task An_elastic_ip_associated_by_instance_alone_is_not_judged()
    {
        var run = await JudgeEditedAsync("nat-on-a-new-elastic-ip-with-its-address", plan =>
        {
            var association = System.Text.Json.Nodes.JsonNode.Parse("""
                { "address": "aws_eip_association.npm", "mode": "managed", "type": "aws_eip_association", "name": "npm",
                  "change": { "actions": ["create"], "before": null,
                              "after": { "instance_id": "i-0123456789abcdef0" },
                              "after_unknown": { "id": true, "allocation_id": true, "network_interface_id": true, "private_ip_address": true, "public_ip": true } } }
                """)!;
            plan["resource_changes"]!.AsArray().Add(association);
            plan["configuration"]!["root_module"]!["resources"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse("""
                { "address": "aws_eip_association.npm", "mode": "managed", "type": "aws_eip_association", "name": "npm", "provider_config_key": "aws",
                  "expressions": { "allocation_id": { "references": ["aws_eip.npm.id", "aws_eip.npm"] }, "instance_id": { "constant_value": "i-0123456789abcdef0" } } }
                """));
        });

        var unjudged = run.Plan!.Overlay.Unjudged.Single();
        Assert.That(unjudged.Address, Is.EqualTo("aws_eip_association.npm"));
        Assert.That(unjudged.Reason, Does.Contain("association by instance_id alone is not modelled"));
        Assert.That(new RunOutcome.Completed(run).ExitCode, Is.EqualTo(ExitCodes.GateFailed), "CB-2's failure outranks the change not judged");
    }

    /// <summary>The plan without provider configurations: it no longer says which account anything is in.</summary>
    private static void WithoutProviders(System.Text.Json.Nodes.JsonObject plan)
    {
        plan["configuration"]!.AsObject().Remove("provider_config");
        foreach (var resource in plan["configuration"]!["root_module"]!["resources"]!.AsArray().OfType<System.Text.Json.Nodes.JsonObject>())
            resource.Remove("provider_config_key");
    }

    /// <summary>Judges a case's plan after an edit (written to a temporary file, removed afterwards).</summary>
    private static async Task<RunResult> JudgeEditedAsync(string plan, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, plan + ".json")))!.AsObject();
        edit(document);
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document.ToJsonString());
        try
        {
            return await PlanJudgementTests.JudgeAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Every_plan_in_the_folder_has_its_expectation_and_every_expectation_its_plan() =>
        Assert.That(Directory.EnumerateFiles(Folder, "*.json").Select(Path.GetFileNameWithoutExtension).Order(), Is.EqualTo(Cases.Select(c => c.Plan).Order()));

    [Test]
    public void The_cases_cover_the_types_they_were_written_for() =>
        Assert.That(Cases.Select(c => c.Address.Split('.')[0]).Distinct(), Is.SubsetOf(PlanOverlay.MappedTypes));
}
