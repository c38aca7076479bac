using IsolationChecks.Aws;
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
        // Wall-clock time, as the collector's own budget: the injected clock dates the run and judges waivers.
        var deadline = new RunDeadline(TimeProvider.System, settings.EffectiveTimeout);
        var (files, posture, simulators) = await ObtainEvidenceAsync(settings, deadline, progress, ct).ConfigureAwait(false);
        if (settings.SaveSnapshot is not null)
        {
            await SnapshotFolder.WriteAsync(files, settings.SaveSnapshot, ct).ConfigureAwait(false);
            progress?.Report($"Snapshot saved to {settings.SaveSnapshot}");
        }

        var snapshot = SnapshotReader.Read(files);
        progress?.Report($"Evidence integrity: {snapshot.Integrity.Describe()}");
        progress?.Report($"Evaluating {controls.Count} controls");
        var findings = await EvaluateAsync(snapshot, posture, settings.PosturePath, ct, simulators).ConfigureAwait(false);

        var result = new RunResult(settings, posture.Name, snapshot.Origin, snapshot.Manifest, snapshot.Integrity,
            startedAt, clock.GetUtcNow(), controls.Select(c => c.Metadata).ToList(), findings,
            settings.Target is TargetSpec.Live ? deadline.Outcome(files) : null);
        progress?.Report($"Findings: {string.Join(", ", result.Counts.ByStatus.Select(kv => $"{kv.Value} {kv.Key.ToWire()}"))}; audit gate {result.Gate.Describe()}");
        if (result.TimedOut is { } timedOut)
            progress?.Report($"TIMED OUT: {timedOut.Describe()}");
        return result;
    }

    /// <summary>Evaluates every control on a snapshot and applies the post-processing; needs no AWS and no files.</summary>
    /// <param name="simulators">IAM's policy simulator per account id, for the live cross-check; null offline.</param>
    public async Task<IReadOnlyList<Finding>> EvaluateAsync(
        Snapshot snapshot, PostureDocument posture, string postureFile, CancellationToken ct,
        Func<string, Evaluation.Policies.IPolicySimulator?>? simulators = null)
    {
        var context = new EvaluationContext(snapshot, posture, clock) { PolicySimulators = simulators };
        var findings = await new ControlEvaluator(controls).EvaluateAsync(context, ct).ConfigureAwait(false);
        findings = IntegrityGuard.Apply(findings, snapshot.Integrity);
        return new WaiverApplier(clock).Apply(findings, posture.Waivers, postureFile);
    }

    /// <summary>
    /// A snapshot folder is read with its posture (a violation fixture's patched posture.json applies); a live
    /// collection needs the posture first, to know which accounts to read.
    /// </summary>
    private static async Task<(SnapshotFiles Files, PostureDocument Posture, Func<string, Evaluation.Policies.IPolicySimulator?>? Simulators)> ObtainEvidenceAsync(
        SuiteSettings settings, RunDeadline deadline, IProgress<string>? progress, CancellationToken ct)
    {
        switch (settings.Target)
        {
            case TargetSpec.SnapshotFolder folder:
            {
                progress?.Report($"Reading snapshot folder {folder.Path}");
                var inputs = await SnapshotTarget.LoadAsync(settings, ct).ConfigureAwait(false);
                progress?.Report($"Posture: {inputs.PostureSource}");
                return (inputs.Files, inputs.Posture, null);
            }

            case TargetSpec.Live:
            {
                progress?.Report($"Posture: {settings.PosturePath}");
                var posture = await PostureLoader.LoadAsync(settings.PosturePath, ct).ConfigureAwait(false);
                if (settings.Region is not null)
                    posture = WithRegion(posture, settings.Region);
                var scopes = ScopesOf(posture);
                progress?.Report($"Collecting live: {string.Join(", ", scopes.Select(s => $"{s.Name} {s.AccountId} {s.Region}"))} "
                    + $"(Timeout {Duration.Format(settings.EffectiveTimeout)})");
                var factory = new AwsClientFactory(new AwsAccessSettings(settings.EndpointUrl, settings.Profile, settings.Region));
                var plan = CollectionPlan.For(posture, settings.EndpointUrl) with { TimeBudgetPerScope = deadline.Remaining };
                var collector = new Collector(factory, plan, TimeProvider.System);
                var files = await collector.CollectAsync(scopes, progress is null ? null : new ProgressLines(progress), ct)
                    .ConfigureAwait(false);
                files = await WithGitProbeAsync(files, posture.GitProbe, deadline, progress, ct).ConfigureAwait(false);
                files = await WithInVpcProbesAsync(files, posture.InVpcProbes, deadline, progress, ct).ConfigureAwait(false);
                return (files, posture, accountId => scopes.FirstOrDefault(s => s.AccountId == accountId) is { } scope ? factory.PolicySimulator(scope) : null);
            }

            default:
                throw new InvalidOperationException($"unknown target {settings.Target}");
        }
    }

    /// <summary>The NET-* probes run from this machine with the collection; their record is evidence like any API output.</summary>
    private static Task<SnapshotFiles> WithInVpcProbesAsync(
        SnapshotFiles files, InVpcProbePosture? probes, RunDeadline deadline, IProgress<string>? progress, CancellationToken ct)
    {
        if (probes is not { Enabled: true })
            return Task.FromResult(files);
        progress?.Report($"Probing from inside: {probes.InternetCanaries?.Count ?? 0} internet canaries, {probes.ServiceHosts?.Count ?? 0} service hosts");
        var call = new ManifestCall("", Probes.InVpcProbeRecord.Service, Probes.InVpcProbeRecord.Operation, null, Probes.InVpcProbeRecord.SnapshotPath, "ok", 1, 1, 0);
        return WithProbeAsync(files, call, deadline, async token =>
            (Probes.InVpcProbeRecord.SnapshotPath, (await new Probes.InVpcProber(TimeProvider.System).RunAsync(probes, token).ConfigureAwait(false)).ToJson()), ct);
    }

    /// <summary>
    /// The GIT-1 probe runs with the collection, so its record is evidence in the snapshot like any API
    /// output (hashed in the manifest) and the control judges it the same way live and offline.
    /// </summary>
    private static Task<SnapshotFiles> WithGitProbeAsync(
        SnapshotFiles files, GitProbePosture? probe, RunDeadline deadline, IProgress<string>? progress, CancellationToken ct)
    {
        if (probe is null)
            return Task.FromResult(files);
        progress?.Report($"Probing Git push refusal at {probe.RepositoryUrl}");
        var call = new ManifestCall("", Git.GitProbeRecord.Service, Git.GitProbeRecord.Operation, probe.RepositoryUrl, Git.GitProbeRecord.SnapshotPath, "ok", 1, 1, 0);
        return WithProbeAsync(files, call, deadline, token => Git.GitProbeCollection.CollectAsync(probe, token), ct);
    }

    /// <summary>
    /// Runs one probe within what is left of the run's Timeout. A probe the deadline cut off (or never let start) is
    /// recorded as a failed call, so the controls that judge it name the timeout instead of a missing file.
    /// </summary>
    private static async Task<SnapshotFiles> WithProbeAsync(
        SnapshotFiles files, ManifestCall call, RunDeadline deadline, Func<CancellationToken, Task<(string Path, byte[] Json)?>> probe, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        (string Path, byte[] Json)? record = null;
        if (deadline.Remaining > TimeSpan.Zero)
        {
            limit.CancelAfter(deadline.Remaining);
            try
            {
                record = await probe(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The deadline, not an interruption: recorded below.
            }
        }

        if (record is { } document)
            return files.WithDocument(document.Path, document.Json, call with { DurationMs = started.ElapsedMilliseconds });
        if (!deadline.Expired)
            return files;
        var failed = call with
        {
            File = null, Outcome = "failed", Pages = 0, Attempts = 0, DurationMs = started.ElapsedMilliseconds, ErrorCode = RunTimedOut.ErrorCode,
            ErrorMessage = $"The run's Timeout of {Duration.Format(deadline.Timeout)} ran out before this probe finished.",
        };
        return files with { Manifest = files.Manifest is null ? null : files.Manifest with { Calls = [.. files.Manifest.Calls, failed] } };
    }

    /// <summary>One collection scope per distinct (account, region) of the posture; the account's own profile and role travel with it.</summary>
    public static IReadOnlyList<CollectionScope> ScopesOf(PostureDocument posture) =>
        posture.Accounts
            .Select(a => new CollectionScope(a.Key, a.Value.AccountId, a.Value.Region, a.Value.Profile, a.Value.RoleArn))
            .DistinctBy(s => (s.AccountId, s.Region.ToLowerInvariant()))
            .ToList();

    /// <summary>
    /// The Region setting names the region to audit: it replaces every posture account's region, so the
    /// scopes collected there are the scopes the controls look up.
    /// </summary>
    public static PostureDocument WithRegion(PostureDocument posture, string region) =>
        posture with { Accounts = posture.Accounts.ToDictionary(a => a.Key, a => a.Value with { Region = region }) };

    /// <summary>Forwards collection progress synchronously, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class ProgressLines(IProgress<string> lines) : IProgress<CollectionProgress>
    {
        public void Report(CollectionProgress value) => lines.Report(value.ToString());
    }
}
