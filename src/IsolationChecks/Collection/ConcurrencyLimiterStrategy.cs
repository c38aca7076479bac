using Polly;

namespace IsolationChecks.Collection;

/// <summary>
/// A Polly strategy that lets at most N executions run at once (Polly.RateLimiting is not on the
/// mirror). One instance is shared by every scope and service of a run, so a multi-account run does
/// not multiply the load on AWS.
/// </summary>
internal sealed class ConcurrencyLimiterStrategy(int maxConcurrency) : ResilienceStrategy, IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, maxConcurrency), Math.Max(1, maxConcurrency));

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        try
        {
            await _slots.WaitAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (OperationCanceledException e)
        {
            return Outcome.FromException<TResult>(e);
        }

        try
        {
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
