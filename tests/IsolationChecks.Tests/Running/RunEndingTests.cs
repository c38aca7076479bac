using System.Diagnostics;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Running;

/// <summary>How a run ends decides the exit code a pipeline reads; interruptions reach every listener once.</summary>
public class RunEndingTests
{
    private static readonly ControlMetadata High = Control("CB-2", Severity.High);

    public static IEnumerable<TestCaseData> Endings()
    {
        yield return new TestCaseData(new RunOutcome.Completed(Run([Finding(High, "a", Status.Pass)])), ExitCodes.GatePassed).SetName("a passing gate exits 0");
        yield return new TestCaseData(new RunOutcome.Completed(Run([Finding(High, "a", Status.Inconclusive)])), ExitCodes.GateFailed)
            .SetName("a gate failed by an inconclusive finding exits 1");
        yield return new TestCaseData(
                new RunOutcome.Completed(Run([Finding(High, "a", Status.Pass)]) with { TimedOut = new RunTimedOut(TimeSpan.FromMinutes(1), ["ec2:DescribeVpcs"]) }),
                ExitCodes.TimedOut)
            .SetName("a timed-out run exits 5 even when what it saw passed");
        yield return new TestCaseData(new RunOutcome.ConfigurationError("runsettings: Target: ..."), ExitCodes.ConfigurationError).SetName("bad input exits 2");
        yield return new TestCaseData(new RunOutcome.Interrupted("SIGTERM received"), ExitCodes.Interrupted).SetName("an interruption exits 4");
        yield return new TestCaseData(new RunOutcome.Broken("NullReferenceException"), ExitCodes.GateFailed).SetName("a broken suite never exits 0");
    }

    [TestCaseSource(nameof(Endings))]
    public void Each_ending_has_its_documented_exit_code(RunOutcome outcome, int exitCode)
    {
        Assert.That(outcome.ExitCode, Is.EqualTo(exitCode));
        Assert.That(ExitCodes.Documented.Select(c => c.Code), Does.Contain(exitCode));
    }

    [Test]
    public void The_documented_codes_are_distinct_and_zero_means_only_a_passed_gate()
    {
        Assert.That(ExitCodes.Documented.Select(c => c.Code), Is.Unique);
        Assert.That(ExitCodes.Documented.Where(c => c.Code == 0).Select(c => c.Meaning), Is.EqualTo(new[] { "gate passed" }));
    }

    [Test]
    public void The_first_interruption_wins_and_reaches_each_listener_once()
    {
        using var interruption = new Interruption();
        var heard = new List<string>();
        using var subscription = interruption.OnInterrupted(heard.Add);

        interruption.Interrupt("SIGTERM received");
        interruption.Interrupt("SIGINT received");

        Assert.That(heard, Is.EqualTo(new[] { "SIGTERM received" }));
        Assert.That(interruption.Reason, Is.EqualTo("SIGTERM received"));
        Assert.That(interruption.Token.IsCancellationRequested, Is.True);
        var late = new List<string>();
        using var lateSubscription = interruption.OnInterrupted(late.Add);
        Assert.That(late, Is.EqualTo(new[] { "SIGTERM received" }), "a listener that subscribes afterwards hears it at once");
    }

    [Test]
    public async Task A_watched_process_that_ends_interrupts_within_a_second()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        await ExecutedAsync(sleeper.Id, "sleep 30");
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var watch = ParentWatch.Of([sleeper.Id], reason => ended.TrySetResult(reason));
        Assert.That(watch.Watched.Select(p => p.Id), Is.EqualTo(new[] { sleeper.Id }));

        var killed = Stopwatch.StartNew();
        sleeper.Kill();
        var reason = await ended.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(reason, Does.Contain($"pid {sleeper.Id}").And.Contain("sleep 30"));
        Assert.That(killed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
    }

    // Process.Start returns once the child has begun exec; the kernel sets the new program's arguments a moment later,
    // and /proc/<pid>/cmdline reads empty until it has (seen in CI: "pid 11986: ").
    private static Task ExecutedAsync(int processId, string commandLine) =>
        Polling.UntilAsync(() => ProcessEntry.Read(processId)?.CommandLine == commandLine, $"pid {processId} never showed the command line '{commandLine}'");

    [Test]
    public void The_lineage_of_a_process_not_started_by_vstest_is_its_parent_alone()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        try
        {
            Assert.That(ParentWatch.Lineage(sleeper.Id).Select(p => p.Id), Is.EqualTo(new[] { Environment.ProcessId }));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Test]
    public async Task A_watch_on_processes_that_keep_running_stays_quiet()
    {
        var ended = false;
        await using (ParentWatch.Of([Environment.ProcessId], _ => ended = true))
            await Task.Delay(ParentWatch.PollInterval * 3);

        Assert.That(ended, Is.False);
    }
}

/// <summary>A run that does not unwind after an interruption is ended; one that did is left alone.</summary>
public class InterruptionGraceTests
{
    [Test]
    public async Task A_run_still_going_after_the_grace_period_is_ended()
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var interruption = new Interruption(() => ended.TrySetResult(), TimeSpan.FromMilliseconds(100));
        using var stillRunning = interruption.OnInterrupted(_ => { });

        interruption.Interrupt("the process that started this run ended");

        Assert.That(await Task.WhenAny(ended.Task, Task.Delay(TimeSpan.FromSeconds(5))), Is.SameAs(ended.Task));
    }

    [Test]
    public async Task A_run_that_unwound_in_time_is_not_ended()
    {
        var ended = false;
        using var interruption = new Interruption(() => ended = true, TimeSpan.FromMilliseconds(100));
        var running = interruption.OnInterrupted(_ => { });

        interruption.Interrupt("SIGTERM received");
        running.Dispose();
        await Task.Delay(TimeSpan.FromMilliseconds(400));

        Assert.That(ended, Is.False);
    }
}
