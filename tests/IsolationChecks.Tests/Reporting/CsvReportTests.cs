using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using static IsolationChecks.Tests.Reporting.ReportSamples;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Reporting;

/// <summary>findings.csv: RFC 4180, one row per finding in reading order, never a formula.</summary>
public class CsvReportTests
{
    private static int Column(string name) => CsvReport.Columns.ToList().IndexOf(name);

    [Test]
    public async Task Has_a_header_and_one_row_per_finding_in_reading_order()
    {
        var run = await FixtureRunAsync();

        var records = Rfc4180.Read(ReportTextOf(CsvReport.Serialize(run)));

        Assert.That(records[0], Is.EqualTo(CsvReport.Columns));
        Assert.That(records.Skip(1).Select(r => r[Column("testName")]), Is.EqualTo(ReportOrder.Sort(run.Findings).Select(f => f.TestName)));
        Assert.That(records, Has.All.Count.EqualTo(CsvReport.Columns.Count));
    }

    [TestCase("=HYPERLINK(\"http://x\",\"y\")")]
    [TestCase("+1-2")]
    [TestCase("-1")]
    [TestCase("@SUM(A1)")]
    [TestCase("\tindent")]
    [TestCase("\rline")]
    [TestCase("'quoted")]
    public void A_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(string name)
    {
        var run = Run([Finding(Control("CB-1"), name, Status.Fail, name)]);

        var row = Rfc4180.Read(ReportTextOf(CsvReport.Serialize(run)))[1];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(row[Column("resourceName")], Is.EqualTo("'" + name));
            Assert.That(row[Column("message")], Is.EqualTo("'" + name));
            Assert.That(Rfc4180.Shown(row[Column("message")]), Is.EqualTo(name), "what the spreadsheet shows");
        }
    }

    [Test]
    public void Ordinary_text_is_written_as_it_is()
    {
        var run = Run([Finding(Control("CB-1"), "app-build", Status.Pass, "has a VPC, subnets \"a\" and b")]);

        var text = ReportTextOf(CsvReport.Serialize(run));

        Assert.That(text, Does.Contain(",app-build,").And.Contain("\"has a VPC, subnets \"\"a\"\" and b\""));
        Assert.That(text, Does.EndWith("\r\n"));
    }
}
