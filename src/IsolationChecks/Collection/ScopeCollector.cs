using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Clients;

namespace IsolationChecks.Collection;

/// <summary>
/// Collects one scope from the call catalog: confirms the account with STS, then makes every call the scope is
/// asked for, each as soon as the call it depends on has answered, all under the run's shared limiter.
/// </summary>
/// <param name="onlyPlans">Make only the calls of these plan keys (with the identity check): a scope read for one purpose, such as the organisation reader.</param>
/// <param name="restsOn">The calls a follow-up rests on: the scope's evidence is ready for it once these have been recorded.</param>
internal sealed class ScopeCollector(
    CollectionRun run, ScopeContext scope, CollectionRequests requests, bool plannedOnly = false, IReadOnlySet<string>? onlyPlans = null, IReadOnlySet<AwsCall>? restsOn = null)
{
    private readonly Dictionary<AwsCall, Task<IReadOnlyDictionary<string, JsonObject?>>> _outputs = [];

    /// <summary>The calls this scope makes, given what the plan asks of it.</summary>
    public static IEnumerable<AwsCall> CallsFor(CollectionRequests requests, string scopeName) =>
        AwsCalls.All.Where(c => c.Requires is null || requests.Asks(scopeName, c.Requires));

    public async Task CollectAsync(IAwsClientFactory clients, CancellationToken scopeToken)
    {
        var calls = CallsFor(requests, scope.Name)
            .Where(c => c != AwsCalls.GetCallerIdentity && (!plannedOnly || (c.Fanout is Fanout.Planned && requests.Items(scope.Name, c.Requires!).Count > 0)))
            .Where(c => onlyPlans is null || (c.Requires is { } plan && onlyPlans.Contains(plan)))
            .ToList();
        if (calls.Count == 0)
            return;
        AwsServiceSet services;
        try
        {
            services = clients.Create(scope.Scope);
        }
        catch (Exception e) when (e is not OperationCanceledException and not InputException)
        {
            // A bad profile name is the user's to fix and stops the run; anything else becomes a recorded gap.
            foreach (var call in calls.Prepend(AwsCalls.GetCallerIdentity).Where(c => c.Fanout is Fanout.Once))
                run.RecordNotSent(scope, call, null, "NoClient", $"The clients for {scope.Name} could not be created: {e.Message}");
            return;
        }

        using (services)
        {
            // The clients are built while the identity check is on the wire, its own first.
            var needed = calls.Select(c => c.Service);
            services.Prepare((plannedOnly ? needed : needed.Prepend(AwsCalls.GetCallerIdentity.Service)).Distinct());
            // A second pass asks questions of a scope whose account the first pass confirmed.
            if (!plannedOnly && !await ConfirmAccountAsync(services, calls, scopeToken).ConfigureAwait(false))
                return;
            foreach (var call in FirstWhatOthersWaitFor(calls))
                _outputs[call] = CollectAsync(services, call, scopeToken);
            if (restsOn is not null)
                _ = Task.WhenAll(_outputs.Where(o => restsOn.Contains(o.Key)).Select(o => o.Value))
                    .ContinueWith(_ => scope.EndEvidence(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await Task.WhenAll(_outputs.Values).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The calls in the order they ask for a slot: those another call or the follow-up waits for first (the parents keep
    /// their order, so each still starts before its children), so the chains that follow them (a repository's policy, IAM's
    /// simulations) start with the first slots instead of after every listing.
    /// </summary>
    private IEnumerable<AwsCall> FirstWhatOthersWaitFor(IReadOnlyList<AwsCall> calls)
    {
        var awaited = calls.Select(c => c.Fanout.Parent).OfType<AwsCall>().Concat(restsOn ?? Enumerable.Empty<AwsCall>()).ToHashSet();
        return calls.OrderBy(c => awaited.Contains(c) ? 0 : 1);
    }

    /// <summary>
    /// Nothing is collected unless STS confirms the credentials reach the scope's account: evidence from
    /// another account must never be judged as this one's.
    /// </summary>
    private async Task<bool> ConfirmAccountAsync(AwsServiceSet services, IReadOnlyList<AwsCall> calls, CancellationToken scopeToken)
    {
        var identityCall = AwsCalls.GetCallerIdentity;
        ApiCallResult identity;
        var started = run.Timestamp();
        try
        {
            identity = await run.LimitedAsync(scope, identityCall, t => services.CallAsync(identityCall, CallArgs.None, t), scopeToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AwsCallException || (e is OperationCanceledException && scope.BudgetExpired))
        {
            var (code, message) = e is AwsCallException a ? (a.ErrorCode, a.ErrorMessage) : ("TimeBudgetExceeded", "The time budget ran out.");
            run.RecordFailed(scope, identityCall, null, code, message, e is AwsCallException f ? f.Attempts : 0, started);
            foreach (var call in calls.Where(c => c.Fanout is Fanout.Once))
                run.RecordNotSent(scope, call, null, "AccountUnverified", $"sts:GetCallerIdentity failed ({code}), so the account could not be confirmed.");
            return false;
        }

        var account = identity.Output["Account"]?.GetValue<string>();
        scope.CallerArn = identity.Output["Arn"]?.GetValue<string>();
        if (account != scope.Scope.AccountId)
        {
            var message = $"The credentials for {scope.Name} reach account {account ?? "(unknown)"} as {scope.CallerArn ?? "(unknown)"}, not {scope.Scope.AccountId}: nothing of this scope was collected.";
            foreach (var call in calls.Prepend(identityCall).Where(c => c.Fanout is Fanout.Once))
                run.RecordNotSent(scope, call, null, "WrongAccount", message);
            return false;
        }

        run.RecordMerged(scope, identityCall, null, identity.Output, identity.Pages, identity.Attempts, started);
        return true;
    }

    /// <summary>One call of the catalog in this scope: its outputs by item ("" for a call made once).</summary>
    private async Task<IReadOnlyDictionary<string, JsonObject?>> CollectAsync(AwsServiceSet services, AwsCall call, CancellationToken token)
    {
        switch (call.Fanout)
        {
            case Fanout.Once:
                return new Dictionary<string, JsonObject?> { [""] = await run.RunAsync(scope, call, CallArgs.None, services, token).ConfigureAwait(false) };

            case Fanout.Planned:
                return await Each(requests.Items(scope.Name, call.Requires!), item =>
                    run.RunAsync(scope, call, new CallArgs(item.Key, Input: item.Input), services, token)).ConfigureAwait(false);

            case Fanout.Tree tree:
                return await TreeAsync(services, call, tree, token).ConfigureAwait(false);

            case Fanout.PerParentItem perParent:
            {
                var parents = await ParentOf(perParent.Of).ConfigureAwait(false);
                return await Each(parents.Keys.Order(StringComparer.Ordinal).Select(i => new PlanItem(i)),
                    item => run.RunAsync(scope, call, new CallArgs(item.Key), services, token)).ConfigureAwait(false);
            }

            case Fanout.PerItem perItem:
            {
                var parents = await ParentOf(perItem.Of).ConfigureAwait(false);
                var items = parents.Values.OfType<JsonObject>().SelectMany(perItem.Items.Of).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
                return await Each(items.Select(i => new PlanItem(perItem.KeyOf(i), Value: i)),
                    item => run.RunAsync(scope, call, new CallArgs(item.Key, Value: item.Value), services, token)).ConfigureAwait(false);
            }

            case Fanout.Batched batched:
            {
                var parents = await ParentOf(batched.Of).ConfigureAwait(false);
                // Each parent's batches are independent of the others': all are sent together under the shared limiter.
                var sent = new Dictionary<string, Task<JsonObject?>>(StringComparer.Ordinal);
                foreach (var (key, parent) in parents)
                {
                    var item = key.Length == 0 ? null : key;
                    if (parent is null)
                    {
                        // The file this call would write is what a control reads: its gap must quote why it was never asked for.
                        var cause = run.Outcome(scope, batched.Of, item);
                        run.RecordNotSent(scope, call, item, cause?.ErrorCode ?? "NotSent",
                            $"not sent because {batched.Of.Operation} failed: {cause?.ErrorMessage ?? "no listing"}");
                        continue;
                    }

                    var names = batched.Items.Of(parent).ToList();
                    if (names.Count == 0 && batched.SkipWhenEmpty)
                        continue;
                    sent[key] = run.RunBatchesAsync(scope, call, item, names.Chunk(batched.Size).ToList(), batched.Members, services, token);
                }

                await Task.WhenAll(sent.Values).ConfigureAwait(false);
                return sent.ToDictionary(s => s.Key, s => s.Value.Result, StringComparer.Ordinal);
            }

            default:
                throw new InvalidOperationException($"{call}: fanout {call.Fanout.GetType().Name} is not collected");
        }
    }

    /// <summary>The planned items, then each item their answers list, level by level; an item is asked once however often it is listed.</summary>
    private async Task<IReadOnlyDictionary<string, JsonObject?>> TreeAsync(AwsServiceSet services, AwsCall call, Fanout.Tree tree, CancellationToken token)
    {
        var outputs = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        var level = requests.Items(scope.Name, call.Requires!).Select(i => i.Key).Distinct(StringComparer.Ordinal).ToList();
        for (var depth = 0; depth < tree.MaxDepth && level.Count > 0; depth++)
        {
            var answers = await Each(level.Select(i => new PlanItem(i)), item => run.RunAsync(scope, call, new CallArgs(item.Key), services, token)).ConfigureAwait(false);
            foreach (var (item, output) in answers)
                outputs[item] = output;
            level = answers.Values.OfType<JsonObject>().SelectMany(tree.Children.Of).Where(c => !outputs.ContainsKey(c))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }

        return outputs;
    }

    private Task<IReadOnlyDictionary<string, JsonObject?>> ParentOf(AwsCall parent) =>
        _outputs.TryGetValue(parent, out var task)
            ? task
            : throw new InvalidOperationException($"{parent} must be collected before the calls that depend on it (order of AwsCalls.All)");

    private static async Task<IReadOnlyDictionary<string, JsonObject?>> Each(IEnumerable<PlanItem> items, Func<PlanItem, Task<JsonObject?>> run)
    {
        var list = items.ToList();
        var results = await Task.WhenAll(list.Select(run)).ConfigureAwait(false);
        return list.Select((item, i) => (item.Key, results[i])).ToDictionary(p => p.Key, p => p.Item2, StringComparer.Ordinal);
    }
}
