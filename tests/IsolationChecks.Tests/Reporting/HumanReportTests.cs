using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Reporting;

public class HumanReportTests
{
    private const string Hostile = "<script>alert('x')</script>";

    private static RunResult MixedRun() => Run([
        Finding(Control("CB-1"), "passing-build", Status.Pass, "has a VPC configuration"),
        Finding(Control("CB-4", Severity.Medium), "waived-build", Status.Waived, "waived (fail): no logs"),
        Finding(Control("CB-2"), "failing-build", Status.Fail, "subnet-1 routes 0.0.0.0/0 to nat-1") with
        {
            Remediation = "Remove the route to nat-1 from rtb-1.",
        },
        Finding(Control("CB-5", Severity.High), "undecided-build", Status.Inconclusive, "codebuild:BatchGetProjects failed with AccessDenied"),
        Finding(Control("CB-3"), "broken-build", Status.Error, "the control could not be evaluated"),
    ]);

    private static int At(string text, string fragment)
    {
        var index = text.IndexOf(fragment, StringComparison.Ordinal);
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"the report contains '{fragment}'");
        return index;
    }

    public static IEnumerable<TestCaseData> Renderers()
    {
        yield return new TestCaseData(new Func<RunResult, string>(MarkdownReport.Render)).SetArgDisplayNames("report.md");
        yield return new TestCaseData(new Func<RunResult, string>(HtmlReport.Render)).SetArgDisplayNames("report.html");
    }

    [TestCaseSource(nameof(Renderers))]
    public void What_needs_attention_comes_before_waivers_and_passes(Func<RunResult, string> render)
    {
        var report = render(MixedRun());

        using (Assert.EnterMultipleScope())
        {
            var failing = At(report, "CB-2 failing-build");
            var errored = At(report, "CB-3 broken-build");
            var undecided = At(report, "CB-5 undecided-build");
            var waived = At(report, "CB-4 waived-build");
            // Passes are summarised per control: the resource is listed under its control.
            var passing = At(report, "passing-build");
            Assert.That(new[] { failing, errored, undecided, waived, passing }, Is.Ordered, "fail, error, inconclusive, waived, pass");
            Assert.That(At(report, "Counts"), Is.LessThan(failing), "counts come first");
        }
    }

    [TestCaseSource(nameof(Renderers))]
    public void A_failure_shows_its_message_evidence_and_remediation(Func<RunResult, string> render)
    {
        var report = render(MixedRun());
        var failure = report[At(report, "CB-2 failing-build")..At(report, "CB-3 broken-build")];

        Assert.That(failure, Does.Contain("subnet-1 routes 0.0.0.0/0 to nat-1")
            .And.Contain("fact about failing-build")
            .And.Contain("codebuild/batch-get-projects.json")
            .And.Contain("Remove the route to nat-1 from rtb-1."));
    }

    [TestCaseSource(nameof(Renderers))]
    public void The_summary_gives_the_gate_verdict_and_counts_per_status_and_severity(Func<RunResult, string> render)
    {
        var report = render(MixedRun());

        Assert.That(report, Does.Contain("FAILED: 3 critical/high finding(s)"));
        foreach (var word in new[] { "critical", "high", "medium", "low", "pass", "fail", "inconclusive", "error", "waived" })
            Assert.That(report[..At(report, "CB-2 failing-build")], Does.Contain(word));
    }

    [Test]
    public void The_markdown_count_table_has_a_row_per_severity_and_a_total()
    {
        var report = MarkdownReport.Render(MixedRun());

        Assert.That(report, Does.Contain("| Severity | Total | pass | fail | inconclusive | error | waived |"));
        Assert.That(report, Does.Contain("| critical | 3 | 1 | 1 | 0 | 1 | 0 |"));
        Assert.That(report, Does.Contain("| **all** | 5 | 1 | 1 | 1 | 1 | 1 |"));
    }

    [Test]
    public void The_html_report_encodes_every_value_so_a_resource_name_cannot_inject_a_script()
    {
        var run = Run([Finding(Control("CB-1"), Hostile, Status.Fail, $"message with {Hostile}") with
        {
            Evidence = [new EvidenceFact(Hostile, Hostile, Hostile)],
        }]) with { PostureName = Hostile };

        var html = HtmlReport.Render(run);

        Assert.That(html, Does.Not.Contain("<script").IgnoreCase);
        Assert.That(html, Does.Contain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    }

    [Test]
    public void The_markdown_report_shows_a_hostile_name_as_text()
    {
        var run = Run([Finding(Control("CB-1"), Hostile, Status.Fail) with { Message = "line one\nline two | pipe" }]);

        var md = MarkdownReport.Render(run);

        Assert.That(md, Does.Not.Contain("<script"));
        Assert.That(md, Does.Contain("&lt;script&gt;"));
        Assert.That(md, Does.Contain("line one line two \\| pipe"));
    }

    [Test]
    public void The_html_report_is_self_contained()
    {
        var html = HtmlReport.Render(MixedRun());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(html, Does.StartWith("<!DOCTYPE html>"));
            Assert.That(html, Does.Contain("<style>"));
            Assert.That(html, Does.Not.Contain("<link").And.Not.Contain("<script").And.Not.Contain("src=").And.Not.Contain("url("));
            Assert.That(html, Does.Not.Contain("http://").And.Not.Contain("https://"));
        }
    }

    [Test]
    public async Task The_writer_puts_every_registered_report_in_the_output_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"isolation-report-{Guid.NewGuid():N}", "nested");
        try
        {
            var files = await ReportWriter.WriteAsync(MixedRun(), folder, CancellationToken.None);

            Assert.That(files.All.Select(Path.GetFileName), Is.EqualTo(new[]
            {
                "findings.json", "report.md", "report.html", "findings.junit.xml", "findings.sarif", "findings.ocsf.jsonl", "findings.csv",
            }));
            Assert.That(files.All.Select(Path.GetDirectoryName), Has.All.EqualTo(Path.GetFullPath(folder)));
            Assert.That(files.All.Select(f => new FileInfo(f).Length), Has.All.GreaterThan(100));
            Assert.That(OutputFolder.RunFiles, Is.SupersetOf(files.All.Select(Path.GetFileName)), "a new run removes each of them first");
            Assert.That(await File.ReadAllTextAsync(files.Markdown), Is.EqualTo(MarkdownReport.Render(MixedRun())));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }
}
