using CsCheck;
using IsolationChecks.Aws;
using IsolationChecks.Collection;
using Microsoft.Extensions.Time.Testing;

namespace IsolationChecks.Tests.Collection;

/// <summary>
/// The adaptive rate of an (account, region, service) on a fake clock: a throttle halves it once per congestion, answers
/// bring it back by steps, it never leaves [minimum, configured]; permits are spaced at the current rate; a throttled
/// partition slows only itself, and a call throttled through every retry ends failed (a data gap), never as an answer.
/// </summary>
public sealed class AdaptiveRateTests
{
    private const string Throttled = "111111111111|eu-west-1|ec2";
    private const string Quiet = "111111111111|eu-central-1|ec2";

    private enum Answer { Throttle, EchoOfThrottle, Success }

    /// <summary>A configured rate, a floor under it, and what AWS answers, each after some time has passed.</summary>
    private static readonly Gen<(double Max, double Min, (Answer Answer, int AfterMs)[] Answers)> Histories =
        Gen.Double[0.5, 100].SelectMany(max => Gen.Double[0.01, max].Select(
            Gen.Select(Gen.Enum<Answer>(), Gen.Int[0, 2000]).Array[0, 80], (min, answers) => (max, min, answers)));

    [Test]
    public void The_rate_halves_once_per_congestion_recovers_by_steps_and_stays_within_its_bounds() =>
        Histories.Sample(history =>
        {
            var clock = new FakeTimeProvider();
            using var rate = new AdaptiveRateLimiter(history.Max, history.Min, clock);
            var expected = history.Max;
            double? lastDecrease = null;
            foreach (var (answer, afterMs) in history.Answers)
            {
                clock.Advance(TimeSpan.FromMilliseconds(afterMs));
                switch (answer)
                {
                    case Answer.EchoOfThrottle when lastDecrease is { } decreasedAt:
                        // A request sent before the last decrease: the same congestion, already answered.
                        rate.Throttled(decreasedAt - 0.001);
                        break;
                    case Answer.Throttle or Answer.EchoOfThrottle:
                        rate.Throttled(rate.Now);
                        expected = Math.Max(history.Min, expected * AdaptiveRateLimiter.Decrease);
                        lastDecrease = rate.Now;
                        break;
                    default:
                        rate.Succeeded();
                        expected = Math.Min(history.Max, expected + history.Max * AdaptiveRateLimiter.RecoveryStep);
                        break;
                }

                if (Math.Abs(rate.Rate - expected) > 1e-9 || rate.Rate < history.Min - 1e-9 || rate.Rate > history.Max + 1e-9)
                    return false;
            }

            return true;
        });

    [Test]
    public void After_any_throttling_twenty_answers_restore_the_configured_rate() =>
        Gen.Double[0.5, 100].Select(Gen.Int[1, 30]).Sample((max, throttles) =>
        {
            var clock = new FakeTimeProvider();
            using var rate = new AdaptiveRateLimiter(max, max / 100, clock);
            for (var i = 0; i < throttles; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                rate.Throttled(rate.Now);
            }

            var lowered = rate.Rate;
            var climb = Enumerable.Range(0, 20).Select(_ =>
            {
                rate.Succeeded();
                return rate.Rate;
            }).ToList();
            return lowered < max && climb.Zip(climb.Skip(1)).All(p => p.Second >= p.First) && Math.Abs(climb[^1] - max) < 1e-9;
        });

    [Test]
    public void Permits_come_a_burst_of_one_second_s_worth_then_one_per_interval_at_the_current_rate_and_none_right_after_a_throttle() =>
        Gen.Double[0.5, 50].Select(Gen.Int[0, 4]).Sample((max, throttles) =>
        {
            var clock = new FakeTimeProvider();
            using var rate = new AdaptiveRateLimiter(max, 0.25, clock);
            for (var i = 0; i < throttles; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                rate.Throttled(rate.Now);
            }

            var current = rate.Rate;
            var deniedRightAfterAThrottle = throttles == 0 || !rate.AttemptAcquire().IsAcquired;
            clock.Advance(TimeSpan.FromSeconds(10));
            var burst = (int)Math.Ceiling(current);
            var granted = 0;
            while (rate.AttemptAcquire().IsAcquired && granted <= burst)
                granted++;
            var deniedUntilTheInterval = !rate.AttemptAcquire().IsAcquired;
            clock.Advance(TimeSpan.FromSeconds(1 / current * 0.9));
            var stillDenied = !rate.AttemptAcquire().IsAcquired;
            clock.Advance(TimeSpan.FromSeconds(1 / current * 0.11));
            return deniedRightAfterAThrottle && granted == burst && deniedUntilTheInterval && stillDenied && rate.AttemptAcquire().IsAcquired;
        });

    [Test]
    public void A_configured_burst_comes_at_once_at_the_configured_rate_and_shrinks_with_the_rate_after_a_throttle() =>
        Gen.Double[0.5, 50].Select(Gen.Int[0, 200], Gen.Int[0, 4]).Sample((max, extra, throttles) =>
        {
            var clock = new FakeTimeProvider();
            var configured = (int)Math.Ceiling(max) + extra;
            using var rate = new AdaptiveRateLimiter(max, 0.25, clock, configured);
            for (var i = 0; i < throttles; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                rate.Throttled(rate.Now);
            }

            clock.Advance(TimeSpan.FromSeconds(1000));
            var current = rate.Rate;
            var expected = throttles == 0 ? configured : Math.Max(Math.Ceiling(current), Math.Floor(configured * current / max + 1e-6));
            var granted = 0;
            while (rate.AttemptAcquire().IsAcquired && granted <= configured)
                granted++;
            clock.Advance(TimeSpan.FromSeconds(1 / current * 1.01));
            return granted == expected && rate.AttemptAcquire().IsAcquired;
        });

    [Test]
    public void A_partition_is_where_aws_counts_one_bucket_for_ec2_one_per_action_for_ecr_and_the_documented_burst()
    {
        using var throttle = new CollectionThrottle(new CollectionLimits(), new FakeTimeProvider());
        var limits = new CollectionLimits();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(throttle.PartitionOf("1", "eu-west-1", "ec2", "DescribeVpcs"), Is.EqualTo(throttle.PartitionOf("1", "eu-west-1", "ec2", "DescribeSubnets")),
                "EC2 counts each action apart; one bucket for all of EC2 is within what AWS allows one action");
            Assert.That(throttle.PartitionOf("1", "eu-west-1", "ecr", "GetRepositoryPolicy"), Is.Not.EqualTo(throttle.PartitionOf("1", "eu-west-1", "ecr", "GetLifecyclePolicy")),
                "ECR throttles each action apart");
            Assert.That(throttle.PartitionOf("1", "eu-west-1", "ecr", "GetRepositoryPolicy"), Is.Not.EqualTo(throttle.PartitionOf("1", "eu-central-1", "ecr", "GetRepositoryPolicy")));
            Assert.That(throttle.PartitionOf("1", "global", "iam", "SimulatePrincipalPolicy"), Is.EqualTo(throttle.PartitionOf("1", "global", "iam", "GetAccountAuthorizationDetails")));
            Assert.That(limits.RateOf("ec2"), Is.EqualTo(new ServiceRate(20, Burst: 100)), "EC2's non-mutating actions: a bucket of 100 refilled 20 a second");
            Assert.That(throttle.RateOf(throttle.PartitionOf("1", "eu-west-1", "ec2", "DescribeVpcs")).Burst, Is.EqualTo(100));
            Assert.That(throttle.RateOf(throttle.PartitionOf("1", "eu-west-1", "ecr", "GetRepositoryPolicy")).Burst, Is.EqualTo(20));
            Assert.That(new CollectionLimits(CallsPerSecond: 4).RateOf("ec2"), Is.EqualTo(new ServiceRate(4)), "a configured rate comes with one second's burst");
            Assert.That(new CollectionLimits(CallsPerSecond: 4).RateOf("ecr").PerOperation, Is.True, "a configured rate does not change where AWS counts");
        }
    }

    [Test]
    public async Task After_a_throttle_the_next_permit_waits_one_interval_at_the_lowered_rate_on_the_clock()
    {
        var clock = new FakeTimeProvider();
        using var rate = new AdaptiveRateLimiter(2, 0.5, clock);
        rate.Throttled(rate.Now);
        Assert.That(rate.Rate, Is.EqualTo(1));

        var next = rate.AcquireAsync().AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(990));
        await Task.Delay(20);
        Assert.That(next.IsCompleted, Is.False, "at 1 call a second, with the burst spent, the next permit is a second away");
        clock.Advance(TimeSpan.FromMilliseconds(10));
        using var lease = await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(lease.IsAcquired, Is.True);
    }

    [Test]
    public async Task A_throttled_partition_slows_itself_and_not_another_and_its_call_succeeds_once_aws_lets_it()
    {
        var clock = new FakeTimeProvider();
        using var throttle = new CollectionThrottle(new CollectionLimits(MaxConcurrency: 2, CallsPerSecond: 4), clock);
        var sends = 0;
        var throttledCall = throttle.RunAsync(Throttled, _ => ++sends <= 3 ? Task.FromException<ApiCallResult>(ThrottlingOf("ec2")) : Task.FromResult(Ok()), CancellationToken.None);
        await Polling.UntilAsync(() => throttle.RateOf(Throttled).Throttles >= 1);

        // While the throttled call backs off, holding no slot, the quiet partition gets both slots and its full rate at once.
        var quiet = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => throttle.RunAsync(Quiet, _ => Task.FromResult(Ok()), CancellationToken.None)))
            .WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(quiet, Has.Length.EqualTo(4));

        await DriveAsync(clock, throttledCall);
        var result = await throttledCall;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Attempts, Is.EqualTo(4), "three throttled sends and the one that got through, all counted");
            Assert.That(throttle.RateOf(Throttled).Throttles, Is.EqualTo(3));
            Assert.That(throttle.RateOf(Throttled).Rate, Is.LessThan(4), "throttling lowered its rate");
            Assert.That(throttle.RateOf(Quiet).Rate, Is.EqualTo(4), "the other region kept its configured rate");
            Assert.That(throttle.RateOf(Quiet).Throttles, Is.Zero);
        }
    }

    [Test]
    public async Task A_call_throttled_through_every_retry_fails_with_the_throttling_code_and_every_attempt_counted()
    {
        var clock = new FakeTimeProvider();
        using var throttle = new CollectionThrottle(new CollectionLimits(CallsPerSecond: 10, MinCallsPerSecond: 0.5, ThrottleRetries: 4), clock);
        var sends = 0;
        var call = throttle.RunAsync(Throttled, _ =>
        {
            sends++;
            return Task.FromException<ApiCallResult>(ThrottlingOf("ec2", httpStatus: 429, code: "TooManyRequestsException"));
        }, CancellationToken.None);

        var elapsed = await DriveAsync(clock, call);
        var failure = await Assert.ThrowsAsync<AwsCallException>(() => call);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failure!.ErrorCode, Is.EqualTo("TooManyRequestsException"));
            Assert.That(sends, Is.EqualTo(5), "the first send and four retries");
            Assert.That(failure.Attempts, Is.EqualTo(5));
            Assert.That(throttle.RateOf(Throttled).Rate, Is.EqualTo(0.5), "the floor: five throttles one after another would halve 10 to 0.31");
            Assert.That(elapsed, Is.LessThan(CollectionLimits.MaxThrottleBackoff * 4), "it ends: the retries are bounded in time");
        }
    }

    [Test]
    public void Throttling_is_every_code_the_sdks_classify_as_throttling_and_http_429()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var code in new[] { "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "SlowDown", "RequestThrottledException" })
                Assert.That(ThrottlingErrors.Is(code), Is.True, code);
            Assert.That(ThrottlingErrors.Is("Anything", 429), Is.True);
            Assert.That(ThrottlingErrors.Is("AccessDenied", 403), Is.False);
            Assert.That(ThrottlingErrors.Is("LimitExceededException", 400), Is.False, "a quota, not a rate: retrying does not help");
            Assert.That(ThrottlingErrors.Is(null, 503), Is.False);
        }
    }

    private static ApiCallResult Ok() => new(new System.Text.Json.Nodes.JsonObject(), 1, 1, TimeSpan.Zero);

    private static AwsCallException ThrottlingOf(string service, int httpStatus = 503, string code = "RequestLimitExceeded") =>
        new(service, "DescribeVpcs", code, "Request limit exceeded.", httpStatus, 1);

    /// <summary>Moves the fake clock on in small steps until <paramref name="task"/> ends; returns the fake time it took.</summary>
    private static async Task<TimeSpan> DriveAsync(FakeTimeProvider clock, Task task)
    {
        var start = clock.GetUtcNow();
        for (var step = 0; !task.IsCompleted && step < 100_000; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            // A real moment for the continuations the step released (a retry's send after its backoff) to run.
            await Task.Delay(2);
        }

        await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.That(task.IsCompleted, Is.True, "the call ended");
        return clock.GetUtcNow() - start;
    }
}
