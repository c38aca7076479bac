using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Plans;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Running;

/// <summary>How a planned change would move one verdict.</summary>
public enum PlanEffect
{
    /// <summary>Fails (or errs) after the plan and did not before.</summary>
    WouldNewlyFail,
    /// <summary>Inconclusive after the plan (a value known only after apply, or evidence the plan removes) and not before.</summary>
    WouldBecomeInconclusive,
    /// <summary>Passes after the plan and did not before.</summary>
    WouldNewlyPass,
    /// <summary>Any other move (a verdict that appears or disappears with its resource, waived either side).</summary>
    OtherChange,
    /// <summary>Failed before and fails after: the plan does not fix it.</summary>
    UnchangedFailure,
}

/// <summary>One verdict the plan would change (or an unchanged failure), with the Terraform addresses responsible.</summary>
/// <param name="Hypothetical">The verdict after the plan (null when the resource would be gone), else the current one.</param>
public sealed record PlannedVerdict(VerdictChange Change, PlanEffect Effect, IReadOnlyList<string> Addresses, Finding? Hypothetical)
{
    public string Describe() =>
        $"{Change.Describe()}{(Addresses.Count > 0 ? $" [{string.Join(", ", Addresses)}]" : "")}{(Hypothetical is { } f && Effect != PlanEffect.UnchangedFailure ? $": {f.Message}" : "")}";
}

/// <summary>
/// A Terraform plan judged against the evidence: every control on the snapshot as it is and as the plan would leave it
/// (hypothetical: nothing was applied, and the snapshot on disk was not changed), and the verdicts that would move.
/// </summary>
public sealed record PlanReport(
    string PlanFile,
    string? TerraformVersion,
    int ResourceChanges,
    PlanOverlay Overlay,
    IReadOnlyList<PlannedVerdict> Verdicts,
    IReadOnlyList<Finding> Hypothetical)
{
    public const string HypotheticalNotice =
        "HYPOTHETICAL: verdicts of the Terraform plan laid over the evidence in memory; nothing was applied and the snapshot was not changed";

    public IReadOnlyList<PlannedVerdict> WouldNewlyFail => Of(PlanEffect.WouldNewlyFail);

    public IReadOnlyList<PlannedVerdict> WouldBecomeInconclusive => Of(PlanEffect.WouldBecomeInconclusive);

    public IReadOnlyList<PlannedVerdict> WouldNewlyPass => Of(PlanEffect.WouldNewlyPass);

    public IReadOnlyList<PlannedVerdict> OtherChanges => Of(PlanEffect.OtherChange);

    public IReadOnlyList<PlannedVerdict> UnchangedFailures => Of(PlanEffect.UnchangedFailure);

    private IReadOnlyList<PlannedVerdict> Of(PlanEffect effect) => Verdicts.Where(v => v.Effect == effect).ToList();

    /// <summary>The headings every report uses, in order.</summary>
    public static IReadOnlyList<(PlanEffect Effect, string Heading)> Sections { get; } =
    [
        (PlanEffect.WouldNewlyFail, "Would newly fail"),
        (PlanEffect.WouldBecomeInconclusive, "Would become inconclusive"),
        (PlanEffect.WouldNewlyPass, "Would newly pass"),
        (PlanEffect.OtherChange, "Other verdict changes"),
        (PlanEffect.UnchangedFailure, "Unchanged failures"),
    ];

    public string Summary() =>
        $"{WouldNewlyFail.Count} would newly fail, {WouldBecomeInconclusive.Count} would become inconclusive, {WouldNewlyPass.Count} would newly pass, "
        + $"{UnchangedFailures.Count} unchanged failure(s); {Overlay.Unjudged.Count} change(s) not judged, {Overlay.Unknowns.Count} value(s) known only after apply";
}

/// <summary>Judges a plan: lays it over the snapshot, evaluates every control on the overlay, and compares with the current verdicts.</summary>
public static class PlanJudgement
{
    public static async Task<PlanReport> JudgeAsync(
        SuiteRunner runner, string planFile, Snapshot snapshot, PostureDocument posture, string postureFile, IReadOnlyList<Finding> current, CancellationToken ct)
    {
        var bytes = await ReadAsync(planFile, ct).ConfigureAwait(false);
        var plan = TerraformPlan.Read(bytes, planFile);
        var overlay = PlanOverlay.Build(snapshot.Files ?? throw new InvalidOperationException("the snapshot's files are needed to lay a plan over it"), plan);
        // The overlay's documents differ from the manifest by design: it is judged with the evidence's own integrity.
        var hypothetical = SnapshotReader.Read(overlay.Files) with { Integrity = snapshot.Integrity };
        var after = await runner.EvaluateAsync(hypothetical, posture, postureFile, ct).ConfigureAwait(false);
        IReadOnlyList<Finding> widest = [];
        if (overlay.Unknowns.Count > 0)
        {
            // The same plan with every unknown value at its most permissive: a verdict that does not move between the two does not rest on them.
            var wide = PlanOverlay.Build(snapshot.Files, plan, widest: true);
            widest = await runner.EvaluateAsync(SnapshotReader.Read(wide.Files) with { Integrity = snapshot.Integrity }, posture, postureFile, ct).ConfigureAwait(false);
        }

        after = Undecided(after, widest, current, overlay.Unknowns);
        return new PlanReport(planFile, plan.TerraformVersion, plan.Changes.Count(c => c.ChangesSomething), overlay, Compare(current, after, overlay), after);
    }

    private static async Task<byte[]> ReadAsync(string planFile, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllBytesAsync(planFile, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(planFile, "Plan", "a readable file holding the output of `terraform show -json PLANFILE`", e.Message, e);
        }
    }

    /// <summary>
    /// A verdict that may rest on a value known only after apply is not decided. Where every such value has a most permissive
    /// form, the verdict rests on them when it differs between the value left out and the value at its widest; otherwise every
    /// verdict of a control that reads the evidence the value lands in is undecided, unless it is a failure the plan leaves as it was.
    /// </summary>
    private static IReadOnlyList<Finding> Undecided(IReadOnlyList<Finding> after, IReadOnlyList<Finding> widest, IReadOnlyList<Finding> before, IReadOnlyList<UnknownValue> unknowns)
    {
        if (unknowns.Count == 0)
            return after;
        var beforeStatus = before.GroupBy(Key).ToDictionary(g => g.Key, g => g.First().Status, StringComparer.Ordinal);
        var widestStatus = widest.GroupBy(Key).ToDictionary(g => g.Key, g => g.First().Status, StringComparer.Ordinal);
        return after.Select(finding =>
        {
            var values = unknowns.Where(u => u.Controls.Contains(finding.Control.Id)).ToList();
            if (values.Count == 0 || finding.Status is Status.Error
                || values.All(v => v.Bounded) && widestStatus.TryGetValue(Key(finding), out var wide) && wide == finding.Status
                || finding.Status is Status.Fail or Status.Waived && beforeStatus.GetValueOrDefault(Key(finding)) == finding.Status)
                return finding;
            return finding with
            {
                Status = Status.Inconclusive,
                Message = $"would depend on values known only after apply ({string.Join("; ", values.Select(v => v.Describe()))}); with them left out the verdict would be "
                          + $"{finding.Status.ToWire()}: {finding.Message}",
                Remediation = "Make the value known at plan time (set it in the configuration instead of taking it from a resource created in the same apply), "
                              + "or apply the resource that produces it first and plan again; the nightly audit judges the applied change either way",
            };
        }).ToList();
    }

    private static string Key(Finding f) => $"{f.Control.Id}\n{f.Resource.Id}";

    private static IReadOnlyList<PlannedVerdict> Compare(IReadOnlyList<Finding> before, IReadOnlyList<Finding> after, PlanOverlay overlay)
    {
        var afterByKey = after.GroupBy(Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var changed = DriftAnalysis.Verdicts(before, after).Select(change =>
        {
            var hypothetical = afterByKey.GetValueOrDefault($"{change.Control}\n{change.Resource}");
            var effect = change.After switch
            {
                Status.Fail or Status.Error when change.Before is not (Status.Fail or Status.Error) => PlanEffect.WouldNewlyFail,
                Status.Inconclusive when change.Before is not (Status.Fail or Status.Error) => PlanEffect.WouldBecomeInconclusive,
                Status.Pass => PlanEffect.WouldNewlyPass,
                _ => PlanEffect.OtherChange,
            };
            return new PlannedVerdict(change, effect, Responsible(change, hypothetical, overlay), hypothetical);
        });
        var unchanged = before.Where(f => f.Status == Status.Fail && afterByKey.GetValueOrDefault(Key(f))?.Status == Status.Fail)
            .Select(f => new PlannedVerdict(new VerdictChange(f.Control.Id, f.Control.Title, f.Control.Severity, f.Resource.Id, f.Resource.Name, f.Status, f.Status),
                PlanEffect.UnchangedFailure, [], afterByKey[Key(f)]));
        return [.. changed.Concat(unchanged).OrderBy(v => v.Effect).ThenBy(v => v.Change.Control, StringComparer.Ordinal).ThenBy(v => v.Change.Resource, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The addresses whose changes edited evidence the control reads; of those, the ones the verdict names (an id, a stand-in
    /// id, a name) when any does.
    /// </summary>
    private static IReadOnlyList<string> Responsible(VerdictChange change, Finding? hypothetical, PlanOverlay overlay)
    {
        var candidates = overlay.Placed.Where(p => p.Controls.Contains(change.Control)).ToList();
        var text = $"{change.Resource} {change.ResourceName} {hypothetical?.Message} {string.Join(" ", hypothetical?.Evidence.Select(e => e.ToString()) ?? [])}";
        var named = candidates.Where(p => p.Names.Any(n => n.Length > 2 && text.Contains(n, StringComparison.Ordinal))).ToList();
        var unknown = overlay.Unknowns.Where(u => u.Controls.Contains(change.Control) && text.Contains(u.Address, StringComparison.Ordinal)).Select(u => u.Address);
        return (named.Count > 0 ? named : candidates).Select(p => p.Address).Concat(unknown).Distinct(StringComparer.Ordinal).ToList();
    }
}
