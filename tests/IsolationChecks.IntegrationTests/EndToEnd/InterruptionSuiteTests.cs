using System.Diagnostics;
using IsolationChecks.IntegrationTests.Faults;
using IsolationChecks.IntegrationTests.Moto;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>
/// A live run against a slow AWS (moto behind the fault proxy, every EC2 call held for a minute): signals stop it within
/// seconds with no process left calling AWS and nothing in Output that looks like a finished audit; its Timeout turns
/// what was cut off into inconclusive findings; a second run on the same Output is refused while it runs.
/// </summary>
[Category("EndToEnd")]
[NonParallelizable]
public class InterruptionSuiteTests
{
    private const string Account = MotoServer.AccountId;
    private const string Region = "us-east-1";
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(5);

    private MotoServer _moto = null!;
    private string _posture = "";

    [OneTimeSetUp]
    public async Task StartSlowAws()
    {
        _moto = await MotoServer.StartAsync(new MotoSetup(FaultProxy: true), CancellationToken.None);
        // Projects to judge: with none, CodeBuild's empty answer (not held) would leave nothing that needed EC2.
        await CodeBuildEnvironment.BuildAsync(_moto.Endpoint, Region);
        _moto.Faults.Inject(Fault.Delay(TimeSpan.FromMinutes(1))).OnEveryOperationOf("ec2");
        _posture = Path.Combine(Path.GetTempPath(), $"slow-posture-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_posture, CodeBuildEnvironment.Posture(Account, Region));
    }

    [OneTimeTearDown]
    public async Task StopSlowAws()
    {
        await _moto.DisposeAsync();
        File.Delete(_posture);
    }

    private SuiteStart Live(string? output = null, string? timeout = null)
    {
        var settings = new Dictionary<string, string> { ["Target"] = "live", ["Posture"] = _posture, ["EndpointUrl"] = _moto.Faults.Url };
        if (timeout is not null)
            settings["Timeout"] = timeout;
        return new SuiteStart(settings, Environment: new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretKey,
            ["AWS_REGION"] = Region,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        }, OutputFolder: output);
    }

    /// <summary>A folder holding a previous run's passing reports, which must not survive.</summary>
    private static string OutputWithStaleReports()
    {
        var output = Path.Combine(Path.GetTempPath(), $"stale-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "findings.json"), """{"auditGate": {"passed": true}}""");
        File.WriteAllText(Path.Combine(output, "report.md"), "# Isolation checks: PASSED yesterday\n");
        return output;
    }

    private static async Task<IReadOnlyList<string>> SurvivorsAfterAsync(SuiteProcess run, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (run.Survivors() is { Count: > 0 } left)
        {
            if (waited.Elapsed > within)
                return left;
            await Task.Delay(100);
        }

        return [];
    }

    private static void AssertNothingStale(SuiteOutcome outcome)
    {
        Assert.That(File.Exists(Path.Combine(outcome.OutputFolder, "findings.json")), Is.False, "no findings.json: nothing that looks like a finished audit");
        Assert.That(File.Exists(Path.Combine(outcome.OutputFolder, "report.md")), Is.False, "the previous run's report is gone");
        Assert.That(outcome.Error?.GetProperty("kind").GetString(), Is.EqualTo("interrupted"), $"error.json says interrupted\n{outcome.Output}");
        Assert.That(outcome.Error?.GetProperty("exitCode").GetInt32(), Is.EqualTo(4));
    }

    private sealed record FileState(string Name, long Length, DateTime Written, string Sha256);

    /// <summary>Every file in <paramref name="folder"/> with its content, but the lock file, which its holder keeps unreadable.</summary>
    private static List<FileState> FilesIn(string folder) =>
        [.. Directory.EnumerateFiles(folder).Where(f => Path.GetFileName(f) != ".isolationchecks.lock").Order(StringComparer.Ordinal).Select(f => new FileState(Path.GetFileName(f), new FileInfo(f).Length,
            File.GetLastWriteTimeUtc(f), Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))))];

    /// <summary>What a signal sent while EC2 calls are held left behind, and how long the run's processes took to go.</summary>
    private sealed record Stopped(SuiteOutcome Outcome, IReadOnlyList<string> Survivors, TimeSpan Gone, int RequestsAfter);

    private async Task<Stopped> SignalDuringCollectionAsync(PosixSignalNumber signal, bool wholeGroup)
    {
        await using var run = SuiteProcess.Start(Live(OutputWithStaleReports()));
        await run.WaitForLineAsync("ec2:DescribeVpcs started", TimeSpan.FromSeconds(60));
        var before = _moto.Faults.Requests.Count;

        var signalled = Stopwatch.StartNew();
        run.Signal(signal, wholeGroup);
        var survivors = await SurvivorsAfterAsync(run, StopWithin);
        var gone = signalled.Elapsed;
        var outcome = await run.WaitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        TestContext.Out.WriteLine($"{signal} to {(wholeGroup ? "the process group" : "dotnet test alone")}: every process gone after "
            + $"{gone.TotalSeconds:0.0} s; dotnet test exited {outcome.ExitCode}");
        return new Stopped(outcome, survivors, gone, _moto.Faults.Requests.Count - before);
    }

    private static void AssertStoppedCleanly(Stopped stopped)
    {
        Assert.That(stopped.Survivors, Is.Empty, "no process of the run is left calling AWS");
        Assert.That(stopped.Gone, Is.LessThan(StopWithin));
        Assert.That(stopped.RequestsAfter, Is.LessThanOrEqualTo(20), "no collection goes on after the signal");
        AssertNothingStale(stopped.Outcome);
    }

    /// <summary>
    /// Ctrl-C reaches the test host, which says so. A SIGKILL lets none of the suite's code run: error.json, written as the
    /// run started and replaced only by its reports or by the reason it stopped, says the run did not finish.
    /// </summary>
    [TestCase(PosixSignalNumber.Interrupt, "SIGINT received", TestName = "Ctrl-C to the process group stops the run with a non-zero exit, no process left and nothing stale")]
    [TestCase(PosixSignalNumber.Kill, "killed", TestName = "SIGKILL to the process group leaves error.json saying the run did not finish")]
    public async Task A_signal_to_the_process_group_stops_the_run_with_a_non_zero_exit_no_process_left_and_nothing_stale(PosixSignalNumber signal, string errorSays)
    {
        var stopped = await SignalDuringCollectionAsync(signal, wholeGroup: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stopped.Outcome.ExitCode, Is.Not.Zero, stopped.Outcome.Output);
            AssertStoppedCleanly(stopped);
            Assert.That(stopped.Outcome.Error?.GetProperty("message").GetString(), Does.Contain(errorSays));
        }
    }

    /// <summary>
    /// A SIGTERM to the process group reaches the test host, which cancels collection and says it was interrupted (or, when
    /// vstest.console ends it first, the error.json written as the run started says so). The dotnet CLI itself exits 0 on
    /// SIGTERM before any of the suite's code can object (see README, Interruption).
    /// </summary>
    [Test]
    public async Task Sigterm_to_the_process_group_stops_the_run_leaving_no_process_and_nothing_stale()
    {
        var stopped = await SignalDuringCollectionAsync(PosixSignalNumber.Terminate, wholeGroup: true);

        using (Assert.EnterMultipleScope())
            AssertStoppedCleanly(stopped);
    }

    /// <summary>
    /// A SIGTERM to `dotnet test` alone ends it at once and used to leave vstest.console and the test host collecting and
    /// writing reports; the test host now notices its starter is gone and stops within a poll interval.
    /// </summary>
    [Test]
    public async Task Sigterm_to_dotnet_test_alone_leaves_no_orphan_calling_aws_and_nothing_stale()
    {
        var stopped = await SignalDuringCollectionAsync(PosixSignalNumber.Terminate, wholeGroup: false);

        using (Assert.EnterMultipleScope())
            AssertStoppedCleanly(stopped);
    }

    /// <summary>
    /// The run's Timeout cuts the held EC2 calls off: the run finishes on what it has, the projects' findings that needed
    /// EC2 (their VPC's routes) say so, and it exits non-zero saying it timed out.
    /// </summary>
    [Test]
    public async Task A_run_whose_timeout_runs_out_is_judged_on_what_it_has_and_says_it_timed_out()
    {
        var timedOut = await SuiteProcess.RunAsync(Live(timeout: "4s"), new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(timedOut.ExitCode, Is.Not.Zero, timedOut.Output);
            Assert.That(timedOut.Output, Does.Contain("TIMED OUT: the run's Timeout of 4s ran out"));
            var findings = timedOut.Findings!.RootElement;
            Assert.That(findings.GetProperty("exitCode").GetInt32(), Is.EqualTo(5));
            Assert.That(findings.GetProperty("timedOut").GetProperty("notCollected").EnumerateArray().Select(c => c.GetString()),
                Does.Contain("ec2:DescribeVpcs"));
            Assert.That(timedOut.FindingsOf("CB-2").First().GetProperty("status").GetString(), Is.EqualTo("inconclusive"));
            Assert.That(timedOut.FindingsOf("CB-1").Concat(timedOut.FindingsOf("CB-2")).Where(f => f.GetProperty("status").GetString() == "inconclusive")
                .Select(f => f.GetProperty("remediation").GetString()), Has.Some.Contains("raise Timeout"));
        }
    }

    /// <summary>While a run collects, a second run on the same Output is refused, naming the first, and leaves its folder alone.</summary>
    [Test]
    public async Task A_second_run_on_the_same_output_is_refused_while_the_first_collects()
    {
        var output = Path.Combine(Path.GetTempPath(), $"shared-{Guid.NewGuid():N}");
        await using var first = SuiteProcess.Start(Live(output));
        await first.WaitForLineAsync("ec2:DescribeVpcs started", TimeSpan.FromSeconds(60));
        var before = FilesIn(output);

        var second = await SuiteProcess.RunAsync(new SuiteStart(OutputFolder: output), new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.ExitCode, Is.Not.Zero, second.Output);
            Assert.That(second.Occurrences($"{output} in use by the run with pid"), Is.EqualTo(1), second.Output);
            Assert.That(second.Output, Does.Contain("(target live)"), "the message says which run holds the folder");
            Assert.That(first.Survivors(), Is.Not.Empty, "the first run goes on");
            Assert.That(FilesIn(output), Is.EqualTo(before), "the refused run wrote nothing into the first run's folder");
            Assert.That(before.Select(f => f.Name), Has.Member("error.json"), "the first run's folder says it has not finished");
        }
    }
}
