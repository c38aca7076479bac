using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Pipeline;
using Polly;

namespace IsolationChecks.Collection;

/// <summary>The state one run shares across scopes: the throttle (rates and slots), the files and the manifest calls.</summary>
/// <param name="tally">What progress counts (calls done and failed, time since the start): a follow-up's calls continue its collection's.</param>
internal sealed class CollectionRun(TimeProvider clock, CollectionThrottle throttle, IProgress<CollectionProgress>? progress, DateTimeOffset collectedAt, CollectionCounts tally)
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<ManifestCall> _calls = [];

    public IReadOnlyList<ManifestCall> Calls => _calls
        .OrderBy(c => c.Folder, StringComparer.Ordinal)
        .ThenBy(c => c.Service, StringComparer.Ordinal)
        .ThenBy(c => c.Operation, StringComparer.Ordinal)
        .ThenBy(c => c.Target ?? "", StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// The snapshot of what has been recorded so far: every recorded call and the file it wrote (a call still running, whose
    /// file may already be written, is left out of both). Once every scope has ended, the whole collection.
    /// </summary>
    public SnapshotFiles Snapshot(IReadOnlyList<ScopeContext> scopes)
    {
        var calls = Calls;
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in calls.Select(c => c.File).OfType<string>())
            files[file] = _files[file];
        var manifest = new SnapshotManifest(
            SnapshotManifest.CurrentFormat,
            Collector.ToolName,
            collectedAt,
            scopes.Select(c => new ManifestScope(c.Scope.AccountId, c.Scope.Region, c.Folder, c.CallerArn)).ToList(),
            calls,
            new SortedDictionary<string, string>(files.ToDictionary(f => f.Key, f => FileDigest.Sha256Hex(f.Value)), StringComparer.Ordinal));
        return new SnapshotFiles("live", files, manifest);
    }

    /// <summary>
    /// Runs one logical call under the shared limiter and records it. Returns the output when it
    /// succeeded; null when it was absent or failed (the run goes on either way).
    /// </summary>
    public async Task<JsonObject?> RunAsync(ScopeContext scope, AwsCall call, CallArgs args, AwsServiceSet services, CancellationToken scopeToken)
    {
        var item = args.Item;
        var file = call.FileFor(item);
        Report(scope, call, item, "started");
        var started = clock.GetTimestamp();
        try
        {
            var result = await throttle.RunAsync(
                PartitionOf(scope, call),
                async token =>
                {
                    // The duration is the call's own, not its wait for a token or a slot.
                    started = clock.GetTimestamp();
                    return await services.CallAsync(call, args, token).ConfigureAwait(false);
                },
                scopeToken,
                DepthOf(call)).ConfigureAwait(false);
            var output = WithRequest(result.Output, args);
            WriteFile(scope, file, output);
            Record(scope, call, item, "ok", file, result.Pages, result.Attempts, started);
            return output;
        }
        catch (AwsCallException e) when (call.AbsentCodes.Contains(e.ErrorCode))
        {
            WriteFile(scope, file, CollectedJson.AbsentDocument(e.ErrorCode, e.ErrorMessage));
            Record(scope, call, item, "absent", file, 1, e.Attempts, started, e.ErrorCode, e.ErrorMessage);
        }
        catch (AwsCallException e)
        {
            Record(scope, call, item, "failed", null, 0, e.Attempts, started, e.ErrorCode, e.ErrorMessage);
        }
        catch (ReadOnlyViolationException e)
        {
            Record(scope, call, item, "failed", null, 0, 0, started, "ReadOnlyGuard", e.Message);
        }
        catch (OperationCanceledException) when (scope.BudgetExpired)
        {
            Record(scope, call, item, "failed", null, 0, 0, started, "TimeBudgetExceeded", $"The time budget of {scope.Budget} for {scope.Name} ran out before this call finished.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Record(scope, call, item, "failed", null, 0, 0, started, e.GetType().Name, e.Message);
        }

        return null;
    }

    /// <summary>
    /// Runs one logical call made of several requests (batches of names) and records it as one file whose
    /// <paramref name="members"/> are the batches' arrays concatenated in batch order. The batches are independent, so
    /// they are sent together (each under the shared limiter) rather than one after another. If any batch fails the
    /// whole call is recorded as failed: a partial list would read as "this is everything".
    /// </summary>
    public async Task<JsonObject?> RunBatchesAsync(
        ScopeContext scope, AwsCall call, string? item, IReadOnlyList<string[]> batches, IReadOnlyList<string> members, AwsServiceSet services, CancellationToken scopeToken)
    {
        var started = Timestamp();
        var sent = batches.Select(batch => SendBatchAsync(scope, call, item, batch, services, scopeToken)).ToList();
        var outcomes = await Task.WhenAll(sent).ConfigureAwait(false);
        var attempts = outcomes.Sum(o => o.Attempts);
        if (outcomes.FirstOrDefault(o => o.ErrorCode is not null) is { } failed)
        {
            RecordFailed(scope, call, item, failed.ErrorCode!, failed.ErrorMessage!, attempts, started);
            return null;
        }

        var merged = new JsonObject();
        foreach (var member in members)
            merged[member] = new JsonArray();
        foreach (var outcome in outcomes)
        {
            foreach (var member in members)
                MoveItems(outcome.Output![member], merged[member]!.AsArray());
        }

        RecordMerged(scope, call, item, merged, batches.Count, attempts, started);
        return merged;
    }

    /// <summary>One batch's answer, or the error it ended with.</summary>
    private sealed record BatchOutcome(JsonObject? Output, int Attempts, string? ErrorCode = null, string? ErrorMessage = null);

    private async Task<BatchOutcome> SendBatchAsync(ScopeContext scope, AwsCall call, string? item, string[] batch, AwsServiceSet services, CancellationToken scopeToken)
    {
        try
        {
            var result = await LimitedAsync(scope, call, t => services.CallAsync(call, new CallArgs(item, batch), t), scopeToken).ConfigureAwait(false);
            return new BatchOutcome(result.Output, result.Attempts);
        }
        catch (AwsCallException e)
        {
            return new BatchOutcome(null, e.Attempts, e.ErrorCode, e.ErrorMessage);
        }
        catch (ReadOnlyViolationException e)
        {
            return new BatchOutcome(null, 0, "ReadOnlyGuard", e.Message);
        }
        catch (OperationCanceledException) when (scope.BudgetExpired)
        {
            return new BatchOutcome(null, 0, "TimeBudgetExceeded", $"The time budget of {scope.Budget} for {scope.Name} ran out before this call finished.");
        }
    }

    private static void MoveItems(JsonNode? from, JsonArray to)
    {
        if (from is not JsonArray items)
            return;
        foreach (var item in items.ToList())
        {
            items.Remove(item);
            to.Add(item);
        }
    }

    /// <summary>Runs work under the shared throttle without recording it (the caller records).</summary>
    public Task<ApiCallResult> LimitedAsync(ScopeContext scope, AwsCall call, Func<CancellationToken, Task<ApiCallResult>> send, CancellationToken scopeToken) =>
        throttle.RunAsync(PartitionOf(scope, call), send, scopeToken, DepthOf(call));

    /// <summary>How many calls a call waits for before it can be asked: its parents, or the evidence a planned question is drawn from.</summary>
    private static int DepthOf(AwsCall call) =>
        call.Fanout.Parent is { } parent ? 1 + DepthOf(parent) : call.Fanout is Fanout.Planned ? 1 : 0;

    /// <summary>Where AWS counts the call against its limits: the scope's account, the service's region ("global" for IAM and Organizations).</summary>
    private string PartitionOf(ScopeContext scope, AwsCall call) =>
        throttle.PartitionOf(scope.Scope.AccountId, call.Service.GlobalEndpoint is not null ? "global" : call.Service.FixedRegion ?? scope.Scope.Region, call.Service.IamPrefix, call.Operation);

    public void RecordFailed(ScopeContext scope, AwsCall call, string? item, string errorCode, string errorMessage, int attempts, long startedTimestamp) =>
        Record(scope, call, item, "failed", null, 0, attempts, startedTimestamp, errorCode, errorMessage);

    /// <summary>Records a call that was never sent (wrong account, no credentials, budget already spent).</summary>
    public void RecordNotSent(ScopeContext scope, AwsCall call, string? item, string errorCode, string errorMessage) =>
        Record(scope, call, item, "failed", null, 0, 0, clock.GetTimestamp(), errorCode, errorMessage);

    /// <summary>Records a call assembled from several requests (batches), written as one file.</summary>
    public void RecordMerged(ScopeContext scope, AwsCall call, string? item, JsonObject output, int pages, int attempts, long startedTimestamp)
    {
        var file = call.FileFor(item);
        WriteFile(scope, file, output);
        Record(scope, call, item, "ok", file, pages, attempts, startedTimestamp);
    }

    /// <summary>A planned call's file keeps the question it asked (a policy simulation's request) beside the answer.</summary>
    private static JsonObject WithRequest(JsonObject output, CallArgs args)
    {
        if (args.Input is null)
            return output;
        var document = new JsonObject { ["Request"] = args.Input.DeepClone() };
        foreach (var (name, value) in output.ToList())
        {
            output.Remove(name);
            document[name] = value;
        }

        return document;
    }

    public long Timestamp() => clock.GetTimestamp();

    /// <summary>How a call of this scope ended, once it has been recorded.</summary>
    public ManifestCall? Outcome(ScopeContext scope, AwsCall call, string? item) =>
        _calls.LastOrDefault(c => c.Folder == scope.Folder && c.Service == call.Service.IamPrefix && c.Operation == call.Operation && c.Target == item);

    private void WriteFile(ScopeContext scope, string file, JsonObject document) =>
        _files[scope.PathOf(file)] = CollectedJson.Bytes(document);

    private void Record(ScopeContext scope, AwsCall call, string? item, string outcome, string? file, int pages, int attempts, long started, string? code = null, string? message = null)
    {
        _calls.Add(new ManifestCall(
            scope.Folder,
            call.Service.IamPrefix,
            call.Operation,
            item,
            file is null ? null : scope.PathOf(file),
            outcome,
            pages,
            attempts,
            (long)clock.GetElapsedTime(started).TotalMilliseconds,
            code,
            message));
        var (done, failed) = tally.Count(outcome == "failed");
        progress?.Report(new CollectionProgress(scope.Name, Describe(call, item), outcome, done, failed, clock.GetElapsedTime(tally.Started), attempts, code,
            scope.Scope.AccountId, scope.Scope.Region));
    }

    private void Report(ScopeContext scope, AwsCall call, string? item, string state) =>
        progress?.Report(new CollectionProgress(scope.Name, Describe(call, item), state, tally.Done, tally.Failed, clock.GetElapsedTime(tally.Started),
            Account: scope.Scope.AccountId, Region: scope.Scope.Region));

    private static string Describe(AwsCall call, string? item) => item is null ? call.IamAction : $"{call.IamAction} {item}";
}

/// <summary>Calls done and failed since a collection started, for its progress lines.</summary>
internal sealed class CollectionCounts(long started)
{
    private int _done;
    private int _failed;

    public long Started => started;

    public int Done => Volatile.Read(ref _done);

    public int Failed => Volatile.Read(ref _failed);

    public (int Done, int Failed) Count(bool failed) =>
        (Interlocked.Increment(ref _done), failed ? Interlocked.Increment(ref _failed) : Volatile.Read(ref _failed));
}

/// <summary>One scope being collected: its folder in the snapshot and its time budget.</summary>
internal sealed class ScopeContext(AuditScope scope, string folder, TimeSpan? budget, CancellationToken runToken)
{
    public string Name => scope.Name;

    public AuditScope Scope => scope;

    public string Folder => folder;

    public TimeSpan? Budget => budget;

    /// <summary>The token the scope's time budget cancels; set when the scope starts.</summary>
    public CancellationToken ScopeToken { get; set; }

    public bool BudgetExpired => ScopeToken.IsCancellationRequested && !runToken.IsCancellationRequested;

    public string? CallerArn { get; set; }

    private readonly TaskCompletionSource _evidence = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the calls a follow-up rests on have been recorded in this scope, or the scope has ended.</summary>
    public Task EvidenceReady => _evidence.Task;

    public void EndEvidence() => _evidence.TrySetResult();

    public string PathOf(string file) => folder.Length == 0 ? file : $"{folder}/{file}";
}
