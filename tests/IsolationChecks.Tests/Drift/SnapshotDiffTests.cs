using System.Text.Json.Nodes;
using CsCheck;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Drift;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Drift;

/// <summary>
/// Drift between the reference and a copy with generated changes reports exactly those changes: each kind the issue names
/// (security group rules, routes, network ACL entries, endpoint settings, repository policies, IAM policies and group
/// memberships of the principals in scope, resources added and removed) is detected, and nothing else is, including
/// changes the controls never read (a member no shape declares, a principal outside the posture).
/// </summary>
public class SnapshotDiffTests
{
    private const string Prd = "accounts/222222222222/ap-northeast-1/";
    private const string Dev = "accounts/111111111111/ap-northeast-1/";

    /// <summary>What a generated change must be reported as: category, resource and kind.</summary>
    private sealed record Expected(string Category, string Resource, ChangeKind Kind)
    {
        public override string ToString() => $"{Category} {Resource} {Kind}";
    }

    /// <summary>
    /// One generated change: what it edits (two edits of the same thing would merge into one report), the edit, and what
    /// drift must report for it (nothing, for changes no control reads).
    /// </summary>
    private sealed record Mutation(string Name, string Target, Action<ReferenceVariant> Apply, IReadOnlyList<Expected> Reports)
    {
        public override string ToString() => Name;
    }

    private static JsonObject Rule(string protocol, int port, string cidr) => new()
    {
        ["IpProtocol"] = protocol, ["FromPort"] = port, ["ToPort"] = port, ["IpRanges"] = new JsonArray(new JsonObject { ["CidrIp"] = cidr }),
        ["Ipv6Ranges"] = new JsonArray(), ["PrefixListIds"] = new JsonArray(), ["UserIdGroupPairs"] = new JsonArray(),
    };

    private static JsonNode Find(JsonNode document, string list, string key, string id) =>
        document[list]!.AsArray().First(n => n![key]!.GetValue<string>() == id)!;

    /// <summary>Every kind of change, each drawn with its own parameters (a port, an address, which resource).</summary>
    private static Gen<Mutation> Mutations { get; } = Gen.OneOf(
        Gen.Select(Gen.Int[1, 65535], Gen.Int[1, 223], (port, octet) => new Mutation($"inbound rule tcp {port} from {octet}.0.0.0/8", "sg-0ba8243cdeea897aa",
            v => v.Edit(Prd + "SecurityGroups.json", d => Find(d, "SecurityGroups", "GroupId", "sg-0ba8243cdeea897aa")["IpPermissions"]!.AsArray().Add(Rule("tcp", port, $"{octet}.0.0.0/8"))),
            [new("security group rule (inbound)", "sg-0ba8243cdeea897aa", ChangeKind.Added)])),
        Gen.Const(new Mutation("outbound rule removed", "sg-019f88fefafe6f55d",
            v => v.Edit(Prd + "SecurityGroups.json", d => Find(d, "SecurityGroups", "GroupId", "sg-019f88fefafe6f55d")["IpPermissionsEgress"]!.AsArray().RemoveAt(0)),
            [new("security group rule (outbound)", "sg-019f88fefafe6f55d", ChangeKind.Removed)])),
        Gen.Select(Gen.Int[1, 223], Gen.Int[0, 2], (octet, table) =>
        {
            var id = new[] { "rtb-0d13d05d8165bee13", "rtb-040db9a243c261ebc", "rtb-0c90928f2c242f644" }[table];
            return new Mutation($"route {octet}.0.0.0/8 in {id}", "route tables", v => v.Edit(Prd + "RouteTables.json", d => Find(d, "RouteTables", "RouteTableId", id)["Routes"]!.AsArray()
                .Add(new JsonObject { ["DestinationCidrBlock"] = $"{octet}.0.0.0/8", ["GatewayId"] = "igw-0123456789abcdef0", ["State"] = "active", ["Origin"] = "CreateRoute" })),
                [new("route", id, ChangeKind.Added)]);
        }),
        Gen.Int[0, 3].Select(entry => new Mutation($"network ACL entry {entry} denies instead", "acl-08dd8c9b78f554a3c",
            v => v.Edit(Prd + "NetworkAcls.json", d => Find(d, "NetworkAcls", "NetworkAclId", "acl-08dd8c9b78f554a3c")["Entries"]![entry]!["RuleAction"] =
                Find(d, "NetworkAcls", "NetworkAclId", "acl-08dd8c9b78f554a3c")["Entries"]![entry]!["RuleAction"]!.GetValue<string>() == "allow" ? "deny" : "allow"),
            [new("network ACL entry", "acl-08dd8c9b78f554a3c", ChangeKind.Removed), new("network ACL entry", "acl-08dd8c9b78f554a3c", ChangeKind.Added)])),
        Gen.Const(new Mutation("private DNS turned off", "vpce-0ac7c067379ff6ee1",
            v => v.Edit(Prd + "VpcEndpoints.json", d => Find(d, "VpcEndpoints", "VpcEndpointId", "vpce-0ac7c067379ff6ee1")["PrivateDnsEnabled"] = false),
            [new("VPC endpoint setting", "vpce-0ac7c067379ff6ee1", ChangeKind.Changed)])),
        Gen.Int[0, 999].Select(n => new Mutation($"repository policy grants account {n}", "app policy",
            v => v.Edit(Prd + "ecr/get-repository-policy/app.json", d =>
            {
                var policy = JsonNode.Parse(d["policyText"]!.GetValue<string>())!;
                policy["Statement"]!.AsArray().Add(new JsonObject
                {
                    ["Effect"] = "Allow", ["Principal"] = new JsonObject { ["AWS"] = $"arn:aws:iam::{n:000000000000}:root" }, ["Action"] = "ecr:BatchGetImage",
                });
                d["policyText"] = policy.ToJsonString();
            }),
            [new("repository policy", "app", ChangeKind.Added)])),
        Gen.Const(new Mutation("a repository policy where there was none", "base-images policy",
            v => v.Put(Prd + "ecr/get-repository-policy/base-images.json",
                """{"registryId":"222222222222","repositoryName":"base-images","policyText":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:*\"}]}"}"""),
            [new("resource", "base-images", ChangeKind.Added)])),
        Gen.Const(new Mutation("the pull principal joins a group", "isolated-pull groups",
            v => v.Edit(Prd + "iam/get-account-authorization-details.json", d => Find(d, "UserDetailList", "UserName", "isolated-pull")["GroupList"]!.AsArray().Add("auditors")),
            [new("IAM group membership", "isolated-pull", ChangeKind.Added)])),
        Gen.Int[1, 254].Select(octet => new Mutation($"the pull policy allows 198.18.0.{octet}", "isolated-pull policy",
            v => v.Edit(Prd + "iam/get-account-authorization-details.json", d =>
                Find(d, "UserDetailList", "UserName", "isolated-pull")["UserPolicyList"]![0]!["PolicyDocument"]!["Statement"]![0]!["Condition"]!["IpAddress"]!["aws:SourceIp"] = $"198.18.0.{octet}/32"),
            [new("IAM inline policy", "isolated-pull", ChangeKind.Removed), new("IAM inline policy", "isolated-pull", ChangeKind.Added)])),
        Gen.Int[1, 250].Select(n => new Mutation($"subnet-added{n} added", "subnets",
            v => v.Edit(Prd + "Subnets.json", d => d["Subnets"]!.AsArray().Add(new JsonObject
            {
                ["SubnetId"] = $"subnet-added{n}", ["VpcId"] = "vpc-0a4155ce1ac383e36", ["AvailabilityZone"] = "ap-northeast-1a", ["CidrBlock"] = $"10.99.{n}.0/24",
                ["Ipv6CidrBlockAssociationSet"] = new JsonArray(),
            })),
            [new("resource", $"subnet-added{n}", ChangeKind.Added)])),
        Gen.Const(new Mutation("the NAT gateway removed", "nat gateways",
            v => v.Edit(Dev + "NatGateways.json", d => d["NatGateways"]!.AsArray().Clear()),
            [new("resource", "nat-0ba146328338d5775", ChangeKind.Removed)])),
        // Nothing to report: what no control reads, and principals outside the posture.
        Gen.Const(new Mutation("an undeclared member changes (nothing to report)", "vpcs",
            v => v.Edit(Prd + "Vpcs.json", d => d["Vpcs"]![0]!["DhcpOptionsId"] = "dopt-changed"), [])),
        Gen.Const(new Mutation("a user outside the posture gets a policy (nothing to report)", "intern",
            v => v.Edit(Prd + "iam/get-account-authorization-details.json", d => d["UserDetailList"]!.AsArray().Add(new JsonObject
            {
                ["UserName"] = "intern", ["Arn"] = "arn:aws:iam::222222222222:user/intern", ["GroupList"] = new JsonArray("auditors"),
                ["AttachedManagedPolicies"] = new JsonArray(),
            })), [])),
        Gen.Const(new Mutation("members reordered and a statement written as an object (nothing to report)", "app policy",
            v => v.Edit(Prd + "ecr/get-repository-policy/app.json", d =>
            {
                var policy = JsonNode.Parse(d["policyText"]!.GetValue<string>())!.AsObject();
                var statement = policy["Statement"]![0]!.DeepClone().AsObject();
                var reordered = new JsonObject(statement.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
                d["policyText"] = new JsonObject { ["Statement"] = reordered, ["Version"] = policy["Version"]!.DeepClone() }.ToJsonString();
            }), [])));

    private static readonly PostureDocument Posture = PostureLoader.Parse(File.ReadAllBytes(Path.Combine(RepositoryPaths.Reference, "posture.json")), "posture.json");

    private static Snapshot SnapshotOf(ReferenceVariant variant) => variant.Context().Snapshot;

    [Test]
    public void The_reference_has_no_drift_from_itself()
    {
        var drift = SnapshotDiff.Compare(SnapshotOf(ReferenceVariant.Load()), SnapshotOf(ReferenceVariant.Load()), Posture);

        Assert.That(drift.Changes, Is.Empty);
        Assert.That(drift.NotCompared, Is.Empty);
    }

    /// <summary>Any set of generated changes (each kind at most once, so their reports do not overlap) is reported exactly.</summary>
    [Test]
    public void Generated_changes_are_reported_exactly_and_nothing_else_is() =>
        Mutations.Array[1, 6]
            .Where(ms => ms.Select(m => m.Target).Distinct().Count() == ms.Length)
            .Sample(mutations =>
            {
                var variant = ReferenceVariant.Load();
                foreach (var mutation in mutations)
                    mutation.Apply(variant);

                var drift = SnapshotDiff.Compare(SnapshotOf(ReferenceVariant.Load()), SnapshotOf(variant), Posture);

                var reported = drift.Changes.Select(c => new Expected(c.Category, c.Resource, c.Kind).ToString()).Order().ToList();
                var expected = mutations.SelectMany(m => m.Reports).Select(e => e.ToString()).Order().ToList();
                Assert.That(reported, Is.EqualTo(expected), string.Join("\n", drift.Changes.Select(c => c.Describe())));
                Assert.That(drift.NotCompared, Is.Empty);
            }, iter: 40);

    [Test]
    public void Each_change_names_the_controls_that_read_its_evidence_and_all_of_them_exist()
    {
        var variant = ReferenceVariant.Load()
            .Edit(Prd + "SecurityGroups.json", d => Find(d, "SecurityGroups", "GroupId", "sg-0ba8243cdeea897aa")["IpPermissions"]!.AsArray().Add(Rule("tcp", 22, "0.0.0.0/0")))
            .Edit(Prd + "iam/get-account-authorization-details.json", d => Find(d, "UserDetailList", "UserName", "isolated-pull")["GroupList"]!.AsArray().Add("auditors"));

        var drift = SnapshotDiff.Compare(SnapshotOf(ReferenceVariant.Load()), SnapshotOf(variant), Posture);

        Assert.That(drift.Changes.Single(c => c.ResourceType == "security group").Controls, Is.EqualTo(new[] { "CB-3", "EP-4", "GL-1", "GL-2" }));
        Assert.That(drift.Changes.Single(c => c.ResourceType == "IAM user").Controls, Is.EqualTo(new[] { "IAM-1", "IAM-2", "IAM-3" }));
        var rule = drift.Changes.Single(c => c.ResourceType == "security group");
        Assert.That(rule.After, Does.Contain("\"CidrIp\":\"0.0.0.0/0\"").And.Contain("\"FromPort\":22"));
        Assert.That(rule.Describe(), Does.StartWith("security group sg-0ba8243cdeea897aa: IpPermissions added {"));
    }

    [TestCaseSource(typeof(AwsCalls), nameof(AwsCalls.All))]
    public void Every_call_links_to_controls_of_the_catalog(AwsCall call)
    {
        var known = ControlCatalog.Discover().Controls.Select(c => c.Metadata.Id).ToHashSet();
        var linked = ControlsReading.Of(call);

        Assert.That(linked, Is.SubsetOf(known));
        if (call != AwsCalls.GetCallerIdentity)
            Assert.That(linked, Is.Not.Empty, $"{call}: ReadBy \"{call.ReadBy}\" names no control");
    }

    [Test]
    public void Evidence_readable_on_one_side_only_is_not_compared_never_unchanged()
    {
        var variant = ReferenceVariant.Load().Put(Prd + "RouteTables.json", "{ not json");

        var drift = SnapshotDiff.Compare(SnapshotOf(ReferenceVariant.Load()), SnapshotOf(variant), Posture);

        var gap = drift.NotCompared.Single();
        Assert.That(gap.File, Is.EqualTo("RouteTables.json"));
        Assert.That(gap.Reason, Does.StartWith("current:"));
        Assert.That(gap.Controls, Does.Contain("CB-2"));
        Assert.That(drift.Changes, Is.Empty);
    }
}
