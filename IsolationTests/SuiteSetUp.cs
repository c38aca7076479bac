using IsolationChecks.Reporting;
using IsolationChecks.Running;

namespace IsolationTests;

/// <summary>
/// Around the whole suite: make sure the run happened (normally it already has, at discovery) and show its
/// progress; at the end write findings.json, report.md and report.html to Output and print their paths.
/// </summary>
[SetUpFixture]
public sealed class SuiteSetUp
{
    [OneTimeSetUp]
    public void EnsureRun()
    {
        var outcome = SuiteRun.Outcome;
        // Lines reported during discovery reach no console (the adapter shows output only while tests run): replay them.
        foreach (var line in outcome.ProgressLines)
            TestContext.Progress.WriteLine($"IsolationChecks: {line}");
        if (outcome.Failure is { } failure)
            TestContext.Error.WriteLine($"IsolationChecks: the suite could not run: {SuiteCases.DescribeFailure(failure)}");
    }

    [OneTimeTearDown]
    public async Task WriteResults()
    {
        if (SuiteRun.Outcome.Result is not { } result)
            return;
        ReportFiles files;
        try
        {
            files = await ReportWriter.WriteAsync(result, result.Settings.OutputFolder, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Fails the run (the adapter turns a teardown failure into a non-zero exit): no verdict without its report.
            throw new IsolationChecks.InputException("Output setting", "Output", "a folder the results can be written to",
                $"{result.Settings.OutputFolder} ({e.Message})", e);
        }

        // TestContext.Error, not Progress: the adapter shows it at dotnet test's default verbosity.
        TestContext.Error.WriteLine($"IsolationChecks audit gate {result.Gate.Describe()}");
        foreach (var file in files.All)
            TestContext.Error.WriteLine($"IsolationChecks results: {file}");
    }
}
