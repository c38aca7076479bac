using System.Reflection;
using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Clients;
using Polly;

namespace IsolationChecks.Collection;

/// <param name="EndpointUrl">Overrides every service endpoint (else AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_&lt;SERVICE&gt;).</param>
/// <param name="TimeBudgetPerScope">Wall-clock budget for one scope; calls not finished by then are recorded as failed.</param>
/// <param name="PageSize">MaxResults for paginated calls (null: the service default).</param>
/// <param name="Requests">What the posture asks for beyond the calls every scope makes.</param>
/// <param name="PlannedOnly">Make only the planned calls of <paramref name="Requests"/> (a second pass whose questions come from the first's evidence).</param>
/// <param name="OnlyPlans">Make only the calls of these plan keys in every scope (the organisation discovery); null: every call a scope is asked for.</param>
/// <param name="Folders">Where each scope's files go in the snapshot.</param>
/// <param name="Limits">Calls in flight at once, the adaptive rate per (account, region, service), throttling's retries; null: the defaults.</param>
public sealed record CollectionOptions(
    string? EndpointUrl = null,
    TimeSpan? TimeBudgetPerScope = null,
    int? PageSize = null,
    CollectionRequests? Requests = null,
    bool PlannedOnly = false,
    IReadOnlySet<string>? OnlyPlans = null,
    ScopeFolders Folders = ScopeFolders.Auto,
    CollectionLimits? Limits = null)
{
    /// <summary>Calls in flight at once in one process: low enough that one run never floods an account, high enough to overlap latency.</summary>
    public const int DefaultMaxConcurrency = 8;
}

/// <summary>Where a collection puts each scope's files.</summary>
public enum ScopeFolders
{
    /// <summary>A single scope at the snapshot's root, several under accounts/&lt;account&gt;/&lt;region&gt;/.</summary>
    Auto,

    /// <summary>Always under accounts/&lt;account&gt;/&lt;region&gt;/: a part of a sharded snapshot, merged with others.</summary>
    Nested,

    /// <summary>The organisation reader's discovery, under organization/ (never an audited scope's folder).</summary>
    Organization,
}

/// <summary>One thing the posture asks the collector to read: a plan key of the catalog, in one scope or all, for one item or all.</summary>
/// <param name="Plan">An <see cref="AwsCalls.Plans"/> key.</param>
/// <param name="Scope">The posture's account name; null for every scope.</param>
/// <param name="Item">For planned calls (an ECS service, a policy simulation): what to call it for.</param>
public sealed record CollectionRequest(string Plan, string? Scope = null, PlanItem? Item = null);

/// <summary>An item of a planned call: its key (file name, manifest target) and the request members it carries.</summary>
public sealed record PlanItem(string Key, JsonObject? Input = null, string? Value = null);

/// <summary>Everything a posture asks the collector to read beyond what every scope reads.</summary>
public sealed class CollectionRequests(IReadOnlyList<CollectionRequest> requests)
{
    public static CollectionRequests None { get; } = new([]);

    public IReadOnlyList<CollectionRequest> All => requests;

    public bool Asks(string scope, string plan) => requests.Any(r => r.Plan == plan && (r.Scope is null || r.Scope == scope));

    public IReadOnlyList<PlanItem> Items(string scope, string plan) =>
        requests.Where(r => r.Plan == plan && (r.Scope is null || r.Scope == scope) && r.Item is not null)
            .Select(r => r.Item!).DistinctBy(i => i.Key).ToList();

    public CollectionRequests With(IEnumerable<CollectionRequest> more) => new([.. requests, .. more]);
}

/// <summary>A line of progress for the console: what is being collected, counts, elapsed time.</summary>
/// <param name="Attempts">For a finished call: the HTTP attempts it took (more than one: the SDK retried it).</param>
/// <param name="ErrorCode">For a failed or absent call: the error it ended with (Throttling, AccessDenied, ...).</param>
/// <param name="Account">The scope's account id, for a front door that shows progress per account and region.</param>
public sealed record CollectionProgress(
    string Scope, string Operation, string State, int CallsDone, int CallsFailed, TimeSpan Elapsed, int Attempts = 0, string? ErrorCode = null,
    string? Account = null, string? Region = null)
{
    /// <summary>"ec2" of "ec2:DescribeVpcs".</summary>
    public string Service => Operation.Split(':')[0];

    /// <summary>Whether the event ends a call (ok, absent or failed), rather than starting it.</summary>
    public bool Finished => State != "started";

    public override string ToString() =>
        $"[{Elapsed.TotalSeconds,6:0.0}s] {Scope}: {Operation} {State}{Outcome()} ({CallsDone} calls done, {CallsFailed} failed)";

    /// <summary>" with Throttling after 4 attempts (3 retries, throttled)": what a retried or failed call went through.</summary>
    private string Outcome()
    {
        var retries = Attempts > 1 ? $"after {Attempts} attempts ({Attempts - 1} retries{(IsThrottling(ErrorCode) ? ", throttled" : "")})" : "";
        var error = ErrorCode is null ? "" : $" with {ErrorCode}";
        return retries.Length == 0 ? error : $"{error} {retries}";
    }

    /// <summary>Whether the call ended throttled (<see cref="ThrottlingErrors"/>).</summary>
    public static bool IsThrottling(string? errorCode) => ThrottlingErrors.Is(errorCode);
}

/// <summary>
/// Gathers the environment once per run: every scope, every service in parallel (bounded), every page.
/// One failed call never aborts the run: it is recorded in the manifest and its data becomes a gap.
/// </summary>
public sealed class Collector(IAwsClientFactory clients, CollectionOptions options, TimeProvider clock)
{
    /// <summary>A second pass: only the planned calls of <paramref name="planned"/> (questions derived from the first pass's evidence).</summary>
    public Task<SnapshotFiles> CollectAsync(IReadOnlyList<AuditScope> scopes, CollectionRequests planned, IProgress<CollectionProgress>? progress, CancellationToken cancellationToken) =>
        new Collector(clients, options with { Requests = planned, PlannedOnly = true }, clock).CollectAsync(scopes, progress, cancellationToken);

    public async Task<SnapshotFiles> CollectAsync(IReadOnlyList<AuditScope> scopes, IProgress<CollectionProgress>? progress, CancellationToken cancellationToken)
    {
        var collectedAt = clock.GetUtcNow();
        using var throttle = new CollectionThrottle(options.Limits ?? new CollectionLimits(), clock);
        var run = new CollectionRun(clock, throttle, progress);
        var contexts = scopes
            .Select(s => new ScopeContext(s, FolderOf(s, scopes.Count), options.TimeBudgetPerScope, cancellationToken))
            .ToList();

        await Task.WhenAll(contexts.Select(scope => CollectScopeAsync(run, scope, cancellationToken))).ConfigureAwait(false);

        var files = new SortedDictionary<string, byte[]>(run.Files.ToDictionary(), StringComparer.Ordinal);
        var manifest = new SnapshotManifest(
            SnapshotManifest.CurrentFormat,
            ToolName,
            collectedAt,
            contexts.Select(c => new ManifestScope(c.Scope.AccountId, c.Scope.Region, c.Folder, c.CallerArn)).ToList(),
            run.Calls,
            new SortedDictionary<string, string>(files.ToDictionary(f => f.Key, f => FileDigest.Sha256Hex(f.Value)), StringComparer.Ordinal));
        return new SnapshotFiles("live", files, manifest);
    }

    private string FolderOf(AuditScope scope, int scopes) => options.Folders switch
    {
        ScopeFolders.Organization => SnapshotLayout.OrganizationFolder,
        ScopeFolders.Auto when scopes == 1 => "",
        _ => SnapshotLayout.ScopeFolder(scope.AccountId, scope.Region),
    };

    private static readonly TimeSpan ShortestBudget = TimeSpan.FromMilliseconds(10);

    /// <summary>"IsolationChecks &lt;informational version&gt;".</summary>
    public static string ToolName { get; } =
        $"IsolationChecks {typeof(Collector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown"}";

    private async Task CollectScopeAsync(CollectionRun run, ScopeContext scope, CancellationToken cancellationToken)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        // A budget already spent (the run's Timeout ran out before this pass) still runs the pass, so every call it would
        // make is recorded as TimeBudgetExceeded; Polly refuses a timeout under 10 ms.
        if (options.TimeBudgetPerScope is { } budget)
            builder.AddTimeout(budget > ShortestBudget ? budget : ShortestBudget);
        var budgetPipeline = builder.Build();
        try
        {
            await budgetPipeline.ExecuteAsync(
                async token =>
                {
                    scope.ScopeToken = token;
                    await new ScopeCollector(run, scope, options.Requests ?? CollectionRequests.None, options.PlannedOnly, options.OnlyPlans).CollectAsync(clients, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            // Every call still running was recorded as TimeBudgetExceeded by the run.
        }
    }
}
