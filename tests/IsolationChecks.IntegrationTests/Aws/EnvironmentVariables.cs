namespace IsolationChecks.IntegrationTests.Aws;

/// <summary>Sets process environment variables for a test and restores the previous values on dispose.</summary>
public sealed class EnvironmentVariables : IDisposable
{
    private readonly Dictionary<string, string?> _previous = new();

    public EnvironmentVariables(IEnumerable<KeyValuePair<string, string>> values)
    {
        foreach (var (name, value) in values)
        {
            _previous[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _previous)
            Environment.SetEnvironmentVariable(name, value);
    }
}
