using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Aws.Clients;

/// <summary>
/// The seam between the catalog and one service's client: sends one request of a catalog call (all its pages) and
/// returns the document the AWS CLI prints for it. The thin clients over AWSSDK.Core's pipeline fill it today; the day
/// the mirror serves an official package (AWSSDK.CodeBuild, ...), a client over that package fills it instead.
/// </summary>
public interface IAwsServiceClient : IDisposable
{
    AwsService Service { get; }

    /// <exception cref="AwsCallException">The service (or the network) refused the call after the SDK's retries (throttling is not retried here: the collection resends it under its partition's rate).</exception>
    Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken);
}

/// <summary>
/// The clients of one scope, one per service, each built once, on the thread pool, when first asked for or prepared.
/// A call waits for its service's client without holding a thread (a fresh process takes a while to build its first
/// SDK clients, and on a small machine callers blocked on the build would starve the pool), and the clients a scope
/// needs can be built while its first call (STS) is on the wire.
/// </summary>
public sealed class AwsServiceSet(Func<AwsService, IAwsServiceClient> create) : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<AwsService, Lazy<Task<IAwsServiceClient>>> _clients = new();

    /// <summary>Starts building the clients of these services (a failure to build one is the failure of its first call).</summary>
    public void Prepare(IEnumerable<AwsService> services)
    {
        foreach (var service in services)
            _ = ClientOf(service);
    }

    /// <summary>
    /// Makes one call. When <paramref name="cancellationToken"/> fires the caller stops waiting at once, even for a request
    /// that does not honour it (a body trickling in, read by the SDK's synchronous unmarshaller): the Timeout bounds the run.
    /// The call starts on the thread pool, so a client that blocks before its first await cannot hold the caller either.
    /// </summary>
    public async Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken)
    {
        var client = await ClientOf(call.Service).WaitAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => client.CallAsync(call, args, cancellationToken), cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<IAwsServiceClient> ClientOf(AwsService service) =>
        _clients.GetOrAdd(service, s => new Lazy<Task<IAwsServiceClient>>(() => Task.Run(() => create(s)), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated).Select(c => c.Value))
            _ = client.ContinueWith(built => built.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _clients.Clear();
    }
}
