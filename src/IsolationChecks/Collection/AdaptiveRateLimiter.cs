using System.Threading.RateLimiting;

namespace IsolationChecks.Collection;

/// <summary>
/// The rate of one (account, region, service), adapted to what AWS answers: it starts at the configured rate; a throttled
/// answer halves it (multiplicative decrease, never below <see cref="AdaptiveRateLimiter.Minimum"/>), each answer that is
/// not throttled raises it by a twentieth of the configured rate (additive increase, never above it). Permits are spaced
/// evenly at the current rate after a burst (<see cref="Burst"/> at the configured rate, as many at a lowered rate as
/// its share of the configured one, never fewer than a second's worth; none right after a throttle), measured on the
/// run's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Requests already in flight when AWS first throttles come back throttled too: they answer the same congestion, so a
/// throttle of a request sent before the last decrease does not decrease again (as TCP halves once per round trip).
/// </remarks>
internal sealed class AdaptiveRateLimiter : RateLimiter
{
    /// <summary>The factor a throttled answer multiplies the rate by.</summary>
    public const double Decrease = 0.5;

    /// <summary>The share of the configured rate each answer that is not throttled gives back.</summary>
    public const double RecoveryStep = 0.05;

    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private readonly long _origin;
    private double _rate;
    private double _next;
    private double _lastDecrease = double.NegativeInfinity;
    private long _throttles;

    /// <param name="burst">Permits that may be taken at once at the configured rate (a token bucket's size); null: one second's worth.</param>
    public AdaptiveRateLimiter(double maximum, double minimum, TimeProvider clock, int? burst = null)
    {
        if (!(maximum > 0) || !(minimum > 0) || minimum > maximum)
            throw new ArgumentOutOfRangeException(nameof(minimum), $"rates must be 0 < minimum ({minimum}) <= maximum ({maximum})");
        if (burst < 1)
            throw new ArgumentOutOfRangeException(nameof(burst), $"a burst must allow at least one permit, not {burst}");
        Maximum = maximum;
        Minimum = minimum;
        Burst = burst ?? (int)Math.Ceiling(maximum);
        _rate = maximum;
        _clock = clock;
        _origin = clock.GetTimestamp();
    }

    /// <summary>The configured rate: where the partition starts and what recovery climbs back to.</summary>
    public double Maximum { get; }

    /// <summary>Permits that may be taken at once at the configured rate.</summary>
    public int Burst { get; }

    /// <summary>The floor a throttled partition is slowed to, so a partition AWS throttles for ever still ends (failed) in its budget.</summary>
    public double Minimum { get; }

    /// <summary>Calls a second permitted now.</summary>
    public double Rate
    {
        get
        {
            lock (_gate)
                return _rate;
        }
    }

    /// <summary>Throttled answers seen (each, whether it decreased the rate or echoed an earlier decrease).</summary>
    public long Throttles => Interlocked.Read(ref _throttles);

    /// <summary>The moment to pass to <see cref="Throttled"/> for a request sent now.</summary>
    public double Now => _clock.GetElapsedTime(_origin).TotalSeconds;

    /// <summary>AWS throttled a request sent at <paramref name="sentAt"/> (<see cref="Now"/> when it was sent).</summary>
    public void Throttled(double sentAt)
    {
        Interlocked.Increment(ref _throttles);
        lock (_gate)
        {
            if (sentAt < _lastDecrease)
                return;
            _rate = Math.Max(Minimum, _rate * Decrease);
            _lastDecrease = Now;
            // AWS said slow down: the burst is spent, the next permit is one interval (at the lowered rate) away.
            _next = Math.Max(_next, _lastDecrease + Tolerance + 1 / _rate);
        }
    }

    /// <summary>AWS answered a request without throttling it.</summary>
    public void Succeeded()
    {
        lock (_gate)
            _rate = Math.Min(Maximum, _rate + Maximum * RecoveryStep);
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            var now = Now;
            lock (_gate)
                return _next <= now ? TimeSpan.FromSeconds(now - _next) : null;
        }
    }

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            var now = Now;
            if (Wait(now) is var wait && wait > 0)
                return Lease.DeniedFor(TimeSpan.FromSeconds(wait));
            Reserve(now, permitCount);
            return Lease.Granted;
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        double wait;
        lock (_gate)
        {
            var now = Now;
            wait = Wait(now);
            Reserve(now, permitCount);
        }

        // A reservation given up (the call cancelled) is not handed back: the partition stays a little slower, never faster.
        if (wait > 0)
            await Task.Delay(TimeSpan.FromSeconds(wait), _clock, cancellationToken).ConfigureAwait(false);
        return Lease.Granted;
    }

    /// <summary>
    /// Seconds until the next permit (a generic cell rate algorithm): permits are due one interval (1/rate) apart, and one may
    /// be taken up to the burst's worth of intervals early.
    /// </summary>
    private double Wait(double now) => _next - Tolerance - now is var wait && wait > Rounding ? wait : 0;

    /// <summary>A microsecond: less than any interval, more than the rounding of the sums above.</summary>
    private const double Rounding = 1e-6;

    private double Tolerance => (BurstNow - 1) / _rate;

    /// <summary>The burst at the current rate: the configured burst scaled down with the rate, at least a second's worth (and one).</summary>
    private double BurstNow => Math.Max(Math.Max(1, Math.Ceiling(_rate)), _rate >= Maximum ? Burst : Math.Floor(Burst * _rate / Maximum + Rounding));

    private void Reserve(double now, int permits) => _next = Math.Max(_next, now) + permits / _rate;

    /// <summary>A permit, or its refusal with when to ask again (<see cref="MetadataName.RetryAfter"/>).</summary>
    private sealed class Lease(bool acquired, TimeSpan? retryAfter = null) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);

        public static Lease DeniedFor(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
