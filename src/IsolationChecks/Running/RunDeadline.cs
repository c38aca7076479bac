using IsolationChecks.Collection;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Running;

/// <summary>
/// The run's Timeout, counted from the start of the run: how much collection time is left, and afterwards
/// whether it ran out and what it cut off (read from the manifest, where each cut-off call is recorded).
/// </summary>
public sealed class RunDeadline(TimeProvider clock, TimeSpan timeout)
{
    private readonly long _started = clock.GetTimestamp();

    public TimeSpan Timeout => timeout;

    public TimeSpan Remaining
    {
        get
        {
            var left = timeout - clock.GetElapsedTime(_started);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public bool Expired => Remaining == TimeSpan.Zero;

    /// <summary>Null when everything was collected in time.</summary>
    public RunTimedOut? Outcome(SnapshotFiles files)
    {
        var cut = (files.Manifest?.Calls ?? [])
            .Where(c => c.ErrorCode == RunTimedOut.ErrorCode)
            .Select(c => c.Target is null ? $"{c.Service}:{c.Operation}" : $"{c.Service}:{c.Operation} {c.Target}")
            .ToList();
        return cut.Count == 0 ? null : new RunTimedOut(timeout, cut);
    }
}
