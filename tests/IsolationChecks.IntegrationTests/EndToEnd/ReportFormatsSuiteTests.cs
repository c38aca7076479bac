using System.Xml.Linq;
using IsolationChecks.Reporting;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>The files CI systems ingest, from `dotnet test IsolationTests` as users run it.</summary>
[Category("EndToEnd")]
public class ReportFormatsSuiteTests
{
    [Test]
    public async Task A_run_leaves_every_registered_report_in_its_output()
    {
        var outcome = await SuiteProcess.RunAsync(new Dictionary<string, string>(), null, CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.Zero, outcome.Output);
        Assert.That(Directory.EnumerateFiles(outcome.OutputFolder).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(),
            Is.EqualTo(ReportFormats.All.Select(f => f.FileName).Order()));
        foreach (var format in ReportFormats.All)
            Assert.That(outcome.Output, Does.Contain($"IsolationChecks results: {Path.Combine(outcome.OutputFolder, format.FileName)}"), "each file is named at the end of the run");
    }

    /// <summary>
    /// The nightly settings file makes vstest write JUnit XML beside the TRX file. Run here without a posture file, the
    /// run stops at its configuration error, which is itself a failing test case the JUnit file carries; nothing reaches AWS.
    /// </summary>
    [Test]
    public async Task The_nightly_settings_file_writes_junit_xml_for_the_ci_system()
    {
        var outcome = await SuiteProcess.RunAsync(new SuiteStart(SettingsFile: "runsettings/nightly.runsettings"), CancellationToken.None);

        var junit = Path.Combine(outcome.OutputFolder + "-test-results", "isolation-nightly.junit.xml");
        Assert.That(outcome.ExitCode, Is.Not.Zero, outcome.Output);
        Assert.That(File.Exists(junit), Is.True, $"{junit}\n{outcome.Output}");
        var cases = XDocument.Load(junit).Descendants("testcase").ToList();
        Assert.That(cases, Is.Not.Empty);
        Assert.That(cases.Where(c => c.Element("failure") is not null).Select(c => (string?)c.Attribute("name")), Has.Some.Contain("Suite configuration"));
        Assert.That(cases.SelectMany(c => c.Descendants("failure")).Select(f => f.Value), Has.Some.Contain("Posture"), "the failure says what to fix");
    }
}
