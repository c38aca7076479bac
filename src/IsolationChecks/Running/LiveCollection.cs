using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Collection;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Running;

/// <summary>What an organisation's discovery found: its evidence (organization/), the posture with its members, every target.</summary>
/// <param name="Files">The discovery's files and calls; null for a posture without an organization section.</param>
public sealed record Discovery(SnapshotFiles? Files, PostureDocument Posture, IReadOnlyList<ManifestTarget> Targets);

/// <summary>
/// Collection from AWS, as a whole run, a plan and a shard do it: the organisation's discovery (its reader's credentials,
/// only the Organizations reads), then the targets' evidence, IAM's simulator answers to the questions that evidence raises,
/// and the probes; always read-only, always within the run's deadline.
/// </summary>
public sealed class LiveCollection(IReadOnlyList<IControl> controls, AwsAccessSettings access, CollectionLimits limits, TimeProvider clock, string? label = null)
{
    private readonly AwsClientFactory _factory = new(access);

    /// <summary>Lists the organisation's accounts under the posture's targets; a posture without an organization section has only its named accounts.</summary>
    public async Task<Discovery> DiscoverAsync(PostureDocument posture, RunDeadline deadline, IProgress<string>? progress, CancellationToken ct)
    {
        if (posture.Organization is not { } organization)
            return new Discovery(null, posture, TargetsOf(posture));
        var reader = organization.ReaderScope;
        progress?.Report($"{Prefix}Listing the organisation's accounts under {string.Join(", ", organization.Targets.Select(t => t.Parent))} from account {reader.AccountId}");
        var plans = organization.ReadsTags ? new HashSet<string> { AwsCalls.Plans.Organization, AwsCalls.Plans.OrganizationTags } : new HashSet<string> { AwsCalls.Plans.Organization };
        var requests = new CollectionRequests(organization.Targets.Select(t => t.Parent).Distinct(StringComparer.Ordinal)
            .Select(parent => new CollectionRequest(AwsCalls.Plans.Organization, reader.Name, new PlanItem(parent)))
            .Concat(organization.ReadsTags ? [new CollectionRequest(AwsCalls.Plans.OrganizationTags, reader.Name)] : []).ToList());
        var options = Options(new CollectionOptions(access.EndpointUrl, Requests: requests, OnlyPlans: plans, Folders: ScopeFolders.Organization), deadline);
        var files = await new Collector(_factory, options, TimeProvider.System).CollectAsync([reader], Lines(progress), ct).ConfigureAwait(false);
        var expanded = OrganizationTargets.Expand(posture, SnapshotReader.Read(files));
        var targets = TargetsOf(expanded);
        progress?.Report($"{Prefix}{targets.Count} targets: {expanded.Members.Count} from the organisation, {targets.Count - expanded.Members.Count} named in the posture");
        return new Discovery(files, expanded, targets);
    }

    /// <summary>
    /// Collects the given targets of an (expanded) posture, with IAM's simulator answers and, when <paramref name="withProbes"/>,
    /// the Git and in-VPC probes the posture declares (they run once per audit: a sharded audit runs them in shard 1).
    /// </summary>
    public async Task<SnapshotFiles> CollectAsync(
        PostureDocument posture, IReadOnlyList<ManifestTarget> targets, ScopeFolders folders, bool withProbes, RunDeadline deadline, IProgress<string>? progress, CancellationToken ct)
    {
        var scopes = targets.Select(t => ShardPlan.ScopeOf(t, posture.Accounts.TryGetValue(t.Name, out var named) ? named.Profile : null)).ToList();
        progress?.Report($"{Prefix}Collecting live: {scopes.Count} targets ({string.Join(", ", scopes.Take(6).Select(s => $"{s.Name} {s.AccountId} {s.Region}"))}{(scopes.Count > 6 ? ", ..." : "")}) "
                         + $"(Timeout {Duration.Format(deadline.Timeout)})");
        var options = Options(CollectionPlan.For(posture, access.EndpointUrl) with { Folders = folders }, deadline);
        var lines = Lines(progress);
        var files = await new Collector(_factory, options, TimeProvider.System).CollectAsync(scopes, PolicySimulations(controls, posture, scopes, clock), lines, ct).ConfigureAwait(false);
        if (!withProbes)
            return files;
        files = await WithGitProbeAsync(files, posture.GitProbe, deadline, progress, ct).ConfigureAwait(false);
        return await WithInVpcProbesAsync(files, posture.InVpcProbes, deadline, progress, ct).ConfigureAwait(false);
    }

    /// <summary>Every (account, region) to collect: the posture's named accounts, then its organisation members, each once.</summary>
    public static IReadOnlyList<ManifestTarget> TargetsOf(PostureDocument posture)
    {
        var classes = posture.Members.ToDictionary(m => m.Scope.Name, m => m.Class, StringComparer.Ordinal);
        return ScopesOf(posture).Select(s => ShardPlan.TargetOf(s, classes.GetValueOrDefault(s.Name))).ToList();
    }

    /// <summary>One collection scope per distinct (account, region) of the posture; the account's own profile and role travel with it.</summary>
    public static IReadOnlyList<AuditScope> ScopesOf(PostureDocument posture) =>
        posture.Accounts
            .Select(a => new AuditScope(a.Key, a.Value.AccountId, a.Value.Region, a.Value.Profile, a.Value.RoleArn))
            .DistinctBy(s => (s.AccountId, s.Region.ToLowerInvariant()))
            .ToList();

    /// <summary>
    /// The targets a shard must collect together: IAM's simulator questions (IAM-1..IAM-3) come from the codeCommit account's
    /// evidence and the NAT gateways' addresses, read in their own accounts, so those scopes are never dealt apart.
    /// </summary>
    public static IReadOnlySet<string> Together(PostureDocument posture)
    {
        if (posture.CodeCommit is not { } codeCommit)
            return new HashSet<string>(StringComparer.Ordinal);
        return new[] { codeCommit.Account }.Concat((posture.NatGateways ?? []).Select(n => n.Account))
            .Where(posture.Accounts.ContainsKey).Select(name => posture.Accounts[name])
            .Select(a => SnapshotLayout.ScopeFolder(a.AccountId, a.Region)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The posture file a snapshot keeps as the posture its verdicts were judged with (covered by the manifest).</summary>
    public static SnapshotFiles WithPosture(SnapshotFiles files, byte[] postureBytes, string posturePath) =>
        files.WithDocument(SnapshotFiles.PostureFile, postureBytes,
            new ManifestCall("", "posture", "JudgedWith", posturePath, SnapshotFiles.PostureFile, "ok", Pages: 1, Attempts: 1, DurationMs: 0));

    private string Prefix => label is null ? "" : $"{label}: ";

    private CollectionOptions Options(CollectionOptions options, RunDeadline deadline) =>
        options with { TimeBudgetPerScope = deadline.Remaining, Limits = limits };

    // A front door that renders collection itself (the console tool's live table) takes the events as they are.
    private IProgress<CollectionProgress>? Lines(IProgress<string>? progress) =>
        progress as IProgress<CollectionProgress> ?? (progress is null ? null : new ProgressLines(progress, Prefix));

    /// <summary>
    /// IAM's simulator is asked, during collection, the questions the IAM controls derive from the evidence they read (the
    /// calls whose ReadBy names them), as soon as that evidence has arrived; its answers join the snapshot, so an offline
    /// replay of the snapshot judges exactly what the live run judged.
    /// </summary>
    internal static FollowUp PolicySimulations(IReadOnlyList<IControl> controls, PostureDocument posture, IReadOnlyList<AuditScope> scopes, TimeProvider clock)
    {
        var crossChecked = controls.OfType<Controls.Iam.CrossCheckedIamControl>().ToList();
        var ids = crossChecked.Select(c => c.Metadata.Id).ToHashSet(StringComparer.Ordinal);
        var restsOn = AwsCalls.All
            .Where(c => c.Requires != AwsCalls.Plans.PolicySimulations && Evaluation.Drift.ControlsReading.Of(c).Any(ids.Contains))
            .ToHashSet();
        return new FollowUp(restsOn, files =>
        {
            var context = new EvaluationContext(SnapshotReader.Read(files), posture, clock);
            return new CollectionRequests(crossChecked
                .SelectMany(c => c.Questions(context))
                .Select(q => (Scope: scopes.FirstOrDefault(s => s.AccountId == q.AccountId && string.Equals(s.Region, q.Region, StringComparison.OrdinalIgnoreCase)), q.Query))
                .Where(q => q.Scope is not null)
                .Select(q => new CollectionRequest(AwsCalls.Plans.PolicySimulations, q.Scope!.Name, new PlanItem(q.Query.Key, q.Query.ToRequest())))
                .DistinctBy(r => (r.Scope, r.Item!.Key))
                .ToList());
        });
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

    /// <summary>Forwards collection progress synchronously, in order (Progress&lt;T&gt; would post to the thread pool), with the shard's label.</summary>
    private sealed class ProgressLines(IProgress<string> lines, string prefix) : IProgress<CollectionProgress>
    {
        public void Report(CollectionProgress value) => lines.Report(prefix + value);
    }
}
