using System.Text.Json;
using System.Text.RegularExpressions;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Reporting;

/// <summary>
/// Reports at 100 times the reference: the controls' findings on the reference and on the network violation fixtures,
/// each copy's resources renamed as if 100 accounts held them. Failures come first, passes are summarised per control,
/// report.html stays under 2 MB, findings.json stays complete.
/// </summary>
public partial class ReportAtScaleTests
{
    private const int Copies = 100;
    private const int TwoMegabytes = 2 * 1024 * 1024;

    private static RunResult? _run;

    /// <summary>The 100× run, built once: 100 copies of the reference's and the violations' findings, one account each.</summary>
    private static async Task<RunResult> HundredfoldAsync()
    {
        if (_run is not null)
            return _run;
        var one = new List<Finding>(await ReportSamples.FindingsOf(Support.RepositoryPaths.Reference));
        foreach (var violation in ReportSamples.NetworkViolations)
            one.AddRange(await ReportSamples.ViolationsOf(violation));
        var findings = Enumerable.Range(0, Copies).SelectMany(copy => one.Select(f => Copy(f, copy))).ToList();
        return _run = Run(findings, ControlCatalog.Discover().Controls.Select(c => c.Metadata).ToList());
    }

    private static Finding Copy(Finding finding, int copy)
    {
        var account = (100000000000L + copy).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return finding with
        {
            Resource = finding.Resource with
            {
                Id = $"{finding.Resource.Id}#{copy}",
                Name = copy == 0 ? finding.Resource.Name : $"{finding.Resource.Name}-{copy}",
                Account = account,
            },
        };
    }

    private static int Count(string text, string fragment) => Regex.Count(text, Regex.Escape(fragment));

    [Test]
    public async Task The_run_is_at_least_five_thousand_findings_with_failures_among_them()
    {
        var run = await HundredfoldAsync();

        Assert.That(run.Findings, Has.Count.GreaterThanOrEqualTo(5000));
        Assert.That(run.Counts[Status.Fail], Is.GreaterThanOrEqualTo(Copies * ReportSamples.NetworkViolations.Length));
    }

    [Test]
    public async Task Report_html_stays_under_two_megabytes_with_failures_first_and_passes_summarised()
    {
        var run = await HundredfoldAsync();

        var html = HtmlReport.Render(run);
        var size = ReportText.Utf8.GetByteCount(html);
        TestContext.Out.WriteLine($"report.html at {Copies}x: {size:N0} bytes, {run.Findings.Count:N0} findings");

        var passedSection = html.IndexOf(">Passed (", StringComparison.Ordinal);
        var (before, passed) = (html[..passedSection], html[passedSection..]);
        var controlsWithPasses = run.Findings.Where(f => f.Status == Status.Pass).Select(f => f.Control.Id).Distinct().Count();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(size, Is.LessThan(TwoMegabytes));
            Assert.That(html.IndexOf("<span class=\"status\">fail</span>", StringComparison.Ordinal), Is.LessThan(passedSection), "failures first");
            Assert.That(Count(html, "<details class=\"passed\">"), Is.EqualTo(controlsWithPasses), "one summary per control with passes");
            Assert.That(Count(passed, "<section class=\"finding"), Is.Zero, "no pass is shown in full");
            Assert.That(Count(html, "<section class=\"finding"), Is.LessThanOrEqualTo(run.Findings.Select(f => f.Control.Id).Distinct().Count() * ReportSummary.FullPerControl),
                "at most the full-detail allowance per control");
            foreach (var name in run.Findings.Where(f => f.Status == Status.Pass).Select(f => f.Resource.Name).Distinct().Take(500))
                Assert.That(passed, Does.Contain(System.Net.WebUtility.HtmlEncode(name)), "every passed resource is listed");
            foreach (var failing in run.Findings.Where(f => f.Status == Status.Fail).Take(300))
                Assert.That(before, Does.Contain(System.Net.WebUtility.HtmlEncode(failing.TestName)), "every failure is named before the passes");
        }
    }

    [Test]
    public async Task Report_md_follows_the_same_order_and_summary()
    {
        var run = await HundredfoldAsync();

        var md = MarkdownReport.Render(run);
        TestContext.Out.WriteLine($"report.md at {Copies}x: {ReportText.Utf8.GetByteCount(md):N0} bytes");

        var passedSection = md.IndexOf("## Passed (", StringComparison.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ReportText.Utf8.GetByteCount(md), Is.LessThan(TwoMegabytes));
            Assert.That(md.IndexOf("### FAIL ", StringComparison.Ordinal), Is.LessThan(passedSection));
            Assert.That(Count(md[passedSection..], "### "), Is.Zero, "no pass is shown in full");
            Assert.That(Count(md[passedSection..], "<details><summary>"), Is.EqualTo(run.Findings.Where(f => f.Status == Status.Pass).Select(f => f.Control.Id).Distinct().Count()));
        }
    }

    [Test]
    public async Task Findings_json_keeps_every_finding_with_its_evidence()
    {
        var run = await HundredfoldAsync();

        var bytes = FindingsJson.Serialize(run);
        TestContext.Out.WriteLine($"findings.json at {Copies}x: {bytes.Length:N0} bytes");
        var findings = JsonDocument.Parse(bytes).RootElement.GetProperty("findings");

        Assert.That(findings.GetArrayLength(), Is.EqualTo(run.Findings.Count));
        Assert.That(findings.EnumerateArray().Sum(f => f.GetProperty("evidence").GetArrayLength()), Is.EqualTo(run.Findings.Sum(f => f.Evidence.Count)));
    }

    [Test]
    public async Task The_machine_formats_hold_every_finding_they_carry_at_scale()
    {
        var run = await HundredfoldAsync();

        var sizes = ReportFormats.All.Select(f => (f.FileName, Bytes: f.Write(new ReportInput(run)).Length)).ToList();
        foreach (var (file, bytes) in sizes)
            TestContext.Out.WriteLine($"{file} at {Copies}x: {bytes:N0} bytes");

        Assert.That(ReportSamples.JunitErrors(JunitReport.Serialize(run)), Is.Empty);
        Assert.That(ReportSamples.SarifErrors(SarifReport.Serialize(run)), Is.Empty);
    }
}
