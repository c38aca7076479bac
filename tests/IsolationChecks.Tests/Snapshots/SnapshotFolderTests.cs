using NUnit.Framework;
using System.Text;
using System.Text.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Snapshots;

public sealed class SnapshotFolderTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot()
    {
        _root = Path.Combine(Path.GetTempPath(), $"snapshots-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    private static CancellationToken None => CancellationToken.None;

    private async Task<string> WriteReferenceAsync()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("Vpcs.json", SnapshotBuilder.Vpcs)
            .File("Subnets.json", SnapshotBuilder.Subnets)
            .File("RouteTables.json", SnapshotBuilder.RouteTables)
            .File("posture.json", """{ "version": 1 }""")
            .File("ecr/get-repository-policy/team/app.json", """{ "Error": { "Code": "RepositoryPolicyNotFoundException" } }""")
            .WithManifest();
        var folder = Path.Combine(_root, "reference");
        await SnapshotFolder.WriteAsync(files, folder, signingKey: null, None);
        return folder;
    }

    [Test]
    public async Task Write_then_read_round_trips_every_file_with_matching_hashes()
    {
        var folder = await WriteReferenceAsync();

        var read = await SnapshotFolder.ReadAsync(folder, None);

        var manifestOnDisk = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "manifest.json"))).RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Origin, Is.EqualTo(folder));
            Assert.That(read.Files.Keys, Is.EquivalentTo(new[]
            {
                "Vpcs.json", "Subnets.json", "RouteTables.json", "posture.json", "ecr/get-repository-policy/team/app.json",
            }));
            Assert.That(read.Manifest!.Files["Vpcs.json"], Is.EqualTo(SnapshotBuilder.Sha256(Encoding.UTF8.GetBytes(SnapshotBuilder.Vpcs))));
            Assert.That(read.Manifest.Files.Keys, Is.EquivalentTo(read.Files.Keys));
            Assert.That(read.Manifest.Scopes, Is.EqualTo(new[] { new ManifestScope("111111111111", "ap-northeast-1", "") }));
            Assert.That(manifestOnDisk.GetProperty("format").GetString(), Is.EqualTo(SnapshotManifest.CurrentFormat));
            Assert.That(SnapshotReader.Read(read).Integrity.IsIntact, Is.True);
            Assert.That(Directory.GetDirectories(_root), Is.EqualTo(new[] { folder }), "no temporary folder is left behind");
        }
    }

    [Test]
    public async Task Write_refuses_any_non_empty_folder_and_never_replaces_a_snapshot()
    {
        var precious = Path.Combine(_root, "precious");
        Directory.CreateDirectory(precious);
        File.WriteAllText(Path.Combine(precious, "thesis.txt"), "do not lose");
        var files = new SnapshotBuilder().Scope("111111111111", "ap-northeast-1").File("Vpcs.json", SnapshotBuilder.Vpcs).WithManifest();
        var reference = await WriteReferenceAsync();
        var before = File.ReadAllBytes(Path.Combine(reference, "manifest.json"));

        var intoFolder = await Assert.ThrowsAsync<InputException>(() => SnapshotFolder.WriteAsync(files, precious, null, None));
        var intoSnapshot = await Assert.ThrowsAsync<InputException>(() => SnapshotFolder.WriteAsync(files, reference, null, None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(intoFolder?.Field, Is.EqualTo("SaveSnapshot"));
            Assert.That(intoSnapshot?.Actual, Is.EqualTo("a non-empty folder"));
            Assert.That(File.ReadAllText(Path.Combine(precious, "thesis.txt")), Is.EqualTo("do not lose"));
            Assert.That(File.ReadAllBytes(Path.Combine(reference, "manifest.json")), Is.EqualTo(before), "an existing snapshot is never re-stamped");
        }
    }

    [Test]
    public async Task Write_refuses_files_that_are_not_a_collection_so_a_hand_made_folder_is_never_stamped_as_collected()
    {
        var handMade = new SnapshotBuilder().File("Vpcs.json", SnapshotBuilder.Vpcs).WithoutManifest();

        var error = await Assert.ThrowsAsync<InputException>(() => SnapshotFolder.WriteAsync(handMade, Path.Combine(_root, "out"), null, None));

        Assert.That(error?.Expected, Does.StartWith("a snapshot collected live by this run"));
        Assert.That(Directory.Exists(Path.Combine(_root, "out")), Is.False);
    }

    [Test]
    public void Write_refuses_a_file_the_manifest_does_not_describe()
    {
        var files = new SnapshotBuilder().Scope("111111111111", "ap-northeast-1").File("Vpcs.json", SnapshotBuilder.Vpcs).WithManifest();
        var edited = files with { Files = new Dictionary<string, byte[]>(files.Files) { ["Vpcs.json"] = "{ \"Vpcs\": [] }"u8.ToArray() } };

        Assert.That(() => SnapshotFolder.WriteAsync(edited, Path.Combine(_root, "out"), null, None), Throws.InvalidOperationException.With.Message.Contains("Vpcs.json"));
        Assert.That(Directory.Exists(Path.Combine(_root, "out")), Is.False);
    }

    [Test]
    public async Task Write_with_a_key_signs_the_manifest_and_the_signature_verifies_with_its_public_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var files = new SnapshotBuilder().Scope("111111111111", "ap-northeast-1").File("Vpcs.json", SnapshotBuilder.Vpcs).WithManifest();
        var folder = Path.Combine(_root, "signed");

        await SnapshotFolder.WriteAsync(files, folder, key, None);
        var read = await SnapshotFolder.ReadAsync(folder, None);

        var trusted = new TrustedKey(SnapshotSigning.KeyIdOf(key), "test key", key);
        var status = EvidenceStatus.Of(read, SnapshotReader.Read(read).Integrity, [trusted]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(SnapshotSigning.Parse(read.SignatureBytes!, "manifest.sig").KeyId, Is.EqualTo(SnapshotSigning.KeyIdOf(key)));
            Assert.That(read.Files.ContainsKey(SnapshotSigning.SignatureFile), Is.False, "the signature is not evidence");
            Assert.That(status.State, Is.EqualTo(EvidenceState.Signed), status.Reason);
            Assert.That(status.Describe(), Does.Contain(SnapshotSigning.KeyIdOf(key)));
        }
    }

    [Test]
    public async Task Write_refuses_paths_that_leave_the_snapshot_folder()
    {
        var files = new SnapshotFiles("collected", new Dictionary<string, byte[]> { ["../outside.json"] = [] },
            new SnapshotManifest(SnapshotManifest.CurrentFormat, "t", DateTimeOffset.UnixEpoch, [], [], new Dictionary<string, string> { ["../outside.json"] = FileDigest.Sha256Hex([]) }));

        var error = await Assert.ThrowsAsync<InputException>(() => SnapshotFolder.WriteAsync(files, Path.Combine(_root, "out"), null, None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error?.Field, Is.EqualTo("../outside.json"));
            Assert.That(File.Exists(Path.Combine(_root, "outside.json")), Is.False);
            Assert.That(Directory.Exists(Path.Combine(_root, "out")), Is.False);
        }
    }

    [Test]
    public async Task A_link_inside_the_snapshot_folder_is_refused_naming_it()
    {
        var folder = await WriteReferenceAsync();
        var outside = Path.Combine(_root, "elsewhere.json");
        File.WriteAllText(outside, SnapshotBuilder.Vpcs);
        File.Delete(Path.Combine(folder, "Vpcs.json"));
        File.CreateSymbolicLink(Path.Combine(folder, "Vpcs.json"), outside);

        var error = await Assert.ThrowsAsync<InputException>(() => SnapshotFolder.ReadAsync(folder, None));

        Assert.That(error?.File, Is.EqualTo(Path.Combine(folder, "Vpcs.json")));
        Assert.That(error?.Actual, Is.EqualTo($"a link to {outside}"));
    }

    [Test]
    public async Task A_linked_folder_inside_the_snapshot_folder_is_refused()
    {
        var folder = await WriteReferenceAsync();
        var outside = Directory.CreateDirectory(Path.Combine(_root, "other-account")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(folder, "accounts"), outside);

        var error = await Assert.ThrowsAsync<InputException>(() => SnapshotFolder.ReadAsync(folder, None));

        Assert.That(error?.File, Is.EqualTo(Path.Combine(folder, "accounts")));
    }

    [Test]
    public async Task Reading_a_folder_that_does_not_exist_names_it()
    {
        var missing = Path.Combine(_root, "nowhere");

        var error = await Assert.ThrowsAsync<InputException>(() => SnapshotFolder.ReadAsync(missing, None));

        Assert.That((error?.File, error?.Expected), Is.EqualTo((missing, "an existing snapshot folder")));
    }

    [Test]
    public async Task A_manifest_of_another_format_is_rejected()
    {
        var folder = await WriteReferenceAsync();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!;
        manifest["format"] = "isolationchecks-snapshot/2";
        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest.ToJsonString());

        var error = await Assert.ThrowsAsync<InputException>(() => SnapshotFolder.ReadAsync(folder, None));

        Assert.That((error?.Field, error?.Expected), Is.EqualTo(("$.format", "\"isolationchecks-snapshot/1\"")));
    }

    [Test]
    public async Task A_malformed_manifest_names_the_file_and_the_json_path()
    {
        var folder = await WriteReferenceAsync();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!;
        manifest["collectedAt"] = "yesterday";
        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest.ToJsonString());

        var error = await Assert.ThrowsAsync<InputException>(() => SnapshotFolder.ReadAsync(folder, None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error?.File, Is.EqualTo(Path.Combine(folder, "manifest.json")));
            Assert.That(error?.Field, Is.EqualTo("$.collectedAt"));
        }
    }
}
