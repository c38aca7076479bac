using System.Text.Json;

namespace IsolationChecks.Controls.Connections;

/// <summary><c>aws codeconnections list-hosts</c> (the API's PascalCase members; all pages merged).</summary>
public sealed record HostListing(IReadOnlyList<ConnectionHost>? Hosts);

public sealed record ConnectionHost(
    string HostArn,
    string? Name = null,
    string? ProviderType = null,
    string? ProviderEndpoint = null,
    HostVpcConfiguration? VpcConfiguration = null,
    string? Status = null,
    string? StatusMessage = null);

public sealed record HostVpcConfiguration(
    string? VpcId = null,
    IReadOnlyList<string>? SubnetIds = null,
    IReadOnlyList<string>? SecurityGroupIds = null,
    string? TlsCertificate = null);

public static class ConnectionHostArns
{
    public static JsonSerializerOptions Json { get; } = new() { PropertyNameCaseInsensitive = true };

    /// <summary>
    /// CodeStar Connections and CodeConnections name the same host under two service prefixes
    /// (arn:aws:codestar-connections:... and arn:aws:codeconnections:...): compare them as one.
    /// </summary>
    public static bool Same(string a, string b) => string.Equals(Normalise(a), Normalise(b), StringComparison.Ordinal);

    private static string Normalise(string arn) => arn.Replace(":codestar-connections:", ":codeconnections:", StringComparison.Ordinal);
}
