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
/// Calls whose questions come from the evidence itself (IAM's policy simulations, from the policies and the NAT gateways'
/// addresses): asked, under the same limits, as soon as every scope has answered the calls they rest on, while the rest of
/// the collection goes on.
/// </summary>
/// <param name="RestsOn">The calls the questions are derived from; no other call's evidence may change them.</param>
/// <param name="Questions">The planned calls to make, from a snapshot holding (at least) every scope's <paramref name="RestsOn"/> calls.</param>
public sealed record FollowUp(IReadOnlySet<AwsCall> RestsOn, Func<SnapshotFiles, CollectionRequests> Questions);

/// <summary>
/// Gathers the environment once per run: every scope, every service in parallel (bounded), every page.
/// One failed call never aborts the run: it is recorded in the manifest and its data becomes a gap.
/// </summary>
public sealed class Collector(IAwsClientFactory clients, CollectionOptions options, TimeProvider clock)
{
    public Task<SnapshotFiles> CollectAsync(IReadOnlyList<AuditScope> scopes, IProgress<CollectionProgress>? progress, CancellationToken cancellationToken) =>
        CollectAsync(scopes, null, progress, cancellationToken);

    /// <summary>
    /// Collects every scope and, with <paramref name="followUp"/>, its questions as soon as the evidence they rest on has arrived.
    /// The snapshot is the same as a second pass after the first would make: the follow-up's files and calls follow the first's.
    /// </summary>
    public async Task<SnapshotFiles> CollectAsync(IReadOnlyList<AuditScope> scopes, FollowUp? followUp, IProgress<CollectionProgress>? progress, CancellationToken cancellationToken)
    {
        var tally = new CollectionCounts(clock.GetTimestamp());
        using var throttle = new CollectionThrottle(options.Limits ?? new CollectionLimits(), clock);
        var (first, contexts, collecting) = Start(scopes, options, throttle, tally, followUp?.RestsOn, progress, cancellationToken);
        var asking = followUp is null ? Task.FromResult<SnapshotFiles?>(null) : AskAsync(followUp, first, contexts, scopes, tally, throttle, progress, cancellationToken);
        await Task.WhenAll(collecting, asking).ConfigureAwait(false);
        var files = first.Snapshot(contexts);
        return await asking.ConfigureAwait(false) is { } answers ? files.With(answers) : files;
    }

    /// <summary>Starts collecting every scope in one run: the run, its scopes, and the task that ends when every scope has.</summary>
    private (CollectionRun Run, IReadOnlyList<ScopeContext> Contexts, Task Collecting) Start(
        IReadOnlyList<AuditScope> scopes, CollectionOptions pass, CollectionThrottle throttle, CollectionCounts tally, IReadOnlySet<AwsCall>? restsOn,
        IProgress<CollectionProgress>? progress, CancellationToken cancellationToken)
    {
        var run = new CollectionRun(clock, throttle, progress, clock.GetUtcNow(), tally);
        var contexts = scopes
            .Select(s => new ScopeContext(s, FolderOf(s, scopes.Count), pass.TimeBudgetPerScope, cancellationToken))
            .ToList();
        var collecting = Task.WhenAll(contexts.Select(scope => CollectScopeAsync(run, scope, pass, restsOn, cancellationToken)));
        return (run, contexts, collecting);
    }

    /// <summary>
    /// Waits until every scope has answered the calls the follow-up rests on (or ended), asks its questions of what has
    /// arrived, and makes the planned calls within what is left of each scope's budget.
    /// </summary>
    private async Task<SnapshotFiles?> AskAsync(
        FollowUp followUp, CollectionRun first, IReadOnlyList<ScopeContext> contexts, IReadOnlyList<AuditScope> scopes, CollectionCounts tally,
        CollectionThrottle throttle, IProgress<CollectionProgress>? progress, CancellationToken cancellationToken)
    {
        await Task.WhenAll(contexts.Select(c => c.EvidenceReady)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var questions = followUp.Questions(first.Snapshot(contexts));
        if (questions.All.Count == 0)
            return null;
        var pass = options with
        {
            Requests = questions,
            PlannedOnly = true,
            TimeBudgetPerScope = options.TimeBudgetPerScope - clock.GetElapsedTime(tally.Started),
        };
        var (answers, answered, asking) = Start(scopes, pass, throttle, tally, null, progress, cancellationToken);
        await asking.ConfigureAwait(false);
        return answers.Snapshot(answered);
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

    private async Task CollectScopeAsync(CollectionRun run, ScopeContext scope, CollectionOptions pass, IReadOnlySet<AwsCall>? restsOn, CancellationToken cancellationToken)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        // A budget already spent (the run's Timeout ran out before this pass) still runs the pass, so every call it would
        // make is recorded as TimeBudgetExceeded; Polly refuses a timeout under 10 ms.
        if (pass.TimeBudgetPerScope is { } budget)
            builder.AddTimeout(budget > ShortestBudget ? budget : ShortestBudget);
        var budgetPipeline = builder.Build();
        try
        {
            await budgetPipeline.ExecuteAsync(
                async token =>
                {
                    scope.ScopeToken = token;
                    await new ScopeCollector(run, scope, pass.Requests ?? CollectionRequests.None, pass.PlannedOnly, pass.OnlyPlans, restsOn).CollectAsync(clients, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            // Every call still running was recorded as TimeBudgetExceeded by the run.
        }
        finally
        {
            scope.EndEvidence();
        }
    }
}
