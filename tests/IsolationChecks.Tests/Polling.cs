namespace IsolationChecks.Tests;

/// <summary>For what another thread or process makes true soon, but not at once.</summary>
internal static class Polling
{
    /// <summary>Waits up to 5 seconds, checking every 10 ms, then asserts <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string? because = null)
    {
        for (var i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10);
        Assert.That(condition(), Is.True, because);
    }
}
