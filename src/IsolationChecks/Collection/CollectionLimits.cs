using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using IsolationChecks.Aws;
using Polly;
using Polly.Retry;

namespace IsolationChecks.Collection;

/// <summary>
/// How hard one collection process may press AWS: at most <see cref="MaxConcurrency"/> calls in flight across every scope
/// and service, and at most a few calls a second to each (account, region, service), which is where AWS counts its API
/// limits (IAM and Organizations per account, being global). The rate of a partition adapts (<see cref="AdaptiveRateLimiter"/>):
/// AWS throttling one lowers it, towards <see cref="MinCallsPerSecond"/>, and answers that are not throttled bring it back
/// up to the configured rate. These limits keep a run over hundreds of accounts from causing throttling, one throttled
/// region from slowing or holding the others' slots (a call waits for its partition's permit before it takes a slot), and
/// shards that run at the same time from adding up on one account (each shard holds its own accounts).
/// </summary>
/// <param name="CallsPerSecond">The configured rate per (account, region, service): where each partition starts and the most it recovers to; null: <see cref="DefaultCallsPerSecond"/> per service.</param>
/// <param name="MinCallsPerSecond">The lowest rate throttling slows a partition to (never above its configured rate).</param>
/// <param name="ThrottleRetries">How many times a throttled call is sent again (each after a jittered backoff and its partition's permit) before it is recorded as failed.</param>
public sealed record CollectionLimits(
    int MaxConcurrency = CollectionOptions.DefaultMaxConcurrency,
    double? CallsPerSecond = null,
    double MinCallsPerSecond = CollectionLimits.DefaultMinCallsPerSecond,
    int ThrottleRetries = CollectionLimits.DefaultThrottleRetries)
{
    /// <summary>
    /// How AWS counts each service's API limits, and the collector's defaults within them. EC2 documents a token bucket per
    /// API action (non-mutating actions: 100 tokens, refilled 20 a second); the collector keeps one such bucket for all of
    /// EC2, so its whole EC2 traffic stays within what AWS allows a single action. ECR documents a throttle per API action
    /// but publishes no rate for the per-repository reads an audit makes (GetRepositoryPolicy, GetLifecyclePolicy: two per
    /// repository, most of a large estate's calls): each action has its own bucket at 20 a second, the lowest rate ECR has
    /// published for a read action (GetAuthorizationToken's, since raised), with one second's burst. IAM, Organizations
    /// and STS count per account (IAM and Organizations being global).
    /// </summary>
    public static IReadOnlyDictionary<string, ServiceRate> DefaultRates { get; } = new Dictionary<string, ServiceRate>(StringComparer.Ordinal)
    {
        ["ec2"] = new(20, Burst: 100),
        ["ecr"] = new(20, PerOperation: true),
        ["iam"] = new(5),
        ["organizations"] = new(5),
        ["sts"] = new(10),
    };

    public static ServiceRate OtherServices { get; } = new(10);

    /// <summary>
    /// The rate a service's partitions start at and recover to: its default, or <see cref="CallsPerSecond"/> with one
    /// second's burst. Either way a partition is where AWS counts (per action for ECR).
    /// </summary>
    public ServiceRate RateOf(string service)
    {
        var rate = DefaultRates.GetValueOrDefault(service, OtherServices);
        return CallsPerSecond is { } configured ? rate with { CallsPerSecond = configured, Burst = null } : rate;
    }

    /// <summary>One call every two seconds: slow enough for an account another tool is saturating, fast enough to finish.</summary>
    public const double DefaultMinCallsPerSecond = 0.5;

    /// <summary>Five attempts in all, over about 15 seconds of backoff (0.5 s doubling, jittered), plus the partition's lowered rate.</summary>
    public const int DefaultThrottleRetries = 4;

    /// <summary>The first backoff of a throttled call; it doubles each retry (with jitter), up to <see cref="MaxThrottleBackoff"/>.</summary>
    public static readonly TimeSpan ThrottleBackoff = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan MaxThrottleBackoff = TimeSpan.FromSeconds(20);

    /// <summary>The floor of a service's partitions: <see cref="MinCallsPerSecond"/>, or the configured rate when that is lower.</summary>
    public double MinimumOf(string service) => Math.Min(MinCallsPerSecond, RateOf(service).CallsPerSecond);
}

/// <summary>The rate of one service's partitions.</summary>
/// <param name="CallsPerSecond">The sustained rate (a token bucket's refill).</param>
/// <param name="Burst">Calls that may go out at once at that rate (the bucket's size); null: one second's worth.</param>
/// <param name="PerOperation">Whether AWS throttles each API action of the service apart, so each has its own partition.</param>
public sealed record ServiceRate(double CallsPerSecond, int? Burst = null, bool PerOperation = false)
{
    /// <summary>The burst at the configured rate.</summary>
    public int BurstCalls => Burst ?? (int)Math.Max(1, Math.Ceiling(CallsPerSecond));
}

/// <summary>
/// The pipelines a collection's calls go through: a slot among the concurrent calls and, holding it, a permit of its
/// partition's adaptive rate, taken when the request goes on the wire (a permit taken before waiting for a slot would let
/// the calls that waited go out together, faster than the rate). A call whose partition has no permit yet gives its slot
/// back while it waits; when AWS throttles the call, a jittered backoff, then slot and permit again, before it is resent.
/// So a throttled partition never holds the others' slots.
/// </summary>
internal sealed class CollectionThrottle : IDisposable
{
    private readonly CollectionLimits _limits;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, AdaptiveRateLimiter> _rates = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline _throttleRetry;
    private readonly CallSlots _slots;

    public CollectionThrottle(CollectionLimits limits, TimeProvider clock)
    {
        _limits = limits;
        _clock = clock;
        _slots = new CallSlots(limits.MaxConcurrency);
        var retry = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (limits.ThrottleRetries > 0)
            retry.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<AwsCallException>(e => ThrottlingErrors.Is(e.ErrorCode, e.HttpStatus)),
                MaxRetryAttempts = limits.ThrottleRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = CollectionLimits.ThrottleBackoff,
                MaxDelay = CollectionLimits.MaxThrottleBackoff,
            });
        _throttleRetry = retry.Build();
    }

    /// <summary>
    /// The partition AWS counts a call in: (account, region, service), region "global" for a global service, and the
    /// operation too where the service throttles each action apart (<see cref="ServiceRate.PerOperation"/>).
    /// </summary>
    public string PartitionOf(string account, string region, string service, string operation) =>
        Partition(account, region, service, _limits.RateOf(service).PerOperation ? operation : null);

    public static string Partition(string account, string region, string service, string? operation = null) =>
        operation is null ? $"{account}|{region}|{service}" : $"{account}|{region}|{service}|{operation}";

    /// <summary>The adaptive rate of a partition (created at its configured rate when first asked for).</summary>
    public AdaptiveRateLimiter RateOf(string partition) =>
        _rates.GetOrAdd(partition, key =>
        {
            var service = key.Split('|')[2];
            var rate = _limits.RateOf(service);
            return new AdaptiveRateLimiter(rate.CallsPerSecond, _limits.MinimumOf(service), _clock, rate.BurstCalls);
        });

    /// <summary>
    /// Runs the call once it holds a slot and its partition's permit (its duration starts inside); a throttled answer lowers
    /// the partition's rate and the call is resent after a backoff, under the same limits. The attempts of every send are
    /// counted, so a call's manifest entry says how many requests it took on the wire.
    /// </summary>
    /// <param name="depth">How many calls this one waits for before it: a free slot goes to the deepest waiting call first (<see cref="CallSlots"/>).</param>
    public async Task<ApiCallResult> RunAsync(string partition, Func<CancellationToken, Task<ApiCallResult>> call, CancellationToken cancellationToken, int depth = 0)
    {
        var rate = RateOf(partition);
        var attempts = 0;
        return await _throttleRetry.ExecuteAsync(
            async token =>
            {
                using var slot = await SlotWithPermitAsync(rate, depth, token).ConfigureAwait(false);
                var sentAt = rate.Now;
                try
                {
                    var result = await call(token).ConfigureAwait(false);
                    rate.Succeeded();
                    attempts += result.Attempts;
                    return result with { Attempts = attempts };
                }
                catch (AwsCallException e)
                {
                    attempts += e.Attempts;
                    if (ThrottlingErrors.Is(e.ErrorCode, e.HttpStatus))
                        rate.Throttled(sentAt);
                    else
                        rate.Succeeded();
                    throw new AwsCallException(e.Service, e.Operation, e.ErrorCode, e.ErrorMessage, e.HttpStatus, attempts, e.InnerException);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A slot whose holder may send now: without a permit of the partition, the slot is given back until one is due.</summary>
    private async Task<CallSlots.Slot> SlotWithPermitAsync(AdaptiveRateLimiter rate, int depth, CancellationToken cancellationToken)
    {
        while (true)
        {
            var slot = await _slots.AcquireAsync(depth, cancellationToken).ConfigureAwait(false);
            using var permit = rate.AttemptAcquire();
            if (permit.IsAcquired)
                return slot;
            slot.Dispose();
            var due = permit.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMilliseconds(10);
            await Task.Delay(due, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var rate in _rates.Values)
            rate.Dispose();
    }
}
