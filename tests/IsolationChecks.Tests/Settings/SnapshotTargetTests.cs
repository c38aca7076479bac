using NUnit.Framework;
using IsolationChecks.Settings;

namespace IsolationChecks.Tests.Settings;

public sealed class SnapshotTargetTests
{
    private const string Posture = """{ "version": 1, "name": "reference", "accounts": { "prd": { "accountId": "222222222222", "region": "ap-northeast-1" } } }""";

    private string _root = "";

    [SetUp]
    public void CreateFolders()
    {
        _root = Path.Combine(Path.GetTempPath(), $"target-{Guid.NewGuid():N}");
        var reference = Path.Combine(_root, "reference");
        Directory.CreateDirectory(reference);
        File.WriteAllText(Path.Combine(reference, "posture.json"), Posture);
        File.WriteAllText(Path.Combine(reference, "Vpcs.json"), """{ "Vpcs": [] }""");
        var fixture = Path.Combine(_root, "renamed");
        Directory.CreateDirectory(fixture);
        File.WriteAllText(Path.Combine(fixture, "fixture.json"),
            """{ "base": "../reference", "patches": [ { "file": "posture.json", "op": "replace", "path": "/name", "value": "patched" } ] }""");
    }

    [TearDown]
    public void DeleteFolders() => Directory.Delete(_root, recursive: true);

    private SuiteSettings Resolve(Dictionary<string, string> parameters) => SettingsResolver.Resolve(parameters, new Dictionary<string, string>(), _root, _root);

    [Test]
    public async Task An_explicit_posture_file_is_used_as_it_is()
    {
        var explicitPosture = Path.Combine(_root, "other.json");
        File.WriteAllText(explicitPosture, Posture.Replace("reference", "explicit", StringComparison.Ordinal));

        var inputs = await SnapshotTarget.LoadAsync(Resolve(new() { ["Target"] = "renamed", ["Posture"] = "other.json" }), CancellationToken.None);

        Assert.That((inputs.Posture.Name, inputs.PostureSource), Is.EqualTo(("explicit", explicitPosture)));
    }

    [Test]
    public async Task A_plain_snapshot_uses_its_own_posture_file()
    {
        var inputs = await SnapshotTarget.LoadAsync(Resolve(new() { ["Target"] = "reference" }), CancellationToken.None);

        Assert.That((inputs.Posture.Name, inputs.PostureSource), Is.EqualTo(("reference", Path.Combine(_root, "reference", "posture.json"))));
    }
}
