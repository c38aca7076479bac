namespace IsolationChecks.IntegrationTests.Git;

/// <summary>A clock stopped at one instant, so a SigV4 Git password is known before the probe derives it.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
