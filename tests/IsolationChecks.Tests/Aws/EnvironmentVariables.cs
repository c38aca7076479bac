namespace IsolationChecks.Tests.Aws;

/// <summary>Sets (or clears, with null) process environment variables and restores them on dispose.</summary>
public sealed class EnvironmentVariables : IDisposable
{
    private readonly Dictionary<string, string?> _previous = new();

    public EnvironmentVariables(IReadOnlyDictionary<string, string?> values)
    {
        foreach (var (name, value) in values)
        {
            _previous[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>A clean AWS environment: no keys, no profile, no endpoints, no instance metadata; then the given values.</summary>
    public static EnvironmentVariables CleanAws(IReadOnlyDictionary<string, string?>? values = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_DEFAULT_PROFILE"] = null,
            ["AWS_REGION"] = null,
            ["AWS_DEFAULT_REGION"] = null,
            ["AWS_ENDPOINT_URL"] = null,
            ["AWS_ENDPOINT_URL_EC2"] = null,
            ["AWS_ENDPOINT_URL_STS"] = null,
            ["AWS_ENDPOINT_URL_CODEBUILD"] = null,
            ["AWS_ENDPOINT_URL_ECR"] = null,
            ["AWS_ENDPOINT_URL_IAM"] = null,
            ["AWS_CONFIG_FILE"] = "/nonexistent/isolationchecks/config",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/isolationchecks/credentials",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = null,
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = null,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = null,
        };
        foreach (var (name, value) in values ?? new Dictionary<string, string?>())
            all[name] = value;
        return new EnvironmentVariables(all);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _previous)
            Environment.SetEnvironmentVariable(name, value);
    }
}
