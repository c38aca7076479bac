using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Running;

/// <summary>
/// Runs every control, in order, except those the posture excludes from judgement (excludedControls, each with a
/// reason the reports show). A control that throws or says nothing yields one <c>error</c> finding, so no control
/// can ever be silently absent from the results; an exclusion naming no control of the catalog stops the run.
/// </summary>
public sealed class ControlEvaluator(IReadOnlyList<IControl> controls)
{
    public async Task<IReadOnlyList<Finding>> EvaluateAsync(EvaluationContext context, CancellationToken cancellationToken)
    {
        var excluded = ExcludedControls(context.Posture, controls.Select(c => c.Metadata).ToList());
        var findings = new List<Finding>();
        foreach (var control in controls.Where(c => !excluded.Contains(c.Metadata.Id)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<Finding>? produced;
            try
            {
                produced = await control.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                findings.Add(ControlFailures.Threw(control.Metadata, exception));
                continue;
            }

            if (produced is null || produced.Count == 0)
                findings.Add(ControlFailures.Silent(control.Metadata));
            else
                findings.AddRange(produced);
        }

        return findings;
    }

    /// <summary>The ids of the controls the posture excludes; one that is not in the catalog is a posture error (a typo must not pass silently).</summary>
    public static IReadOnlySet<string> ExcludedControls(Posture.PostureDocument posture, IReadOnlyList<ControlMetadata> catalog)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var exclusions = posture.ExcludedControls ?? [];
        for (var i = 0; i < exclusions.Count; i++)
        {
            if (catalog.All(c => c.Id != exclusions[i].Control))
                throw posture.Invalid($"/excludedControls/{i}/control",
                    $"the id of a control of this suite ({string.Join(", ", catalog.Select(c => c.Id))})", $"\"{exclusions[i].Control}\"");
            ids.Add(exclusions[i].Control);
        }

        return ids;
    }
}

/// <summary>Findings that stand for a whole control when it could not produce its own.</summary>
public static class ControlFailures
{
    /// <summary>The resource name of a control-level finding: it is about the evaluation, not one resource.</summary>
    public const string EvaluationResourceName = "(evaluation)";

    public static ResourceRef EvaluationResource(ControlMetadata control) =>
        new($"control:{control.Id}", EvaluationResourceName, "", "");

    public static Finding Threw(ControlMetadata control, Exception exception)
    {
        var frame = exception.StackTrace?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault();
        return new Finding(control, EvaluationResource(control), Status.Error,
            $"the control could not be evaluated: {exception.GetType().Name}: {exception.Message}",
            [new EvidenceFact("exception", $"{exception.GetType().FullName}: {exception.Message}", frame)],
            "This is a defect in the suite or input it did not expect: report it with findings.json. "
            + "The verdict of this control is unknown until it is fixed.");
    }

    public static Finding Silent(ControlMetadata control) =>
        new(control, EvaluationResource(control), Status.Error,
            "the control produced no finding: a control must report on every resource in scope, or say why it cannot",
            [new EvidenceFact("control", $"{control.Id} returned no findings")],
            "This is a defect in the control: report it. Nothing was verified for this control.");
}
