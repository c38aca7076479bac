using System.Text.Json.Nodes;
using IsolationChecks.Snapshots;
using IsolationChecks.TestSupport;
using IsolationChecks.Tests.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Fixtures;

/// <summary>The violation-fixture overlay (test tooling): patches applied in order, errors that name fixture.json.</summary>
public sealed class FixtureOverlayTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot()
    {
        _root = Path.Combine(Path.GetTempPath(), $"overlays-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    private static CancellationToken None => CancellationToken.None;

    private async Task WriteReferenceAsync(SnapshotFiles? files = null)
    {
        files ??= new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("Vpcs.json", SnapshotBuilder.Vpcs)
            .File("Subnets.json", SnapshotBuilder.Subnets)
            .File("RouteTables.json", SnapshotBuilder.RouteTables)
            .File("posture.json", """{ "version": 1 }""")
            .File("ecr/get-repository-policy/team/app.json", """{ "Error": { "Code": "RepositoryPolicyNotFoundException" } }""")
            .WithManifest();
        await SnapshotFolder.WriteAsync(files, Path.Combine(_root, "reference"), signingKey: null, None);
    }

    private string WriteFixture(string name, string fixtureJson)
    {
        var folder = Path.Combine(_root, "violations", name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "fixture.json"), fixtureJson);
        return folder;
    }

    private static JsonNode Json(SnapshotFiles files, string path) => JsonNode.Parse(files.Files[path])!;

    [Test]
    public async Task An_overlay_applies_add_remove_replace_put_and_delete_in_order_and_rehashes_what_it_changed()
    {
        await WriteReferenceAsync();
        var fixture = WriteFixture("cb2-nat-route", """
            {
              "base": "../../reference",
              "description": "A NAT route appears in the build subnet's route table",
              "expect": { "CB-2": "fail" },
              "patches": [
                { "file": "RouteTables.json", "op": "add", "path": "/RouteTables/0/Routes/-",
                  "value": { "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-0123456789abcdef0", "State": "active" } },
                { "file": "RouteTables.json", "op": "replace", "path": "/RouteTables/0/Routes/0/State", "value": "blackhole" },
                { "file": "Vpcs.json", "op": "remove", "path": "/Vpcs/0/DhcpOptionsId" },
                { "file": "Vpcs.json", "op": "add", "path": "/Vpcs/0", "value": { "VpcId": "vpc-0ffffffffffffffff" } },
                { "file": "SecurityGroups.json", "op": "put", "value": { "SecurityGroups": [] } },
                { "file": "Subnets.json", "op": "delete" },
                { "file": "posture.json", "op": "add", "path": "/name", "value": "patched" }
              ]
            }
            """);

        var files = await FixtureOverlay.FilesAsync(fixture, None);

        var routes = Json(files, "RouteTables.json")["RouteTables"]![0]!["Routes"]!.AsArray();
        var vpcs = Json(files, "Vpcs.json")["Vpcs"]!.AsArray();
        var snapshot = SnapshotReader.Read(files);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(files.Origin, Is.EqualTo($"{fixture} (overlay of {Path.Combine(_root, "reference")})"));
            Assert.That(routes, Has.Count.EqualTo(2));
            Assert.That(routes[1]!["NatGatewayId"]!.GetValue<string>(), Is.EqualTo("nat-0123456789abcdef0"));
            Assert.That(routes[0]!["State"]!.GetValue<string>(), Is.EqualTo("blackhole"));
            Assert.That(vpcs.Select(v => v!["VpcId"]!.GetValue<string>()), Is.EqualTo(new[] { "vpc-0ffffffffffffffff", "vpc-0a1b2c3d4e5f60718" }));
            Assert.That(vpcs[1]!.AsObject().ContainsKey("DhcpOptionsId"), Is.False);
            Assert.That(files.Files.ContainsKey("Subnets.json"), Is.False);
            Assert.That(Json(files, "posture.json")["name"]!.GetValue<string>(), Is.EqualTo("patched"));
            Assert.That(files.Files.ContainsKey("fixture.json"), Is.False, "fixture.json is test data, never part of the snapshot");
            Assert.That(files.Manifest!.Files["RouteTables.json"], Is.EqualTo(SnapshotBuilder.Sha256(files.Files["RouteTables.json"])));
            Assert.That(files.Manifest.Files.ContainsKey("Subnets.json"), Is.False);
            Assert.That(files.Manifest.Files.ContainsKey("SecurityGroups.json"), Is.True);
            Assert.That(snapshot.Integrity.IsIntact, Is.True, snapshot.Integrity.Describe());
        }
    }

    [Test]
    public async Task An_overlay_may_stand_on_another_overlay_and_patch_the_manifest()
    {
        await WriteReferenceAsync();
        WriteFixture("first", """
            { "base": "../../reference",
              "patches": [ { "file": "Vpcs.json", "op": "replace", "path": "/Vpcs/0/CidrBlock", "value": "10.9.0.0/16" } ] }
            """);
        var second = WriteFixture("second", """
            { "base": "../first",
              "patches": [
                { "file": "RouteTables.json", "op": "delete" },
                { "file": "manifest.json", "op": "add", "path": "/calls/-",
                  "value": { "folder": "", "service": "ec2", "operation": "DescribeRouteTables", "outcome": "failed", "pages": 0, "attempts": 3,
                             "durationMs": 40, "errorCode": "UnauthorizedOperation", "errorMessage": "not authorized" } } ] }
            """);

        var files = await FixtureOverlay.FilesAsync(second, None);

        var scope = SnapshotReader.Read(files).Scopes.Single();
        scope.Ec2.RouteTables.TryGet(out _, out var gap);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(files.Origin, Does.EndWith($"(overlay of {Path.Combine(_root, "violations", "first")} (overlay of {Path.Combine(_root, "reference")}))"));
            Assert.That(scope.Ec2.Vpcs.TryGet(out var vpcs, out _) ? vpcs[0].CidrBlock : null, Is.EqualTo("10.9.0.0/16"));
            Assert.That(gap?.ErrorCode, Is.EqualTo("UnauthorizedOperation"));
        }
    }

    public sealed record BadOverlay(string Name, string Patch, string Field, string Expected, string? Actual = null)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<BadOverlay> BadOverlays()
    {
        yield return new("pointer to a missing member", """{ "file": "Vpcs.json", "op": "replace", "path": "/Vpcs/0/Nope", "value": 1 }""",
            "$.patches[0].path", "an existing member \"Nope\" at /Vpcs/0/Nope in Vpcs.json");
        yield return new("pointer through a missing parent", """{ "file": "Vpcs.json", "op": "add", "path": "/Vpcs/3/Tags", "value": [] }""",
            "$.patches[0].path", "an array index from 0 to 0 (the array has 1 item(s)) in Vpcs.json", "3");
        yield return new("array index beyond the end", """{ "file": "Vpcs.json", "op": "add", "path": "/Vpcs/2", "value": {} }""",
            "$.patches[0].path", "an array index from 0 to 1 or \"-\" (the array has 1 item(s)) in Vpcs.json", "2");
        yield return new("remove of a missing member", """{ "file": "RouteTables.json", "op": "remove", "path": "/RouteTables/0/Missing" }""",
            "$.patches[0].path", "an existing member \"Missing\" at /RouteTables/0/Missing in RouteTables.json", "/RouteTables/0/Missing does not exist");
        yield return new("patch of a file the base does not have", """{ "file": "NatGateways.json", "op": "add", "path": "/NatGateways/-", "value": {} }""",
            "$.patches[0].file", "a file that exists in the base snapshot (to add /NatGateways/-)", "NatGateways.json is absent");
        yield return new("delete of a file the base does not have", """{ "file": "NatGateways.json", "op": "delete" }""",
            "$.patches[0].file", "a file that exists in the base snapshot (to delete)", "NatGateways.json is absent");
        yield return new("unknown op", """{ "file": "Vpcs.json", "op": "move", "path": "/Vpcs/0" }""",
            "$.patches[0].op", "\"add\", \"remove\", \"replace\", \"put\" or \"delete\"", "move");
        yield return new("pointer without a leading slash", """{ "file": "Vpcs.json", "op": "remove", "path": "Vpcs/0" }""",
            "$.patches[0].path", "an RFC 6901 JSON Pointer: empty, or starting with '/'", "Vpcs/0");
        yield return new("file outside the snapshot", """{ "file": "../secrets.json", "op": "delete" }""",
            "$.patches[0].file", "a relative '/'-separated path inside the snapshot", "../secrets.json");
        yield return new("unknown member in a patch", """{ "file": "Vpcs.json", "op": "delete", "from": "/x" }""",
            "$.patches[0].from", "only the members file, op, path, value", "unknown member \"from\"");
    }

    [TestCaseSource(nameof(BadOverlays))]
    public async Task A_bad_patch_names_fixture_json_the_patch_and_what_was_expected(BadOverlay bad)
    {
        await WriteReferenceAsync();
        var fixture = WriteFixture("bad", $$"""{ "base": "../../reference", "patches": [ {{bad.Patch}} ] }""");

        var error = await Assert.ThrowsAsync<InputException>(() => FixtureOverlay.FilesAsync(fixture, None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error?.File, Is.EqualTo(Path.Combine(fixture, "fixture.json")));
            Assert.That(error?.Field, Is.EqualTo(bad.Field));
            Assert.That(error?.Expected, Is.EqualTo(bad.Expected));
            if (bad.Actual is not null)
                Assert.That(error?.Actual, Is.EqualTo(bad.Actual));
        }
    }

    [Test]
    public async Task Overlays_that_lead_back_to_themselves_are_rejected()
    {
        WriteFixture("a", """{ "base": "../b", "patches": [] }""");
        var b = WriteFixture("b", """{ "base": "../a", "patches": [] }""");

        var error = await Assert.ThrowsAsync<InputException>(() => FixtureOverlay.FilesAsync(b, None));

        Assert.That(error?.Field, Is.EqualTo("$.base"));
    }

    [Test]
    public async Task A_missing_base_folder_is_named()
    {
        var fixture = WriteFixture("orphan", """{ "base": "../../nowhere", "patches": [] }""");

        var error = await Assert.ThrowsAsync<InputException>(() => FixtureOverlay.FilesAsync(fixture, None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error?.Field, Is.EqualTo("$.base"));
            Assert.That(error?.Actual, Does.StartWith("../../nowhere"));
        }
    }

    [Test]
    public async Task Escaped_pointer_tokens_address_members_with_slashes_and_tildes()
    {
        var files = new SnapshotBuilder().Scope("111111111111", "ap-northeast-1")
            .File("doc.json", """{ "a/b": { "c~d": 1 } }""").WithManifest();
        await WriteReferenceAsync(files);
        var fixture = WriteFixture("escaped", """{ "base": "../../reference", "patches": [ { "file": "doc.json", "op": "replace", "path": "/a~1b/c~0d", "value": 2 } ] }""");

        var read = await FixtureOverlay.FilesAsync(fixture, None);

        Assert.That(Json(read, "doc.json")["a/b"]!["c~d"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_materialised_fixture_is_a_plain_snapshot_folder_the_product_reads()
    {
        await WriteReferenceAsync();
        var fixture = WriteFixture("plain", """{ "base": "../../reference", "patches": [ { "file": "Subnets.json", "op": "delete" } ] }""");

        using var materialised = await FixtureOverlay.MaterialiseAsync(fixture, None);
        var read = await SnapshotFolder.ReadAsync(materialised.Folder, None);

        Assert.That(read.Files.Keys, Is.EquivalentTo(new[] { "Vpcs.json", "RouteTables.json", "posture.json", "ecr/get-repository-policy/team/app.json" }));
        Assert.That(File.Exists(Path.Combine(materialised.Folder, "fixture.json")), Is.False);
    }
}
