using System.Text.Json;
using IsolationChecks.IntegrationTests.Moto;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>
/// The live path end to end: an environment built in moto, `dotnet test IsolationTests` with Target=live
/// collecting it through EndpointUrl, the findings read back; then the saved snapshot evaluated offline
/// gives the same verdicts (the snapshot is the evidence).
/// </summary>
[Category("EndToEnd")]
public class LiveSuiteTests
{
    private const string Account = "123456789012";
    private const string Region = "us-east-1";

    private static readonly Dictionary<string, string> MotoCredentials = new()
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "secret",
        ["AWS_REGION"] = Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    private static async Task<string> WritePostureAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"live-posture-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, CodeBuildEnvironment.Posture(Account, Region));
        return path;
    }

    [Test]
    public async Task Live_collection_from_moto_gives_per_project_verdicts_and_a_snapshot_that_replays_offline()
    {
        await using var moto = await MotoServer.StartAsync(CancellationToken.None);
        var built = await CodeBuildEnvironment.BuildAsync(moto.Endpoint, Region);
        var posture = await WritePostureAsync();
        var saved = Path.Combine(Path.GetTempPath(), $"live-snapshot-{Guid.NewGuid():N}");

        var live = await SuiteProcess.RunAsync(
            new Dictionary<string, string> { ["Target"] = "live", ["Posture"] = posture, ["EndpointUrl"] = moto.Endpoint, ["SaveSnapshot"] = saved },
            "TestCategory=CodeBuild", CancellationToken.None, MotoCredentials);

        Assert.That(live.Findings, Is.Not.Null, live.Output);
        Assert.That(live.ExitCode, Is.Not.Zero, "the environment has violations");
        using (Assert.EnterMultipleScope())
        {
            foreach (var control in new[] { "CB-1", "CB-2", "CB-4", "CB-5" })
                Assert.That(live.StatusOf(control, "app-build"), Is.EqualTo("pass"), $"{control} app-build\n{live.Output}");
            Assert.That(live.StatusOf("CB-2", "leaky-build"), Is.EqualTo("fail"));
            Assert.That(live.FindingsOf("CB-2").Single(f => f.GetProperty("resourceName").GetString() == "leaky-build").GetProperty("message").GetString(),
                Does.Contain(built.GetProperty("leakyRouteTable").GetString()).And.Contain(built.GetProperty("natGateway").GetString()));
            Assert.That(live.StatusOf("CB-1", "outside-build"), Is.EqualTo("fail"));
            Assert.That(live.StatusOf("CB-5", "root-build"), Is.EqualTo("fail"));
            Assert.That(live.StatusOf("CB-4", "quiet-build"), Is.EqualTo("fail"));
            Assert.That(File.Exists(Path.Combine(saved, "manifest.json")), Is.True, "SaveSnapshot wrote the evidence");
        }

        var offline = await SuiteProcess.RunAsync(
            new Dictionary<string, string> { ["Target"] = saved, ["Posture"] = posture }, "TestCategory=CodeBuild", CancellationToken.None);

        Assert.That(Verdicts(offline), Is.EquivalentTo(Verdicts(live)), offline.Output);
    }

    private static IEnumerable<string> Verdicts(SuiteOutcome outcome) =>
        new[] { "CB-1", "CB-2", "CB-4", "CB-5" }.SelectMany(outcome.FindingsOf)
            .Select(f => $"{f.GetProperty("control").GetString()} {f.GetProperty("resourceName").GetString()} {f.GetProperty("status").GetString()}");
}
