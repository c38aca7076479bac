namespace IsolationChecks.Collection;

/// <summary>
/// The calls a collection has in flight: at most a fixed number at once. A slot that comes free goes to the waiting call
/// deepest in the collection's chains (a repository's policy before one more listing: the listings were asked for first,
/// and in order of asking the chains that follow them started only after every listing), in order of asking among equals.
/// A wait that is cancelled leaves the queue.
/// </summary>
internal sealed class CallSlots(int limit)
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<TaskCompletionSource<Slot>, (int Depth, long Asked)> _waiting = new();
    private int _free = Math.Max(1, limit);
    private long _asked;

    /// <summary>A slot, at once when one is free and nobody waits, else when one comes free for this call before the others.</summary>
    /// <param name="depth">How many calls this one waits for before it (0 for a listing); deeper calls are served first.</param>
    public Task<Slot> AcquireAsync(int depth, CancellationToken cancellationToken)
    {
        TaskCompletionSource<Slot> waiter;
        lock (_gate)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_free > 0 && _waiting.Count == 0)
            {
                _free--;
                return Task.FromResult(new Slot(this));
            }

            waiter = new TaskCompletionSource<Slot>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter, (-depth, _asked++));
        }

        return WaitAsync(waiter, cancellationToken);
    }

    private async Task<Slot> WaitAsync(TaskCompletionSource<Slot> waiter, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(() => Withdraw(waiter, cancellationToken)))
            return await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>A cancelled wait leaves the queue, so only live waiters are ever in it (a free slot never waits behind a dead one).</summary>
    private void Withdraw(TaskCompletionSource<Slot> waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Not in the queue: a slot reached it first, and its holder gives it back.
            if (_waiting.Remove(waiter, out _, out _))
                waiter.SetCanceled(cancellationToken);
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            if (_waiting.TryDequeue(out var waiter, out _))
                waiter.SetResult(new Slot(this));
            else
                _free++;
        }
    }

    /// <summary>One call's place among those in flight, given back once when disposed.</summary>
    internal sealed class Slot(CallSlots slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release();
        }
    }
}
