namespace IsolationTests;

/// <summary>
/// A failure whose message is the whole story (a finding, a configuration error, the gate's verdict): NUnit prints the
/// message and no stack trace, which would only show the suite's own plumbing.
/// </summary>
public sealed class SuiteFailure(string message) : AssertionException(message)
{
    public override string? StackTrace => null;
}
