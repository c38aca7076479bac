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

    /// <exception cref="AwsCallException">The service (or the network) refused the call after the SDK's retries.</exception>
    Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken);
}

/// <summary>The clients of one scope, one per service, created when first asked for.</summary>
public sealed class AwsServiceSet(Func<AwsService, IAwsServiceClient> create) : IDisposable
{
    private readonly Dictionary<AwsService, IAwsServiceClient> _clients = [];
    private readonly Lock _gate = new();

    public IAwsServiceClient For(AwsService service)
    {
        lock (_gate)
        {
            if (!_clients.TryGetValue(service, out var client))
                _clients[service] = client = create(service);
            return client;
        }
    }

    /// <summary>
    /// Makes one call. When <paramref name="cancellationToken"/> fires the caller stops waiting at once, even for a request
    /// that does not honour it (a body trickling in, read by the SDK's synchronous unmarshaller): the Timeout bounds the run.
    /// </summary>
    public Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken) =>
        For(call.Service).CallAsync(call, args, cancellationToken).WaitAsync(cancellationToken);

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var client in _clients.Values)
                client.Dispose();
            _clients.Clear();
        }
    }
}
