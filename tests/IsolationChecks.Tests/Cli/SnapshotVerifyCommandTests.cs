using IsolationChecks.Cli;
using IsolationChecks.Cli.Commands;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Cli;

public class SnapshotVerifyCommandTests
{
    private string _folder = null!;

    [SetUp]
    public async Task WriteACollectedSnapshotAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}");
        var reference = await SnapshotFolder.ReadAsync(RepositoryPaths.Reference, CancellationToken.None);
        await SnapshotFolder.WriteAsync(reference with
        {
            Manifest = new SnapshotManifest(SnapshotManifest.CurrentFormat, "test", DateTimeOffset.UnixEpoch, [], [], new Dictionary<string, string>()),
        }, _folder, CancellationToken.None);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Code, string Output)> VerifyAsync(string folder)
    {
        using var output = new StringWriter();
        var code = await new CommandDispatcher([new SnapshotVerifyCommand()])
            .RunAsync(["snapshot-verify", folder], output, TextWriter.Null, CancellationToken.None);
        return (code, output.ToString());
    }

    [Test]
    public async Task An_untouched_snapshot_verifies()
    {
        var (code, output) = await VerifyAsync(_folder);

        Assert.That(code, Is.EqualTo(ExitCodes.Affirmative), output);
        Assert.That(output, Does.Contain("every file matches"));
    }

    [Test]
    public async Task A_changed_file_fails_verification_and_is_named()
    {
        var subnets = Path.Combine(_folder, "accounts", "222222222222", "ap-northeast-1", "Subnets.json");
        await File.AppendAllTextAsync(subnets, " ");

        var (code, output) = await VerifyAsync(_folder);

        Assert.That(code, Is.EqualTo(ExitCodes.Negative));
        Assert.That(output, Does.Contain("Subnets.json").And.Contain("does not match"));
    }

    [Test]
    public async Task A_folder_without_manifest_is_reported_unverified()
    {
        var (code, output) = await VerifyAsync(RepositoryPaths.Reference);

        Assert.That(code, Is.EqualTo(ExitCodes.EvidenceUnverified));
        Assert.That(output, Does.Contain("no manifest.json"));
    }
}
