using System.Diagnostics;
using System.Net.Http;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Polly;
using Polly.Retry;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>A response body that could not be read as the protocol promises (truncated, not JSON/XML).</summary>
internal sealed class MalformedResponseException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Sends the pages of one logical call: one extra retry (Polly) for transient failures the SDK's own
/// standard retry did not retry, attempt accounting across both layers, and translation of every
/// failure into <see cref="AwsCallException"/>. 5xx are left to the SDK and throttling to the collection's adaptive
/// rate (Collection/CollectionLimits.cs): retrying them here again would multiply the load on a throttled account.
/// </summary>
internal sealed class AwsCallRunner
{
    private readonly string _service;
    private readonly AttemptCounter _attempts;
    private readonly TimeSpan _retryDelay;

    public AwsCallRunner(string service, AttemptCounter attempts, TimeSpan? retryDelay = null)
    {
        _service = service;
        _attempts = attempts;
        _retryDelay = retryDelay ?? TimeSpan.FromMilliseconds(200);
    }

    /// <summary>
    /// One extra attempt, only when the failure is transient and the SDK made a single attempt for the
    /// request: when the SDK has already retried it (a connection reset it retries itself), retrying
    /// again here would multiply the attempts for the same failure.
    /// </summary>
    private ResiliencePipeline TransientRetryFor(AmazonWebServiceRequest request) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => IsTransientOutsideSdk(e) && _attempts.AttemptsOf(request) <= 1),
                MaxRetryAttempts = 1,
                Delay = _retryDelay,
                BackoffType = DelayBackoffType.Constant,
            })
            .Build();

    /// <summary>The error code of a call whose pages never end: the service repeated a pagination token.</summary>
    public const string PaginationLoop = "PaginationLoop";

    /// <summary>Starts a logical call; pages are sent through the returned tracker.</summary>
    public CallTracker Begin(string operation) => new(this, operation);

    internal static bool IsTransientOutsideSdk(Exception exception)
    {
        if (exception is OperationCanceledException or ReadOnlyViolationException)
            return false;
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or IOException or SocketException)
                return true;
            if (IsMalformedBody(current))
                return true;
        }

        return false;
    }

    /// <summary>A body that did not parse: the SDK's unmarshallers throw XmlException/JsonException unwrapped.</summary>
    private static bool IsMalformedBody(Exception exception) =>
        exception is MalformedResponseException or AmazonUnmarshallingException or System.Xml.XmlException or System.Text.Json.JsonException;

    internal sealed class CallTracker(AwsCallRunner runner, string operation)
    {
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
        private readonly List<AmazonWebServiceRequest> _requests = [];
        private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);

        public int Pages { get; private set; }

        /// <summary>
        /// The token for the next page, or null when this was the last. A token the service already gave for this call
        /// would only repeat pages (a pagination loop): the call fails instead of merging the same items again for ever.
        /// </summary>
        public string? Next(string? token)
        {
            if (string.IsNullOrEmpty(token))
                return null;
            if (!_tokens.Add(token))
                throw new AwsCallException(runner._service, operation, PaginationLoop,
                    $"page {Pages} returned a pagination token it had returned before, so the listing would never end", null, Math.Max(Attempts, 1));
            return token;
        }

        public int Attempts => _requests.Sum(runner._attempts.AttemptsOf);

        /// <summary>Sends one page and parses it; parse failures count as malformed responses (retried once).</summary>
        public async Task<TResult> PageAsync<TRequest, TResponse, TResult>(
            TRequest request,
            Func<TRequest, CancellationToken, Task<TResponse>> send,
            Func<TResponse, TResult> parse,
            CancellationToken cancellationToken)
            where TRequest : AmazonWebServiceRequest
        {
            _requests.Add(request);
            try
            {
                var result = await runner.TransientRetryFor(request).ExecuteAsync(
                    async token =>
                    {
                        var response = await send(request, token).ConfigureAwait(false);
                        try
                        {
                            return parse(response);
                        }
                        catch (Exception e) when (e is not MalformedResponseException and not OperationCanceledException)
                        {
                            throw new MalformedResponseException($"{runner._service}:{operation} answered a body that could not be read: {e.Message}", e);
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
                Pages++;
                return result;
            }
            catch (Exception e) when (Translate(e) is { } translated)
            {
                throw translated;
            }
        }

        public ApiCallResult Result(System.Text.Json.Nodes.JsonObject output) => new(output, Pages, Attempts, _stopwatch.Elapsed);

        private AwsCallException? Translate(Exception exception)
        {
            if (exception is OperationCanceledException or ReadOnlyViolationException or AwsCallException)
                return null;
            var attempts = Math.Max(Attempts, 1);
            return exception switch
            {
                AmazonUnmarshallingException u => new(runner._service, operation, "MalformedResponse", u.Message, (int)u.StatusCode, attempts, u),
                AmazonServiceException s when !string.IsNullOrEmpty(s.ErrorCode) =>
                    new(runner._service, operation, s.ErrorCode, s.Message, s.StatusCode == 0 ? null : (int)s.StatusCode, attempts, s),
                _ when IsMalformedBody(exception) => new(runner._service, operation, "MalformedResponse", exception.Message, null, attempts, exception),
                _ when IsTransientOutsideSdk(exception) =>
                    new(runner._service, operation, "ConnectionFailure", Innermost(exception).Message, null, attempts, exception),
                AmazonServiceException s => new(runner._service, operation, $"Http{(int)s.StatusCode}", s.Message, s.StatusCode == 0 ? null : (int)s.StatusCode, attempts, s),
                AmazonClientException c => new(runner._service, operation, "ClientError", c.Message, null, attempts, c),
                _ => new(runner._service, operation, exception.GetType().Name, exception.Message, null, attempts, exception),
            };
        }

        private static Exception Innermost(Exception exception)
        {
            while (exception.InnerException is not null)
                exception = exception.InnerException;
            return exception;
        }
    }
}
