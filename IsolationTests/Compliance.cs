using IsolationChecks.Running;

namespace IsolationTests;

/// <summary>
/// One test per (control, resource) verdict of the run, named "CB-1 app-build runs in a VPC", with
/// Property("Control"), Property("Severity"), Property("Resource") and Category = the control family.
/// </summary>
[TestFixture]
public sealed class Compliance
{
    public static IEnumerable<TestCaseData> Verdicts() => SuiteRun.Outcome.Cases.Select(ToTestCaseData);

    [TestCaseSource(nameof(Verdicts))]
    public void Verdict(SuiteCase suiteCase)
    {
        if (suiteCase.Finding is not { } finding)
        {
            if (suiteCase.Name == SuiteCases.CaseNameFor(SuiteRun.Outcome.Finished.Outcome))
                SuiteRun.Outcome.MarkFailureReported();
            throw new SuiteFailure(suiteCase.Failure ?? $"{suiteCase.Name}: no finding and no reason");
        }

        Complies.With(finding);
    }

    private static TestCaseData ToTestCaseData(SuiteCase suiteCase)
    {
        var data = new TestCaseData(suiteCase).SetName(suiteCase.Name).SetCategory(suiteCase.Category);
        foreach (var (name, value) in suiteCase.Properties)
            data.SetProperty(name, value);
        return data;
    }
}
