using System.Text;

namespace IsolationChecks.Git;

/// <summary>
/// The user name and password the probe authenticates with. Never printed: <see cref="ToString"/> shows
/// only <see cref="Principal"/>, and <see cref="Redact"/> scrubs every form of the secrets from a text.
/// </summary>
/// <param name="Principal">Who the credentials belong to, safe for evidence (an HTTPS Git user name, or a masked access key id).</param>
/// <param name="Source">Where they came from, by reference: "env:GIT_USER/GIT_PASSWORD" or "aws-profile:NAME (SigV4 Git password)".</param>
public sealed class GitCredential(string username, string password, string principal, string source, IReadOnlyList<string>? extraSecrets = null)
{
    public string Username { get; } = username;

    public string Password { get; } = password;

    public string Principal { get; } = principal;

    public string Source { get; } = source;

    /// <summary>Secrets that are not the password but must never be shown either (AWS secret key, session token).</summary>
    private IReadOnlyList<string> ExtraSecrets { get; } = extraSecrets ?? [];

    public string BasicAuthorizationParameter => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    /// <summary>Replaces every occurrence of a secret, raw, URL-encoded or inside a Basic header, with "***".</summary>
    public string Redact(string text)
    {
        var secrets = new[] { Password, BasicAuthorizationParameter }.Concat(ExtraSecrets)
            .Where(s => s.Length >= 4)
            .SelectMany(s => new[] { s, Uri.EscapeDataString(s) })
            .Distinct()
            .OrderByDescending(s => s.Length);
        foreach (var secret in secrets)
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        return text;
    }

    public override string ToString() => $"{Principal} ({Source})";
}
