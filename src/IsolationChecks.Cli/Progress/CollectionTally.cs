using IsolationChecks.Collection;

namespace IsolationChecks.Cli.Progress;

/// <summary>One row of the collection's progress: an account, a region and a service.</summary>
/// <param name="Retries">Attempts beyond the first (the SDK's retries, throttling included).</param>
/// <param name="Throttled">Calls that ended throttled after every retry.</param>
/// <param name="Elapsed">From the run's start to this row's latest event.</param>
internal sealed record ServiceProgress(string Scope, string Account, string Region, string Service, int Running, int Done, int Failed, int Retries, int Throttled, TimeSpan Elapsed);

/// <summary>
/// Collection progress events summed per account, region and service, or per account and region (a shard's targets, whose
/// services would make a table too long to read); thread-safe (events arrive from every scope at once).
/// </summary>
internal sealed class CollectionTally(bool byService = true)
{
    /// <summary>The service column of a tally per target.</summary>
    public const string AllServices = "all services";

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Scope, string Service), ServiceProgress> _rows = [];

    public void Add(CollectionProgress progress)
    {
        lock (_gate)
        {
            var key = (progress.Scope, byService ? progress.Service : AllServices);
            var row = _rows.GetValueOrDefault(key)
                ?? new ServiceProgress(progress.Scope, progress.Account ?? "", progress.Region ?? "", key.Item2, 0, 0, 0, 0, 0, TimeSpan.Zero);
            _rows[key] = progress.Finished
                ? row with
                {
                    Running = Math.Max(0, row.Running - 1),
                    Done = row.Done + 1,
                    Failed = row.Failed + (progress.State == "failed" ? 1 : 0),
                    Retries = row.Retries + Math.Max(0, progress.Attempts - 1),
                    Throttled = row.Throttled + (CollectionProgress.IsThrottling(progress.ErrorCode) ? 1 : 0),
                    Elapsed = progress.Elapsed,
                }
                : row with { Running = row.Running + 1, Elapsed = progress.Elapsed };
        }
    }

    public bool ByService => byService;

    public IReadOnlyList<ServiceProgress> Rows
    {
        get
        {
            lock (_gate)
                return _rows.Values.OrderBy(r => r.Scope, StringComparer.Ordinal).ThenBy(r => r.Service, StringComparer.Ordinal).ToList();
        }
    }

    public static string Line(ServiceProgress row) =>
        $"{row.Scope} {row.Account} {row.Region} {row.Service}: {row.Done} calls done, {row.Failed} failed, {row.Retries} retries, "
        + $"{row.Throttled} throttled, {row.Elapsed.TotalSeconds:0.0}s";
}
