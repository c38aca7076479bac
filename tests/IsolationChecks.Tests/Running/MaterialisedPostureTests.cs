using System.Text;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Tests.Running;

public class MaterialisedPostureTests
{
    private string _root = "";

    [SetUp]
    public void CreateFolders()
    {
        _root = Directory.CreateTempSubdirectory("posture-choice-").FullName;
        Directory.CreateDirectory(Path.Combine(_root, "reference"));
        Directory.CreateDirectory(Path.Combine(_root, "violations", "open-route"));
        File.WriteAllText(Path.Combine(_root, "violations", "open-route", "fixture.json"), """{"base": "../../reference"}""");
    }

    [TearDown]
    public void DeleteFolders() => Directory.Delete(_root, recursive: true);

    private static SnapshotFiles FilesWithPosture(string text) =>
        new("x", new Dictionary<string, byte[]> { ["posture.json"] = Encoding.UTF8.GetBytes(text) }, null);

    [Test]
    public void A_fixtures_patched_posture_is_used_when_the_setting_points_at_its_bases_posture()
    {
        var bytes = SuiteRunner.MaterialisedPosture(FilesWithPosture("patched"),
            Path.Combine(_root, "violations", "open-route"), Path.Combine(_root, "reference", "posture.json"));

        Assert.That(bytes is null ? null : Encoding.UTF8.GetString(bytes), Is.EqualTo("patched"));
    }

    [Test]
    public void A_posture_file_the_user_named_elsewhere_is_read_as_it_is()
    {
        var bytes = SuiteRunner.MaterialisedPosture(FilesWithPosture("patched"),
            Path.Combine(_root, "violations", "open-route"), Path.Combine(_root, "my-posture.json"));

        Assert.That(bytes, Is.Null);
    }

    [Test]
    public void A_snapshot_without_posture_json_leaves_the_setting_in_charge()
    {
        var bytes = SuiteRunner.MaterialisedPosture(new SnapshotFiles("x", new Dictionary<string, byte[]>(), null),
            Path.Combine(_root, "reference"), Path.Combine(_root, "reference", "posture.json"));

        Assert.That(bytes, Is.Null);
    }
}
