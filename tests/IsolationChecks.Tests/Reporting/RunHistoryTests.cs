using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Reporting;

/// <summary>The History setting: earlier runs' findings.json charted over time; what cannot be read is a note, never a crash.</summary>
public class RunHistoryTests
{
    private string _root = "";

    [SetUp]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("history-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_root, recursive: true);

    private string History => Path.Combine(_root, "history");

    /// <summary>An earlier run's Output folder, named so that folder order and time order disagree.</summary>
    private string EarlierRun(string folder, int daysAgo, int failures, byte[]? findingsJson = null)
    {
        var path = Path.Combine(History, folder);
        Directory.CreateDirectory(path);
        var findings = Enumerable.Range(0, 3).Select(i => Finding(Control($"CB-{i + 1}"), $"build-{i}", Status.Pass))
            .Concat(Enumerable.Range(0, failures).Select(i => Finding(Control("CB-3"), $"leaky-{i}", Status.Fail))).ToList();
        var run = Run(findings) with { StartedAt = Now.AddDays(-daysAgo), FinishedAt = Now.AddDays(-daysAgo).AddMinutes(2) };
        File.WriteAllBytes(Path.Combine(path, FindingsJson.FileName), findingsJson ?? FindingsJson.Serialize(run));
        return path;
    }

    [Test]
    public void The_latest_runs_are_read_oldest_first_by_when_they_started_not_by_folder_name()
    {
        EarlierRun("b", daysAgo: 3, failures: 0);
        EarlierRun("a", daysAgo: 1, failures: 2);
        EarlierRun("c", daysAgo: 2, failures: 1);
        EarlierRun("z-oldest", daysAgo: 9, failures: 5);

        var history = RunHistory.Read(History, limit: 3, currentOutput: Path.Combine(_root, "out"));

        Assert.That(history.Runs.Select(r => Path.GetFileName(r.Folder)), Is.EqualTo(new[] { "b", "c", "a" }));
        Assert.That(history.Runs.Select(r => r.Counts[Status.Fail]), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(history.Runs.Select(r => r.GatePassed), Is.EqualTo(new[] { true, false, false }));
        Assert.That(history.Notes, Is.Empty);
    }

    [Test]
    public void A_damaged_findings_json_is_a_note_naming_the_file_and_where_it_breaks()
    {
        EarlierRun("good", daysAgo: 1, failures: 1);
        var truncated = EarlierRun("truncated", daysAgo: 2, failures: 0, findingsJson: "{\n  \"startedAt\": \"2026-03-13T09:30:00+00:00\",\n  \"counts\": {"u8.ToArray());
        var wrongType = EarlierRun("wrong-type", daysAgo: 3, failures: 0);
        File.WriteAllText(Path.Combine(wrongType, FindingsJson.FileName),
            File.ReadAllText(Path.Combine(wrongType, FindingsJson.FileName)).Replace("\"fail\": 0", "\"fail\": \"none\"", StringComparison.Ordinal));
        var notJson = EarlierRun("not-json", daysAgo: 4, failures: 0, findingsJson: "<html>oops</html>"u8.ToArray());
        Directory.CreateDirectory(Path.Combine(History, "interrupted"));
        File.WriteAllText(Path.Combine(History, "interrupted", OutputFolder.ErrorJsonFile), """{"kind": "interrupted", "exitCode": 4}""");
        var killedWhileWriting = EarlierRun("killed-while-writing", daysAgo: 5, failures: 0);
        File.WriteAllText(Path.Combine(killedWhileWriting, OutputFolder.ErrorJsonFile), """{"kind": "interrupted", "exitCode": 4}""");

        var history = RunHistory.Read(History, limit: 30, currentOutput: Path.Combine(_root, "out"));
        var html = HtmlReport.Render(Run([Finding(Control("CB-1"), "app-build", Status.Pass)]), history);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(history.Runs.Select(r => Path.GetFileName(r.Folder)), Is.EqualTo(new[] { "good" }));
            Assert.That(history.Notes, Has.Some.Contain(Path.Combine(truncated, FindingsJson.FileName)).And.Some.Contain("line 3, column"));
            Assert.That(history.Notes, Has.Some.Contain(Path.Combine(wrongType, FindingsJson.FileName)).And.Some.Contain("$.counts.fail is missing or not a number"));
            Assert.That(history.Notes, Has.Some.Contain(Path.Combine(notJson, FindingsJson.FileName)).And.Some.Contain("line 1, column 1"));
            Assert.That(history.Notes, Has.Some.Contain("interrupted").And.Some.Contain("error.json says interrupted"));
            Assert.That(history.Notes, Has.Some.StartsWith($"{killedWhileWriting}: that run ended without a verdict (error.json says interrupted)"),
                "error.json beside a findings.json: the run never finished writing it");
            Assert.That(history.Notes, Has.All.Contain("not charted"));
            Assert.That(html, Does.Contain("id=\"trend\"").And.Contain("Not charted:"));
            foreach (var note in history.Notes)
                Assert.That(html, Does.Contain(System.Net.WebUtility.HtmlEncode(note)));
        }
    }

    [Test]
    public void The_trend_chart_has_a_column_per_earlier_run_and_one_for_this_run()
    {
        EarlierRun("mon", daysAgo: 2, failures: 1);
        EarlierRun("tue", daysAgo: 1, failures: 0);

        var history = RunHistory.Read(History, limit: 30, currentOutput: Path.Combine(_root, "out"));
        var svg = StatusCharts.Trend(history, Run([Finding(Control("CB-1"), "app-build", Status.Fail)]));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(svg, Does.StartWith("<svg").And.Contain("over the last 3 runs"));
            Assert.That(svg, Does.Contain($"{RunHistory.Label(Now.AddDays(-2))}: 4 findings: 1 fail, 3 pass; gate failed"));
            Assert.That(svg, Does.Contain($"{RunHistory.Label(Now.AddDays(-1))}: 3 findings: 3 pass; gate passed"));
            Assert.That(svg, Does.Contain("this run: 1 finding: 1 fail; gate failed"));
        }
    }

    [Test]
    public void This_runs_own_output_inside_the_history_folder_is_left_out()
    {
        EarlierRun("yesterday", daysAgo: 1, failures: 0);
        var current = EarlierRun("today", daysAgo: 0, failures: 0);

        var history = RunHistory.Read(History, limit: 30, currentOutput: current);

        Assert.That(history.Runs.Select(r => Path.GetFileName(r.Folder)), Is.EqualTo(new[] { "yesterday" }));
    }

    [Test]
    public async Task A_run_with_the_history_setting_charts_the_earlier_runs_in_its_report()
    {
        EarlierRun("2026-03-14", daysAgo: 1, failures: 2);
        var output = Path.Combine(_root, "out");
        var request = new RunRequest(new Dictionary<string, string> { ["Output"] = output, ["History"] = History, ["HistoryRuns"] = "5" }, new Dictionary<string, string>(), _root, RepositoryPaths.Root);

        var finished = await new AuditRun(ControlCatalog.Discover().Controls, TimeProvider.System).RunAsync(request, null, new Interruption());

        Assert.That(finished.ExitCode, Is.EqualTo(ExitCodes.GatePassed));
        var html = await File.ReadAllTextAsync(Path.Combine(output, HtmlReport.FileName));
        Assert.That(html, Does.Contain("id=\"trend\"").And.Contain("the 1 earlier run read from").And.Contain($"{RunHistory.Label(Now.AddDays(-1))}: 5 findings: 2 fail, 3 pass"));
    }
}
