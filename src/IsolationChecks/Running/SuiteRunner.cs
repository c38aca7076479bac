using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Collection;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Running;

/// <summary>
/// One run: settings → posture → snapshot (collected live or read from a folder) → every control →
/// post-processing (thrown controls, integrity, waivers). Bad input throws <see cref="InputException"/>.
/// </summary>
/// <param name="controls">The controls to evaluate, normally <see cref="ControlCatalog.Discover"/>'s.</param>
public sealed class SuiteRunner(IReadOnlyList<IControl> controls, TimeProvider clock)
{
    public SuiteRunner(ControlCatalog catalog, TimeProvider clock)
        : this(catalog.Controls, clock)
    {
    }

    /// <summary>
    /// Runs once. Cancelling <paramref name="ct"/> (an interruption) throws <see cref="OperationCanceledException"/>: nothing
    /// is judged. The settings' Timeout is different: collection stops at the deadline, what was cut off is recorded as
    /// not collected, and the run is judged on what it has, with <see cref="RunResult.TimedOut"/> set.
    /// </summary>
    public async Task<RunResult> RunAsync(SuiteSettings settings, IProgress<string>? progress, CancellationToken ct)
    {
        var startedAt = clock.GetUtcNow();
        if (settings.SaveSnapshot is not null && settings.Target is not TargetSpec.Live)
            throw new InputException(SettingsResolver.ParametersSource, "SaveSnapshot",
                "a live run to save (a snapshot folder target is already evidence: copy the folder; saving it again would re-stamp it)",
                $"SaveSnapshot with Target {((TargetSpec.SnapshotFolder)settings.Target).Path}");
        using var signingKey = settings.SigningKey is null ? null : SnapshotSigning.LoadPrivateKey(settings.SigningKey, "SigningKey setting");
        var trusted = settings.TrustedKeys is null ? [] : SnapshotSigning.LoadTrustedKeys(settings.TrustedKeys, "TrustedKeys setting");
        // Wall-clock time, as the collector's own budget: the injected clock dates the run and judges waivers.
        var deadline = new RunDeadline(TimeProvider.System, settings.EffectiveTimeout);
        var (files, posture) = await ObtainEvidenceAsync(settings, deadline, progress, ct).ConfigureAwait(false);
        if (settings.SaveSnapshot is not null)
        {
            await SnapshotFolder.WriteAsync(files, settings.SaveSnapshot, signingKey, ct).ConfigureAwait(false);
            progress?.Report($"Snapshot saved to {settings.SaveSnapshot}{(signingKey is null ? " (unsigned: set SigningKey to sign it)" : $", signed with key {SnapshotSigning.KeyIdOf(signingKey)}")}");
        }

        var snapshot = SnapshotReader.Read(files);
        // An organisation's members come from the snapshot's own discovery, live or offline: the same evidence, the same targets.
        posture = OrganizationTargets.Expand(posture, snapshot);
        var evidence = settings.Target is TargetSpec.Live ? EvidenceStatus.Live : EvidenceStatus.Of(files, snapshot.Integrity, trusted);
        progress?.Report($"Evidence: {evidence.Describe()}");
        progress?.Report($"Evaluating {controls.Count} controls");
        var findings = await EvaluateAsync(snapshot, posture, settings.PosturePath, ct).ConfigureAwait(false);
        DriftReport? drift = null;
        if (settings.Baseline is { } baseline)
        {
            progress?.Report($"Comparing with the baseline {baseline}");
            drift = await DriftAnalysis.CompareAsync(controls, baseline, snapshot, posture, findings, trusted, settings.PosturePath, ct).ConfigureAwait(false);
            progress?.Report($"Drift since the baseline: {drift.Evidence.Changes.Count} change(s), {drift.Evidence.NotCompared.Count} not compared, {drift.Verdicts.Count} verdict(s) changed");
        }

        PlanReport? plan = null;
        if (settings.Plan is { } planFile)
        {
            progress?.Report($"Laying the Terraform plan {planFile} over the evidence (in memory, hypothetical)");
            plan = await PlanJudgement.JudgeAsync(this, planFile, snapshot, posture, settings.PosturePath, findings, ct).ConfigureAwait(false);
            progress?.Report($"Terraform plan: {plan.Summary()}");
            findings = plan.Hypothetical;
        }

        var result = new RunResult(settings, posture.Name, snapshot.Origin, snapshot.Manifest, snapshot.Integrity,
            startedAt, clock.GetUtcNow(), controls.Select(c => c.Metadata).ToList(), findings, evidence,
            settings.Target is TargetSpec.Live ? deadline.Outcome(files) : null)
        {
            Exclusions = ExcludedFromJudgement.Of(new EvaluationContext(snapshot, posture, clock), controls.Select(c => c.Metadata).ToList()),
            Gaps = snapshot.Log?.Gaps ?? [],
            Drift = drift,
            Plan = plan,
            UnreviewedPosture = posture.Unreviewed ? posture.Review : null,
        };
        progress?.Report($"Findings: {string.Join(", ", result.Counts.ByStatus.Select(kv => $"{kv.Value} {kv.Key.ToWire()}"))}; audit gate {result.Gate.Describe()}");
        if (result.TimedOut is { } timedOut)
            progress?.Report($"TIMED OUT: {timedOut.Describe()}");
        return result;
    }

    /// <summary>
    /// Collects a live target's evidence without judging it (`isolationchecks snapshot collect`): the same collection, probes
    /// and posture.json as a live run, within the settings' Timeout. What the deadline cut off is recorded as not collected.
    /// </summary>
    public async Task<(SnapshotFiles Files, RunTimedOut? TimedOut)> CollectAsync(SuiteSettings settings, IProgress<string>? progress, CancellationToken ct)
    {
        if (settings.Target is not TargetSpec.Live)
            throw new InvalidOperationException("only a live target is collected");
        var deadline = new RunDeadline(TimeProvider.System, settings.EffectiveTimeout);
        var (files, _) = await ObtainEvidenceAsync(settings, deadline, progress, ct).ConfigureAwait(false);
        return (files, deadline.Outcome(files));
    }

    /// <summary>Evaluates every control on a snapshot and applies the post-processing: a pure function of snapshot and posture.</summary>
    public async Task<IReadOnlyList<Finding>> EvaluateAsync(Snapshot snapshot, PostureDocument posture, string postureFile, CancellationToken ct)
    {
        var context = new EvaluationContext(snapshot, OrganizationTargets.Expand(posture, snapshot), clock);
        var findings = await new ControlEvaluator(controls).EvaluateAsync(context, ct).ConfigureAwait(false);
        findings = IntegrityGuard.Apply(findings, snapshot.Integrity);
        return new WaiverApplier(clock).Apply(findings, posture.Waivers, postureFile);
    }

    /// <summary>
    /// A snapshot folder is read with its posture; a live collection needs the posture first, to know which accounts to
    /// read, and keeps the posture it is judged with as evidence (posture.json, covered by the manifest), so the saved
    /// folder alone reproduces the verdicts.
    /// </summary>
    private async Task<(SnapshotFiles Files, PostureDocument Posture)> ObtainEvidenceAsync(
        SuiteSettings settings, RunDeadline deadline, IProgress<string>? progress, CancellationToken ct)
    {
        switch (settings.Target)
        {
            case TargetSpec.SnapshotFolder folder:
            {
                progress?.Report($"Reading snapshot folder {folder.Path}");
                var inputs = await SnapshotTarget.LoadAsync(settings, ct).ConfigureAwait(false);
                progress?.Report($"Posture: {inputs.PostureSource}");
                RequireReviewed(settings, inputs.Posture, progress);
                return (inputs.Files, inputs.Posture);
            }

            case TargetSpec.Live:
            {
                progress?.Report($"Posture: {settings.PosturePath}");
                var postureBytes = await File.ReadAllBytesAsync(settings.PosturePath, ct).ConfigureAwait(false);
                var posture = PostureLoader.Parse(postureBytes, settings.PosturePath);
                RequireReviewed(settings, posture, progress);
                if (settings.Region is not null)
                {
                    if (posture.Organization is not null)
                        throw new InputException(SettingsResolver.ParametersSource, "Region",
                            "no Region setting with a posture whose organization targets name their own regions (organization.targets[].regions)", settings.Region);
                    posture = WithRegion(posture, settings.Region);
                    postureBytes = WithRegion(postureBytes, settings.Region);
                }

                var live = new LiveCollection(controls, new AwsAccessSettings(settings.EndpointUrl, settings.Profile, settings.Region), new CollectionLimits(), clock);
                var discovery = await live.DiscoverAsync(posture, deadline, progress, ct).ConfigureAwait(false);
                // An organisation's audit always nests its scopes, as a merged sharded snapshot does: the same evidence, the same paths.
                var folders = posture.Organization is null ? ScopeFolders.Auto : ScopeFolders.Nested;
                var files = await live.CollectAsync(discovery.Posture, discovery.Targets, folders, withProbes: true, deadline, progress, ct).ConfigureAwait(false);
                if (discovery.Files is { } listed)
                    files = listed.With(files) with { Origin = files.Origin };
                return (LiveCollection.WithPosture(files, postureBytes, settings.PosturePath), posture);
            }

            default:
                throw new InvalidOperationException($"unknown target {settings.Target}");
        }
    }

    /// <summary>
    /// A generated posture (posture init) says what nobody has reviewed yet: a gate refuses to judge with it, before anything
    /// is collected; any other run says so first, and every report repeats it.
    /// </summary>
    private static void RequireReviewed(SuiteSettings settings, PostureDocument posture, IProgress<string>? progress)
    {
        if (posture.Review is not { Pending.Count: > 0 } review)
            return;
        if (settings.Gate)
            throw posture.Invalid("/review/pending",
                "a reviewed posture: a gate run (Gate=true) never judges with generated entries nobody has checked; check each as its note in review.pending says, "
                + "remove it from the list, then remove the review block",
                $"{review.Pending.Count} unreviewed: {review.Describe()}");
        progress?.Report($"{RunResult.UnreviewedNotice}: {review.Describe()}");
    }

    /// <summary>
    /// The Region setting names the region to audit: it replaces every posture account's region, so the
    /// scopes collected there are the scopes the controls look up.
    /// </summary>
    public static PostureDocument WithRegion(PostureDocument posture, string region) =>
        posture with { Accounts = posture.Accounts.ToDictionary(a => a.Key, a => a.Value with { Region = region }) };

    /// <summary>The posture file as the run applied it (every account in the Region setting's region), for the snapshot.</summary>
    private static byte[] WithRegion(byte[] postureJson, string region)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(Snapshots.Json.SnapshotJson.StripBom(postureJson).Span)!.AsObject();
        foreach (var (_, account) in document["accounts"]!.AsObject())
            account!["region"] = region;
        return System.Text.Encoding.UTF8.GetBytes(document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}
