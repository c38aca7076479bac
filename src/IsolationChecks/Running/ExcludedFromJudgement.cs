using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.CodeBuild;
using IsolationChecks.Controls.Connections;
using IsolationChecks.Controls.Ecr;

namespace IsolationChecks.Running;

/// <summary>
/// Everything the posture leaves out of judgement, with the reasons, for the reports' "Excluded from judgement"
/// section: whole controls (excludedControls), then the resources each scope excludes by name. Exclusions that match
/// nothing are not listed here: the controls report them as inconclusive.
/// </summary>
public static class ExcludedFromJudgement
{
    public static IReadOnlyList<JudgementExclusion> Of(EvaluationContext context, IReadOnlyList<ControlMetadata> catalog)
    {
        var controls = (context.Posture.ExcludedControls ?? []).Select((e, i) => (Exclusion: e, Index: i))
            .Select(e => catalog.FirstOrDefault(c => c.Id == e.Exclusion.Control) is { } control
                ? new JudgementExclusion(JudgementExclusion.ControlKind, control.Id, control.Title, "", "", e.Exclusion.Reason, $"$.excludedControls[{e.Index}]")
                : null)
            .OfType<JudgementExclusion>();
        return
        [
            .. controls,
            .. BuildProjectsInScope.Excluded(context),
            .. EcrRepositoriesInScope.Excluded(context),
            .. ConnectionHostsInScope.Excluded(context),
        ];
    }
}
