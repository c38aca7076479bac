using System.Threading.RateLimiting;
using Polly;
using Polly.RateLimiting;

namespace IsolationChecks.Collection;

/// <summary>
/// How hard one collection process may press AWS: at most <see cref="MaxConcurrency"/> calls in flight across every scope
/// and service, and at most a few calls a second to each (account, region, service), which is where AWS counts its API
/// limits (IAM and Organizations per account, being global). Throttling that still happens is the SDK's to retry, with
/// its backoff; these limits keep a run over hundreds of accounts from causing it, one throttled region from holding the
/// others' slots (a call waits for its partition's token before it takes a slot), and shards that run at the same time
/// from adding up on one account (each shard holds its own accounts).
/// </summary>
/// <param name="CallsPerSecond">Calls a second per (account, region, service); null: <see cref="DefaultCallsPerSecond"/> per service.</param>
public sealed record CollectionLimits(int MaxConcurrency = CollectionOptions.DefaultMaxConcurrency, double? CallsPerSecond = null)
{
    /// <summary>The default rate per service: well under AWS's documented API limits (EC2 Describe*, IAM, Organizations).</summary>
    public static IReadOnlyDictionary<string, double> DefaultCallsPerSecond { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["ec2"] = 20, ["iam"] = 5, ["organizations"] = 5, ["sts"] = 10,
    };

    public const double OtherServicesCallsPerSecond = 10;

    public double RateOf(string service) => CallsPerSecond ?? DefaultCallsPerSecond.GetValueOrDefault(service, OtherServicesCallsPerSecond);
}

/// <summary>The pipelines a collection's calls go through: the rate of their partition, then a slot among the concurrent calls.</summary>
internal sealed class CollectionThrottle : IDisposable
{
    private readonly CollectionLimits _limits;
    private readonly PartitionedRateLimiter<string> _rates;
    private readonly ResiliencePipeline _slots;
    private readonly ConcurrencyLimiter _concurrency;

    public CollectionThrottle(CollectionLimits limits)
    {
        _limits = limits;
        _rates = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(_limits.RateOf(key[(key.LastIndexOf('|') + 1)..]))));
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = Math.Max(1, limits.MaxConcurrency), QueueLimit = int.MaxValue });
        _slots = new ResiliencePipelineBuilder().AddRateLimiter(_concurrency).Build();
    }

    /// <summary>The partition AWS counts a call in: (account, region, service), region "global" for a global service.</summary>
    public static string Partition(string account, string region, string service) => $"{account}|{region}|{service}";

    /// <summary>Waits for the partition's token, then for a slot, then runs the call (its duration starts inside).</summary>
    public async Task<T> RunAsync<T>(string partition, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var lease = await _rates.AcquireAsync(partition, 1, cancellationToken).ConfigureAwait(false);
        return await _slots.ExecuteAsync(async token => await call(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private static TokenBucketRateLimiterOptions Bucket(double perSecond)
    {
        // One token every 1/rate seconds, a burst of one second's worth: a steady rate, never more than AWS's bucket refills.
        var burst = Math.Max(1, (int)Math.Ceiling(perSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / Math.Max(perSecond, 0.01)),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
    }

    public void Dispose()
    {
        _rates.Dispose();
        _concurrency.Dispose();
    }
}
