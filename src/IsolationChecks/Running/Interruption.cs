using System.Runtime.InteropServices;

namespace IsolationChecks.Running;

/// <summary>
/// What stops a run before it is judged: SIGINT, SIGTERM or SIGHUP, or anything that calls <see cref="Interrupt"/>
/// (the process that started the run has gone). The first reason wins; it cancels <see cref="Token"/>, which every
/// AWS call of the run observes, and tells the listeners (the Output folder writes its "interrupted" error file at
/// once, in case the process is killed before the run unwinds).
/// </summary>
public sealed class Interruption : IDisposable
{
    /// <summary>How long a cancelled run may take to unwind before the process is ended with <see cref="ExitCodes.Interrupted"/>.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<PosixSignalRegistration> _signals = [];
    private readonly Lock _gate = new();
    private readonly List<Action<string>> _listeners = [];
    private readonly Action? _onUnresponsive;
    private readonly TimeSpan _grace;
    private string? _reason;

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Why the run was interrupted; null while it was not.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>An interruption that only <see cref="Interrupt"/> triggers (tests, embedding).</summary>
    /// <param name="onUnresponsive">Called when a run is still going <paramref name="grace"/> after it was interrupted.</param>
    /// <param name="grace">Default: <see cref="GracePeriod"/>.</param>
    public Interruption(Action? onUnresponsive = null, TimeSpan? grace = null)
    {
        _onUnresponsive = onUnresponsive;
        _grace = grace ?? GracePeriod;
    }

    /// <summary>
    /// Interrupts on SIGINT, SIGTERM and SIGHUP. The signal's default action (ending the process at once, exit code 0 for
    /// SIGTERM in .NET) is cancelled: the run is cancelled instead. Whatever interrupts it, <paramref name="onUnresponsive"/>
    /// ends the process if the run has not unwound within <see cref="GracePeriod"/>.
    /// </summary>
    public static Interruption OnSignals(Action onUnresponsive)
    {
        var interruption = new Interruption(onUnresponsive);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            interruption._signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                interruption.Interrupt($"{context.Signal} received");
            }));
        }

        return interruption;
    }

    /// <summary>Interrupts the run; the first reason is kept, later calls do nothing.</summary>
    public void Interrupt(string reason)
    {
        Action<string>[] listeners;
        lock (_gate)
        {
            if (_reason is not null)
                return;
            Volatile.Write(ref _reason, reason);
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
            listener(reason);
        _cancellation.Cancel();
        if (_onUnresponsive is { } force)
            _ = ForceAfterGraceAsync(this, force);
    }

    /// <summary>Calls <paramref name="listener"/> when the run is interrupted (at once if it already was), until the result is disposed.</summary>
    public IDisposable OnInterrupted(Action<string> listener)
    {
        string? already;
        lock (_gate)
        {
            already = _reason;
            if (already is null)
                _listeners.Add(listener);
        }

        if (already is not null)
            listener(already);
        return new Subscription(this, listener);
    }

    public void Dispose()
    {
        foreach (var signal in _signals)
            signal.Dispose();
        _cancellation.Dispose();
    }

    private static async Task ForceAfterGraceAsync(Interruption interruption, Action onUnresponsive)
    {
        await Task.Delay(interruption._grace).ConfigureAwait(false);
        bool running;
        lock (interruption._gate)
            running = interruption._listeners.Count > 0;
        // A run still subscribed has not unwound: it may be blocked on a call that ignores cancellation.
        if (running)
            onUnresponsive();
    }

    private sealed class Subscription(Interruption owner, Action<string> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
                owner._listeners.Remove(listener);
        }
    }
}
