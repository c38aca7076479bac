using IsolationChecks.Aws;
using IsolationChecks.Collection;
using IsolationChecks.IntegrationTests.Moto;
using NUnit.Framework;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>
/// The adaptive rate over the wire: the fault proxy in front of moto throttles one (account, region, service) for its
/// first requests; the collection still gets every answer, the requests to that partition slow down (counted at the
/// proxy, per second), and the same service of the same account in another region keeps its configured rate.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AdaptiveRateWireTests
{
    private const string QuietRegion = "us-east-1";
    private const string ThrottledRegion = "eu-west-1";
    private const double CallsPerSecond = 4;
    private const int Throttles = 12;

    [Test]
    public async Task A_partition_throttled_for_a_while_slows_down_gets_every_answer_and_leaves_the_other_region_at_its_rate()
    {
        await using var moto = await MotoServer.StartAsync(MotoSetup.CredentialsAndFaultProxy, CancellationToken.None);
        moto.Faults.Inject(Fault.ThrottleFirst(Throttles)).OnEveryOperationOf("ec2", ThrottledRegion);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // As many retries as there are throttles: which calls the throttles land on depends on the machine's timing (one call
        // can draw five of them on a loaded one), and the default budget giving up is CollectorFaultTests' subject, not this one's.
        var collector = MotoServer.CollectorAt(moto.Faults.Url, new CollectionOptions(Limits: new CollectionLimits(MaxConcurrency: 8, CallsPerSecond: CallsPerSecond, ThrottleRetries: Throttles)));
        var snapshot = await collector.CollectAsync(
            [new AuditScope("quiet", MotoServer.AccountId, QuietRegion), new AuditScope("throttled", MotoServer.AccountId, ThrottledRegion)], null, timeout.Token);

        var calls = snapshot.Manifest!.Calls.Where(c => c.Service == "ec2").ToList();
        var quietCalls = calls.Where(c => c.Folder.EndsWith(QuietRegion, StringComparison.Ordinal)).ToList();
        var throttledCalls = calls.Where(c => c.Folder.EndsWith(ThrottledRegion, StringComparison.Ordinal)).ToList();
        var quiet = Ec2Arrivals(moto.Faults, QuietRegion);
        var throttled = Ec2Arrivals(moto.Faults, ThrottledRegion);
        var firstThrottle = throttled.First(a => a.Injected is not null).At;
        var quietAfter = quiet.Where(a => a.At >= firstThrottle).ToList();
        var throttledAfter = throttled.Where(a => a.At >= firstThrottle).ToList();
        // While AWS throttled the partition, after the requests already in flight at the first throttle (the first burst).
        var whileThrottled = throttled.Where(a => a.Injected is not null).Skip((int)CallsPerSecond).ToList();
        TestContext.Out.WriteLine(
            $"ec2 at {CallsPerSecond}/s per partition, the first {Throttles} requests of {ThrottledRegion} throttled: "
            + $"{QuietRegion} {quiet.Count} requests, {PerSecond(quiet):0.00}/s over its span, busiest second {Busiest(quietAfter)}; "
            + $"{ThrottledRegion} {throttled.Count} requests, {PerSecond(throttledAfter):0.00}/s from the first throttle on, busiest second {Busiest(throttledAfter)}; "
            + $"{whileThrottled.Count} throttled after the first burst at {PerSecond(whileThrottled):0.00}/s; "
            + $"attempts {quietCalls.Sum(c => c.Attempts)} for {quietCalls.Count} calls and {throttledCalls.Sum(c => c.Attempts)} for {throttledCalls.Count} calls");

        TestContext.Out.WriteLine($"{QuietRegion}: {string.Join(" ", quiet.Select(a => $"{(a.At - quiet[0].At).TotalSeconds:0.00}"))}");
        TestContext.Out.WriteLine($"{ThrottledRegion}: {string.Join(" ", throttled.Select(a => $"{(a.At - throttled[0].At).TotalSeconds:0.00}{(a.Injected is null ? "" : "T")}"))}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(throttledCalls.Where(c => c.Outcome != "ok").Select(c => $"{c.Operation} {c.Outcome} {c.ErrorCode}"), Is.Empty, "every throttled call was answered in the end");
            Assert.That(quietCalls.Where(c => c.Outcome != "ok").Select(c => $"{c.Operation} {c.Outcome} {c.ErrorCode}"), Is.Empty);
            Assert.That(throttled.Count(a => a.Injected == FaultKind.Throttle), Is.EqualTo(Throttles));
            Assert.That(quiet.Where(a => a.Injected is not null), Is.Empty, "the other region was never throttled");
            Assert.That(throttledCalls.Sum(c => c.Attempts), Is.EqualTo(throttledCalls.Count + Throttles), "each throttled request was resent once more, and counted");
            Assert.That(quietCalls.Sum(c => c.Attempts), Is.EqualTo(quietCalls.Count), "no retries where AWS did not throttle");
            Assert.That(Busiest(quietAfter), Is.LessThanOrEqualTo(2 * CallsPerSecond + 2),
                "the configured rate: a second's burst and a second's calls at most (and the proxy's clock reading them a little late on a loaded machine)");
            Assert.That(Busiest(quiet), Is.GreaterThanOrEqualTo(CallsPerSecond), "the other region used its full rate");
            Assert.That(PerSecond(whileThrottled), Is.LessThanOrEqualTo(CallsPerSecond / 2), "while AWS throttled it, the partition sent at half its rate or less");
        }
    }

    private static List<ProxiedArrival> Ec2Arrivals(FaultProxy proxy, string region) =>
        proxy.Arrivals.Where(a => a.Service == "ec2" && string.Equals(a.Region, region, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Requests a second between the first and the last of <paramref name="arrivals"/>.</summary>
    private static double PerSecond(IReadOnlyList<ProxiedArrival> arrivals) =>
        arrivals.Count < 2 ? 0 : (arrivals.Count - 1) / (arrivals[^1].At - arrivals[0].At).TotalSeconds;

    /// <summary>The most requests in any one-second window.</summary>
    private static int Busiest(IReadOnlyList<ProxiedArrival> arrivals) =>
        arrivals.Count == 0 ? 0 : arrivals.Max(first => arrivals.Count(a => a.At >= first.At && a.At < first.At + TimeSpan.FromSeconds(1)));
}
