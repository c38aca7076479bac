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
/// The clients of one scope, one per service, created when first asked for. Each service's client is created on its own
/// (the first EC2 call does not wait while the IAM client is being built), and only once.
/// </summary>
public sealed class AwsServiceSet(Func<AwsService, IAwsServiceClient> create) : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<AwsService, Lazy<IAwsServiceClient>> _clients = new();

    public IAwsServiceClient For(AwsService service) =>
        _clients.GetOrAdd(service, s => new Lazy<IAwsServiceClient>(() => create(s), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>
    /// Makes one call. When <paramref name="cancellationToken"/> fires the caller stops waiting at once, even for a request
    /// that does not honour it (a body trickling in, read by the SDK's synchronous unmarshaller): the Timeout bounds the run.
    /// The call starts on the thread pool, so a client that blocks before its first await cannot hold the caller either.
    /// </summary>
    public Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken) =>
        Task.Run(() => For(call.Service).CallAsync(call, args, cancellationToken), cancellationToken).WaitAsync(cancellationToken);

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
            client.Value.Dispose();
        _clients.Clear();
    }
}
