namespace IsolationChecks.Aws;

/// <summary>
/// The one rule every AWS endpoint URL is held to, whether it comes from the EndpointUrl setting or from the
/// SDK's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_&lt;SERVICE&gt; variables: an absolute http(s) URL without
/// credentials in it. A refused URL is named in the error, with any user name and password masked.
/// </summary>
public static class EndpointUrls
{
    public const string Rule = "an absolute http or https URL without a user name or password, such as http://127.0.0.1:5000";

    public const string SdkVariable = "AWS_ENDPOINT_URL";

    /// <summary>AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_&lt;SERVICE&gt;, the variables the AWS SDK reads its endpoints from.</summary>
    public static bool IsSdkVariable(string name) =>
        name == SdkVariable || name.StartsWith(SdkVariable + "_", StringComparison.Ordinal);

    /// <summary>
    /// Holds every AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_&lt;SERVICE&gt; variable with a value to <see cref="Rule"/>, before the
    /// SDK reads them: it would otherwise fail later, or send requests somewhere unexpected, without naming the variable.
    /// </summary>
    public static void CheckSdkVariables(IEnumerable<KeyValuePair<string, string>> environment)
    {
        foreach (var (variable, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (IsSdkVariable(variable) && !string.IsNullOrWhiteSpace(value))
                Checked(value.Trim(), $"environment variable {variable}", variable);
        }
    }

    /// <summary>The URL when it follows <see cref="Rule"/>; otherwise an <see cref="InputException"/> naming it.</summary>
    public static string Checked(string url, string source, string field)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.UserInfo)
            && !url.Contains('@', StringComparison.Ordinal))
            return url;
        throw new InputException(source, field, Rule, $"\"{Masked(url)}\"{Why(url, uri)}");
    }

    /// <summary>The URL with anything between "//" and "@" replaced, so a password never reaches a log.</summary>
    public static string Masked(string url)
    {
        var at = url.LastIndexOf('@');
        if (at < 0)
            return url;
        var start = url.IndexOf("//", StringComparison.Ordinal);
        start = start >= 0 && start < at ? start + 2 : 0;
        return string.Concat(url.AsSpan(0, start), "***", url.AsSpan(at));
    }

    private static string Why(string url, Uri? uri) => uri switch
    {
        _ when uri is null || !url.Contains("://", StringComparison.Ordinal) =>
            " (not an absolute URL: it needs a scheme and a host, such as http://HOST:PORT)",
        { Scheme: not ("http" or "https") } => $" (scheme {uri.Scheme}: an AWS API is reached over http or https)",
        _ => " (it carries a user name or password: credentials come from the AWS credential chain, never from the URL)",
    };
}
