using System.Text.Json;
using IsolationChecks.IntegrationTests.Cli;
using IsolationChecks.IntegrationTests.Faults;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Running;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>
/// `isolationchecks audit` as a pipeline runs it (a process, output redirected) against moto: plain progress lines, the
/// documented exit codes, the Timeout, SIGINT; and the same findings as `dotnet test IsolationTests` on the same snapshot
/// (one engine, two front doors).
/// </summary>
[Category("EndToEnd")]
[NonParallelizable]
public class AuditCommandTests
{
    private const string Region = "us-east-1";
    private MotoServer _moto = null!;
    private string _work = null!;
    private string _posture = null!;

    private static readonly Dictionary<string, string> Credentials = new()
    {
        ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretKey,
        ["AWS_REGION"] = Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    [OneTimeSetUp]
    public async Task BuildTheEnvironmentAsync()
    {
        _moto = await MotoServer.StartAsync(new MotoSetup(FaultProxy: true), CancellationToken.None);
        await CodeBuildEnvironment.BuildAsync(_moto.Endpoint, Region);
        _moto.Faults.Inject(Fault.Delay(TimeSpan.FromMinutes(1))).OnEveryOperationOf("ec2");
        _work = Directory.CreateTempSubdirectory("audit-e2e-").FullName;
        _posture = Path.Combine(_work, "posture.json");
        await File.WriteAllTextAsync(_posture, CodeBuildEnvironment.Posture(MotoServer.AccountId, Region));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _moto.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    private string Fresh(string name) => Path.Combine(_work, $"{name}-{Guid.NewGuid():N}");

    private static IEnumerable<string> Verdicts(JsonDocument findings) =>
        findings.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => $"{f.GetProperty("control").GetString()} | {f.GetProperty("resource").GetString()} | {f.GetProperty("status").GetString()} | {f.GetProperty("message").GetString()}");

    [Test]
    public async Task A_live_audit_prints_plain_progress_exits_with_the_gate_and_judges_as_the_nunit_suite_does()
    {
        var saved = Fresh("snapshot");
        var output = Fresh("results");

        var live = await ToolProcess.RunAsync(
            ["audit", "--target", "live", "--posture", _posture, "--endpoint-url", _moto.Endpoint, "--save-snapshot", saved, "--output", output], _work, Credentials);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(live.ExitCode, Is.EqualTo(ExitCodes.GateFailed), live.ToString());
            Assert.That(live.Error, Does.Contain("IsolationChecks: Collecting live").And.Contain("codebuild:BatchGetProjects ok"));
            Assert.That(live.Error, Does.Match(@"IsolationChecks: collected \S+ 123456789012 us-east-1 ec2: \d+ calls done, 0 failed"));
            Assert.That(live.Error.Contains((char)27) || live.Output.Contains((char)27), Is.False, "redirected output holds no terminal control sequences");
            Assert.That(live.Output, Does.Contain("audit gate FAILED").And.Contain("exit code 1 (gate failed"));
            Assert.That(live.Output, Does.Contain("FAIL CB-2 leaky-build"));
        }

        // The NUnit front door on the snapshot the tool saved, and the tool again on it: the same verdicts and messages.
        var suite = await SuiteProcess.RunAsync(new Dictionary<string, string> { ["Target"] = saved, ["Posture"] = _posture }, null, CancellationToken.None);
        var offlineOutput = Fresh("offline");
        var offline = await ToolProcess.RunAsync(["audit", "--target", saved, "--posture", _posture, "--output", offlineOutput], _work);
        using var liveFindings = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(output, "findings.json")));
        using var offlineFindings = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(offlineOutput, "findings.json")));

        Assert.That(suite.Findings, Is.Not.Null, suite.Output);
        Assert.That(Verdicts(offlineFindings), Is.EquivalentTo(Verdicts(suite.Findings!)));
        Assert.That(Verdicts(offlineFindings), Is.EquivalentTo(Verdicts(liveFindings)));
        Assert.That(offline.ExitCode, Is.EqualTo(suite.Findings!.RootElement.GetProperty("exitCode").GetInt32()));
    }

    [Test]
    public async Task Each_documented_exit_code_of_a_run()
    {
        var saved = Fresh("snapshot");
        await ToolProcess.RunAsync(["audit", "--target", "live", "--posture", _posture, "--endpoint-url", _moto.Endpoint, "--save-snapshot", saved, "--output", Fresh("r"), "--progress", "quiet"], _work, Credentials);

        var noPosture = await ToolProcess.RunAsync(["audit", "--target", "live", "--output", Fresh("r")], _work, Credentials);
        var unsigned = await ToolProcess.RunAsync(["audit", "--gate", "--target", saved, "--posture", _posture, "--output", Fresh("r")], _work);
        var failed = await ToolProcess.RunAsync(["audit", "--target", saved, "--posture", _posture, "--output", Fresh("r")], _work);

        Assert.That((noPosture.ExitCode, unsigned.ExitCode, failed.ExitCode),
            Is.EqualTo((ExitCodes.ConfigurationError, ExitCodes.EvidenceUnverified, ExitCodes.GateFailed)), $"{noPosture}\n{unsigned}\n{failed}");
        Assert.That(noPosture.Error, Does.Contain("Posture"));
        Assert.That(unsigned.Output, Does.Contain("the evidence is not accepted"));
    }

    [Test]
    public async Task A_timeout_judges_what_was_collected_and_exits_5()
    {
        var output = Fresh("timeout");

        var run = await ToolProcess.RunAsync(["audit", "--target", "live", "--posture", _posture, "--endpoint-url", _moto.Faults.Url, "--timeout", "4s", "--output", output],
            _work, Credentials, TimeSpan.FromSeconds(90));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.TimedOut), run.ToString());
        Assert.That(run.Output, Does.Contain("TIMED OUT: the run's Timeout of 4s ran out").And.Contain("exit code 5 (timed out)"));
        using var findings = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(output, "findings.json")));
        Assert.That(findings.RootElement.GetProperty("exitCode").GetInt32(), Is.EqualTo(ExitCodes.TimedOut));
    }

    [Test]
    public async Task Sigint_stops_a_live_audit_at_once_with_exit_code_4_and_no_report()
    {
        var output = Fresh("sigint");
        await using var tool = ToolProcess.Start(["audit", "--target", "live", "--posture", _posture, "--endpoint-url", _moto.Faults.Url, "--output", output], _work, Credentials);
        await tool.WaitForErrorLineAsync("ec2:DescribeVpcs started", TimeSpan.FromSeconds(60));

        tool.Signal(2);
        var run = await tool.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.ToString());
        Assert.That(run.Error, Does.Contain("INTERRUPTED: SIGINT received"));
        Assert.That(File.Exists(Path.Combine(output, "findings.json")), Is.False);
        using var error = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(output, "error.json")));
        Assert.That(error.RootElement.GetProperty("kind").GetString(), Is.EqualTo("interrupted"));
    }
}
