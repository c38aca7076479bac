using Amazon.Runtime.Internal;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>The handlers every client of the tool carries, official or thin.</summary>
internal static class GuardedPipeline
{
    public static void Install(RuntimePipeline pipeline, string iamServicePrefix, GuardMode mode, AttemptCounter counter)
    {
        pipeline.AddHandlerAfter<RetryHandler>(counter.CreateHandler());
        pipeline.AddHandler(new ReadOnlyGuardHandler(iamServicePrefix, mode));
    }
}
