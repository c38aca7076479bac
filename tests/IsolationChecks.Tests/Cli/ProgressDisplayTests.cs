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
}
