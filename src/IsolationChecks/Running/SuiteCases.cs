using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Running;

/// <summary>
/// One NUnit test case of the compliance suite, decided here so the plan can be tested without NUnit.
/// Either <see cref="Finding"/> is set (the case asserts it), or <see cref="Failure"/> (the case fails with it).
/// </summary>
/// <param name="Name">The test name; starts with the control id (contracts.md).</param>
/// <param name="Category">The control family, so <c>--filter TestCategory=CodeBuild</c> works.</param>
/// <param name="Properties">NUnit properties: Control, Severity, Resource.</param>
public sealed record SuiteCase(
    string Name,
    string Category,
    IReadOnlyDictionary<string, string> Properties,
    Finding? Finding,
    string? Failure)
{
    public const string ControlProperty = "Control";
    public const string SeverityProperty = "Severity";
    public const string ResourceProperty = "Resource";

    public override string ToString() => Name;
}

/// <summary>Turns a run (or the reason there is none) into the suite's test cases.</summary>
public static class SuiteCases
{
    public const string ConfigurationCaseName = "Suite configuration";
    public const string ConfigurationCategory = "Configuration";

    /// <summary>One case per finding, plus a failing case for any catalog control without a finding.</summary>
    public static IReadOnlyList<SuiteCase> From(RunResult run)
    {
        var cases = new List<SuiteCase>();
        if (run.Controls.Count == 0)
            cases.Add(new SuiteCase(ConfigurationCaseName, ConfigurationCategory, new Dictionary<string, string>(), null,
                "The suite found no control to evaluate: this build of the suite is broken, and nothing was verified."));
        var names = UniqueNames(run.Findings);
        for (var i = 0; i < run.Findings.Count; i++)
        {
            var finding = run.Findings[i];
            cases.Add(new SuiteCase(names[i], finding.Control.Family,
                PropertiesOf(finding.Control, finding.Resource.Id), finding, null));
        }

        // A control the posture excludes has no finding on purpose: the reports list it with its reason.
        var reported = run.Findings.Select(f => f.Control.Id)
            .Concat(run.Exclusions.Where(e => e.Kind == JudgementExclusion.ControlKind).Select(e => e.Subject))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var control in run.Controls.Where(c => !reported.Contains(c.Id)))
            cases.Add(new SuiteCase($"{control.Id} {control.Title}: no finding", control.Family,
                PropertiesOf(control, ControlFailures.EvaluationResource(control).Id), null,
                $"ERROR: {control.Id} {control.Title} produced no finding. A control must report on every resource in scope, "
                + "or say why it cannot; nothing was verified for it."));
        return cases;
    }

    /// <summary>
    /// The run ended without verdicts (configuration error, interruption, defect): one case carrying the message, and one
    /// short failing case per catalog control, so a filter such as <c>Control=CB-2</c> still selects a failure instead of
    /// selecting nothing. The message is in the first case only: the others point at it.
    /// </summary>
    public static IReadOnlyList<SuiteCase> ForFailure(RunOutcome outcome, IReadOnlyList<ControlMetadata> catalog)
    {
        var cases = new List<SuiteCase>
        {
            new(CaseNameFor(outcome), ConfigurationCategory, new Dictionary<string, string>(), null, outcome.Message),
        };
        foreach (var control in catalog)
            cases.Add(new SuiteCase($"{control.Id} {control.Title}: not evaluated", control.Family,
                PropertiesOf(control, ControlFailures.EvaluationResource(control).Id), null,
                $"NOT EVALUATED: the run stopped before judging anything ({outcome.Kind}; \"{CaseNameFor(outcome)}\" says why)"));
        return cases;
    }

    /// <summary>"Suite configuration" for bad input; the interrupted and broken runs are named as such.</summary>
    public static string CaseNameFor(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Interrupted => "Suite interrupted",
        RunOutcome.Broken => "Suite failure",
        _ => ConfigurationCaseName,
    };

    private static Dictionary<string, string> PropertiesOf(ControlMetadata control, string resource) => new()
    {
        [SuiteCase.ControlProperty] = control.Id,
        [SuiteCase.SeverityProperty] = control.Severity.ToWire(),
        [SuiteCase.ResourceProperty] = resource,
    };

    /// <summary>Test names must be unique to be told apart in TRX and filters: qualify repeats by resource id, then by number.</summary>
    private static IReadOnlyList<string> UniqueNames(IReadOnlyList<Finding> findings)
    {
        var names = findings.Select(f => f.TestName).ToList();
        var repeated = names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
            if (repeated.Contains(names[i]) && findings[i].Resource.Id != findings[i].Resource.Name)
                names[i] = $"{names[i]} ({findings[i].Resource.Id})";

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var count = seen[names[i]] = seen.GetValueOrDefault(names[i]) + 1;
            if (count > 1)
                names[i] = $"{names[i]} #{count}";
        }

        return names;
    }
}
