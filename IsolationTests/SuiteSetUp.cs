using IsolationChecks.Reporting;
using IsolationChecks.Running;

namespace IsolationTests;

/// <summary>
/// Around the whole suite: at the end, say how the run ended and where its files are. A run that did not pass
/// fails this fixture's teardown, which fails <c>dotnet test</c> whatever <c>--filter</c> selected: the exit code
/// follows the audit gate over all findings, not over the selected tests.
/// </summary>
[SetUpFixture]
public sealed class SuiteSetUp
{
    [OneTimeTearDown]
    public void ReportTheRun()
    {
        var outcome = SuiteRun.Outcome;
        var finished = outcome.Finished;
        var files = finished.Files.Select(file => $"IsolationChecks results: {file}").ToList();
        if (finished.ExitCode == ExitCodes.GatePassed)
        {
            // TestContext.Error: the adapter shows it at dotnet test's default verbosity.
            if (finished.Result is { DemoData: true })
                TestContext.Error.WriteLine($"IsolationChecks {RunResult.DemoNotice}");
            if (finished.Result is { Plan: not null })
                TestContext.Error.WriteLine($"IsolationChecks {PlanReport.HypotheticalNotice}");
            TestContext.Error.WriteLine($"IsolationChecks {finished.Outcome.Message}");
            foreach (var line in files)
                TestContext.Error.WriteLine(line);
            return;
        }

        // The failure's own test case already printed a configuration error or interruption when the filter selected it.
        var message = finished.Outcome is RunOutcome.Completed || !outcome.FailureReported
            ? finished.Outcome.Message
            : $"the run ended with a {finished.Outcome.Kind}: see \"{SuiteCases.CaseNameFor(finished.Outcome)}\" above";
        var lines = new List<string> { $"IsolationChecks {message}" };
        if (finished.Result is { Plan: not null })
            lines.Insert(0, $"IsolationChecks {PlanReport.HypotheticalNotice}");
        lines.AddRange(files);
        lines.Add($"IsolationChecks exit code {finished.ExitCode} ({OutputFolder.Meaning(finished.ExitCode)}); dotnet test exits non-zero");
        throw new SuiteFailure(string.Join('\n', lines));
    }
}
