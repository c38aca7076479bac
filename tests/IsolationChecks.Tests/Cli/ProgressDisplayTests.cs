using IsolationChecks.Cli.Progress;
using IsolationChecks.Collection;
using Spectre.Console.Testing;

namespace IsolationChecks.Tests.Cli;

/// <summary>
/// Progress per account, region and service (calls done, failed, retries, throttled, elapsed): a live table on a terminal
/// (rendered here on Spectre's test console), plain lines elsewhere, each line as it happens and a summary at the end.
/// </summary>
public class ProgressDisplayTests
{
    private static readonly CollectionProgress[] Events =
    [
        new("prd", "ec2:DescribeVpcs", "started", 0, 0, TimeSpan.FromSeconds(0.1), Account: "222222222222", Region: "ap-northeast-1"),
        new("prd", "ec2:DescribeVpcs", "ok", 1, 0, TimeSpan.FromSeconds(0.4), Attempts: 3, Account: "222222222222", Region: "ap-northeast-1"),
        new("prd", "ec2:DescribeSubnets", "started", 1, 0, TimeSpan.FromSeconds(0.5), Account: "222222222222", Region: "ap-northeast-1"),
        new("prd", "ec2:DescribeSubnets", "failed", 2, 1, TimeSpan.FromSeconds(2.5), Attempts: 5, ErrorCode: "Throttling", Account: "222222222222", Region: "ap-northeast-1"),
        new("dev", "iam:GetAccountAuthorizationDetails", "started", 2, 1, TimeSpan.FromSeconds(0.2), Account: "111111111111", Region: "ap-northeast-1"),
    ];

    [Test]
    public void The_tally_sums_each_account_region_and_service()
    {
        var tally = new CollectionTally();
        foreach (var e in Events)
            tally.Add(e);

        Assert.That(tally.Rows.Select(CollectionTally.Line), Is.EqualTo(new[]
        {
            "dev 111111111111 ap-northeast-1 iam: 0 calls done, 0 failed, 0 retries, 0 throttled, 0.2s",
            "prd 222222222222 ap-northeast-1 ec2: 2 calls done, 1 failed, 6 retries, 1 throttled, 2.5s",
        }));
        Assert.That(tally.Rows[0].Running, Is.EqualTo(1));
    }

    [Test]
    public async Task On_a_terminal_the_table_is_drawn_live_with_every_row_and_the_latest_lines()
    {
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        console.Profile.Width = 160;
        var progress = new LiveProgress(console);
        var release = new TaskCompletionSource();

        var run = progress.RunAsync(async () =>
        {
            foreach (var e in Events)
                progress.Report(e);
            progress.Report("Evaluating 25 controls");
            await release.Task;
            return 7;
        });
        await Task.Delay(300);
        release.SetResult();

        Assert.That(await run, Is.EqualTo(7));
        var screen = console.Output;
        Assert.That(screen, Does.Contain("prd 222222222222").And.Contain("dev 111111111111").And.Contain("ap-northeast-1"));
        Assert.That(screen, Does.Contain("throttled").And.Contain("retries").And.Contain("Evaluating 25 controls"));
        Assert.That(screen, Does.Contain("\u001b["), "drawn with ANSI sequences, in place");
    }

    [Test]
    public async Task Elsewhere_each_event_is_one_plain_line_and_the_summary_follows()
    {
        using var error = new StringWriter();
        var progress = new PlainProgress(error);

        await progress.RunAsync(() =>
        {
            foreach (var e in Events)
                progress.Report(e);
            progress.Report("Evaluating 25 controls");
            return Task.FromResult(0);
        });

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.All.StartWith(PlainProgress.Prefix));
        Assert.That(error.ToString().Contains((char)27), Is.False, "no terminal control sequences in a log");
        Assert.That(lines, Has.Some.Contain("prd: ec2:DescribeSubnets failed with Throttling after 5 attempts (4 retries, throttled)"));
        Assert.That(lines[^2..], Is.EqualTo(new[]
        {
            PlainProgress.Prefix + "collected dev 111111111111 ap-northeast-1 iam: 0 calls done, 0 failed, 0 retries, 0 throttled, 0.2s",
            PlainProgress.Prefix + "collected prd 222222222222 ap-northeast-1 ec2: 2 calls done, 1 failed, 6 retries, 1 throttled, 2.5s",
        }));
    }

    [Test]
    public async Task A_shard_s_plain_lines_all_start_with_its_label_and_its_summary_is_one_line_per_target()
    {
        using var error = new StringWriter();
        var progress = new PlainProgress(error, "shard 2/4");

        await progress.RunAsync(() =>
        {
            progress.Report("shard 2/4: 2 of the plan's 8 targets");
            foreach (var e in Events)
                progress.Report(e);
            progress.Report("shard 2/4: done, 2 calls, 1 failed, 1 throttled to the end");
            return Task.FromResult(0);
        });

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.All.StartWith("shard 2/4: ").And.None.StartWith("shard 2/4: shard"), "the label once, on every line");
        Assert.That(lines[0], Is.EqualTo("shard 2/4: 2 of the plan's 8 targets"));
        Assert.That(lines[^3..], Is.EqualTo(new[]
        {
            "shard 2/4: done, 2 calls, 1 failed, 1 throttled to the end",
            "shard 2/4: collected dev 111111111111 ap-northeast-1 all services: 0 calls done, 0 failed, 0 retries, 0 throttled, 0.2s",
            "shard 2/4: collected prd 222222222222 ap-northeast-1 all services: 2 calls done, 1 failed, 6 retries, 1 throttled, 2.5s",
        }));
    }

    [Test]
    public async Task A_shard_s_live_table_has_a_row_per_target_under_its_label()
    {
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        console.Profile.Width = 160;
        var progress = new LiveProgress(console, "shard 2/4");

        await progress.RunAsync(() =>
        {
            foreach (var e in Events)
                progress.Report(e);
            return Task.FromResult(0);
        });

        var screen = console.Output;
        Assert.That(screen, Does.Contain("IsolationChecks: collection, shard 2/4"));
        Assert.That(screen, Does.Contain("prd 222222222222").And.Contain("dev 111111111111"));
        Assert.That(screen, Does.Not.Contain("service").And.Not.Contain("ec2"), "one row per target, not per service");
        Assert.That(screen, Does.Contain("throttled").And.Contain("failed"));
    }
}
