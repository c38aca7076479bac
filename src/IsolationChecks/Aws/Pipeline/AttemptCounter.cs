using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>
/// Counts the HTTP attempts the SDK makes for each request object (its retries included), so a call can
/// report how many attempts it took. One counter per client; requests are keyed by identity.
/// </summary>
internal sealed class AttemptCounter
{
    private readonly ConditionalWeakTable<AmazonWebServiceRequest, StrongBox<int>> _attempts = new();

    public void Record(AmazonWebServiceRequest request) =>
        Interlocked.Increment(ref _attempts.GetValue(request, _ => new StrongBox<int>(0)).Value);

    public int AttemptsOf(AmazonWebServiceRequest request) =>
        _attempts.TryGetValue(request, out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <summary>Sits inside the SDK's retry handler, so it runs once per attempt.</summary>
    public PipelineHandler CreateHandler() => new CountingHandler(this);

    private sealed class CountingHandler(AttemptCounter counter) : PipelineHandler
    {
        public override void InvokeSync(IExecutionContext executionContext)
        {
            counter.Record(executionContext.RequestContext.OriginalRequest);
            base.InvokeSync(executionContext);
        }

        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            counter.Record(executionContext.RequestContext.OriginalRequest);
            return base.InvokeAsync<T>(executionContext);
        }
    }
}
