using System.Text;
using System.Text.Json;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Snapshots;

/// <summary>Probe records follow the same evidence rules as every other document: seen, gap, or untrusted.</summary>
public class SnapshotDocumentsTests
{
    private sealed record Probe(string Verdict);

    private const string Path = "probes/example.json";
    private static readonly ProbeDocument Declared = new(Path, typeof(Probe), "git", "Probe",
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true }, "run the probe");
    private static readonly byte[] Document = Encoding.UTF8.GetBytes("""{"verdict":"refused"}""");

    private static SnapshotManifest Manifest(IReadOnlyList<ManifestCall> calls, IReadOnlyDictionary<string, string> files) =>
        new(SnapshotManifest.CurrentFormat, "test", DateTimeOffset.UnixEpoch, [], calls, files);

    private static Collected<Probe> Read(SnapshotFiles files) =>
        new Snapshot(files.Origin, files.Manifest, [], IntegrityReport.Unverified, files).ReadProbe<Probe>(Declared);

    [Test]
    public void A_document_listed_in_the_manifest_is_seen()
    {
        var files = new SnapshotFiles("t", new Dictionary<string, byte[]>(), Manifest([], new Dictionary<string, string>()))
            .WithDocument(Path, Document, new ManifestCall("", "git", "Probe", null, Path, "ok", 1, 1, 5));

        Assert.That(Read(files).TryGet(out var probe, out _), Is.True);
        Assert.That(probe!.Verdict, Is.EqualTo("refused"));
        Assert.That(files.Manifest!.Files[Path], Is.EqualTo(FileDigest.Sha256Hex(Document)));
    }

    [Test]
    public void A_document_the_manifest_does_not_list_is_not_trusted()
    {
        var files = new SnapshotFiles("t", new Dictionary<string, byte[]> { [Path] = Document }, Manifest([], new Dictionary<string, string>()));

        Assert.That(Read(files).TryGet(out _, out var gap), Is.False);
        Assert.That(gap!.ErrorCode, Is.EqualTo("UnlistedEvidence"));
    }

    [Test]
    public void An_absent_document_is_a_gap_quoting_the_failed_call_and_how_to_get_it()
    {
        var failed = new ManifestCall("", "git", "Probe", null, null, "failed", 0, 1, 5, "Timeout", "no answer in 30 s");
        var files = new SnapshotFiles("t", new Dictionary<string, byte[]>(), Manifest([failed], new Dictionary<string, string>()));

        Assert.That(Read(files).TryGet(out _, out var gap), Is.False);
        Assert.That(gap!.Describe(), Does.Contain("Timeout").And.Contain("no answer in 30 s"));
        Assert.That(gap.Remedy, Is.EqualTo("run the probe"));
    }

    [Test]
    public void A_hand_made_folder_without_manifest_is_read_as_it_is()
    {
        var files = new SnapshotFiles("t", new Dictionary<string, byte[]> { [Path] = Document }, null);

        Assert.That(Read(files).IsSeen, Is.True);
    }

    [TestCase("""{"verdict": 42}""", "$.verdict")]
    [TestCase("""{}""", "$")]
    [TestCase("""{"verdict": null}""", "$")]
    [TestCase("""[]""", "$")]
    [TestCase("""{"verdict": "ref""", "$")]
    public void A_malformed_document_is_a_gap_naming_the_file_the_path_and_the_expectation(string json, string path)
    {
        var files = new SnapshotFiles("t", new Dictionary<string, byte[]> { [Path] = Encoding.UTF8.GetBytes(json) }, null);

        Assert.That(Read(files).TryGet(out _, out var gap), Is.False);
        Assert.That(gap!.ErrorCode, Is.EqualTo(DataGap.MalformedEvidence));
        Assert.That(gap.File, Is.EqualTo(Path));
        Assert.That(gap.Reason, Does.StartWith(path).And.Contain("expected"));
    }
}
