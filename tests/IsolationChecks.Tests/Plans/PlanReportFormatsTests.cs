using System.Text;
using IsolationChecks.Reporting;
using IsolationChecks.Tests.Reporting;

namespace IsolationChecks.Tests.Plans;

/// <summary>
/// Every registered report format, whatever is added to the registry later, marks a plan run as hypothetical, and does not
/// when the same evidence is judged without a plan; findings.csv says so on every row.
/// </summary>
public class PlanReportFormatsTests
{
    public static IEnumerable<TestCaseData> Formats() => ReportFormats.All.Select(f => new TestCaseData(f.Name).SetName($"{f.FileName} marks a plan run hypothetical"));

    [TestCaseSource(nameof(Formats))]
    public async Task Every_report_format_marks_a_plan_run_hypothetical(string name)
    {
        var format = ReportFormats.Named(name);
        var planned = await PlanJudgementTests.JudgeAsync(PlanJudgementTests.Case("gitlab-sg-open-to-world"));
        var plain = planned with { Plan = null };

        var withPlan = Encoding.UTF8.GetString(format.Write(new ReportInput(planned)));
        var without = Encoding.UTF8.GetString(format.Write(new ReportInput(plain)));

        Assert.That(withPlan, Does.Contain("hypothetical").IgnoreCase);
        Assert.That(Marks(without), Is.LessThan(Marks(withPlan)), "the marker is the plan's, not a word every run carries");
    }

    [Test]
    public async Task Every_row_of_a_plan_runs_csv_says_it_is_hypothetical()
    {
        var planned = await PlanJudgementTests.JudgeAsync(PlanJudgementTests.Case("gitlab-sg-open-to-world"));
        var column = CsvReport.Columns.ToList().IndexOf("hypothetical");

        var rows = Rfc4180.Read(Encoding.UTF8.GetString(CsvReport.Serialize(planned))).Skip(1).ToList();
        var plain = Rfc4180.Read(Encoding.UTF8.GetString(CsvReport.Serialize(planned with { Plan = null }))).Skip(1).ToList();

        Assert.That(rows, Has.Count.EqualTo(planned.Findings.Count).And.Count.GreaterThan(0));
        Assert.That(rows.Select(r => r[column]), Has.All.EqualTo("true"));
        Assert.That(plain.Select(r => r[column]), Has.All.EqualTo("false"));
    }

    /// <summary>How often a report says "hypothetical" with a value other than false.</summary>
    private static int Marks(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, "hypothetical", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Count
        - System.Text.RegularExpressions.Regex.Matches(text, "\"hypothetical\"\\s*:\\s*false|,false\r\n", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Count;
}
