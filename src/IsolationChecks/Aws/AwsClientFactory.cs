using IsolationChecks.Collection;

namespace IsolationChecks.Aws;

/// <param name="EndpointUrl">Explicit endpoint for every service (the EndpointUrl setting); else the SDK honours AWS_ENDPOINT_URL(_SERVICE).</param>
/// <param name="Profile">Run-wide named profile; a scope's own profile wins.</param>
/// <param name="Region">Run-wide region override; else the scope's region.</param>
public sealed record AwsAccessSettings(string? EndpointUrl = null, string? Profile = null, string? Region = null);

/// <summary>Builds the read-only service clients for one scope.</summary>
public sealed class AwsClientFactory(AwsAccessSettings settings) : IAwsClientFactory
{
    public AwsServiceSet Create(CollectionScope scope)
    {
        _ = (settings, scope);
        throw new NotImplementedException("implemented by the AWS access work package");
    }
}
