using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>The handlers every client of the tool carries, official or thin.</summary>
internal static class GuardedPipeline
{
    /// <param name="config">The client's configuration: an audit client's SDK retry policy is built from it.</param>
    public static void Install(RuntimePipeline pipeline, string iamServicePrefix, GuardMode mode, AttemptCounter counter, IClientConfig config)
    {
        // An audit read's throttling is retried by the collection, under its partition's adaptive rate
        // (Collection/AdaptiveRateLimiter.cs): retried here too, the SDK would resend it at once, outside that rate.
        if (mode == GuardMode.Audit)
            pipeline.ReplaceHandler<RetryHandler>(new RetryHandler(new NoThrottleRetryPolicy(config)));
        pipeline.AddHandlerAfter<RetryHandler>(counter.CreateHandler());
        pipeline.AddHandler(new ReadOnlyGuardHandler(iamServicePrefix, mode));
    }

    /// <summary>The SDK's standard retry (5xx, connection errors, clock skew), without throttling.</summary>
    private sealed class NoThrottleRetryPolicy(IClientConfig config) : StandardRetryPolicy(config)
    {
        public override bool RetryForException(IExecutionContext executionContext, Exception exception) =>
            !IsThrottled(exception) && base.RetryForException(executionContext, exception);

        // The async pipeline asks this one.
        public override async Task<bool> RetryForExceptionAsync(IExecutionContext executionContext, Exception exception) =>
            !IsThrottled(exception) && await base.RetryForExceptionAsync(executionContext, exception).ConfigureAwait(false);

        private static bool IsThrottled(Exception exception) =>
            exception is AmazonServiceException service && ThrottlingErrors.Is(service.ErrorCode, (int)service.StatusCode);
    }
}
