using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Ec2;
using IsolationChecks.Aws.Pipeline;
using IsolationChecks.Aws.Sts;

namespace IsolationChecks.Aws;

/// <param name="EndpointUrl">Explicit endpoint for every service (the EndpointUrl setting); else the SDK honours AWS_ENDPOINT_URL(_SERVICE).</param>
/// <param name="Profile">Run-wide named profile; a scope's own profile wins.</param>
/// <param name="Region">Run-wide region override; else the scope's region.</param>
/// <param name="PageSize">MaxResults/MaxItems of paginated calls (CollectionOptions.PageSize); null: the service default.</param>
/// <param name="TransientRetryDelay">Pause before the one extra retry of a connection failure or malformed body.</param>
public sealed record AwsAccessSettings(
    string? EndpointUrl = null,
    string? Profile = null,
    string? Region = null,
    int? PageSize = null,
    TimeSpan? TransientRetryDelay = null);

/// <summary>One account and region to read, with how to reach it.</summary>
/// <param name="Name">The posture's name for the account ("dev", "prd").</param>
public sealed record AuditScope(string Name, string AccountId, string Region, string? Profile = null, string? RoleArn = null);

/// <summary>Creates the clients of one scope (credentials, region, endpoints, read-only guard).</summary>
public interface IAwsClientFactory
{
    AwsServiceSet Create(AuditScope scope);
}

/// <summary>Builds the read-only service clients for one scope.</summary>
public sealed class AwsClientFactory(AwsAccessSettings settings) : IAwsClientFactory
{
    public AwsServiceSet Create(AuditScope scope)
    {
        if (settings.EndpointUrl is null)
            EndpointUrls.CheckSdkVariables(System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .Where(e => e.Value is string).Select(e => KeyValuePair.Create((string)e.Key, (string)e.Value!)));
        var region = RegionOf(scope);
        var credentials = CredentialsFor(scope, region);
        return new AwsServiceSet(service => Client(service, credentials, service.FixedRegion ?? region));
    }

    /// <summary>One service's client with the scope's credentials, in the service's region (its fixed one, else the scope's).</summary>
    private IAwsServiceClient Client(AwsService service, AWSCredentials credentials, string region)
    {
        var retryDelay = settings.TransientRetryDelay;
        return service.Protocol switch
        {
            WireProtocol.Ec2Sdk => new Ec2ServiceClient(new GuardedEc2Client(credentials, Configure(new AmazonEC2Config(), region)), settings.PageSize, retryDelay),
            WireProtocol.StsSdk => new StsServiceClient(new GuardedStsClient(credentials, StsConfig(region), GuardMode.Audit), retryDelay),
            WireProtocol.Json => new JsonServiceClient(ThinClient(credentials, service, region), service, settings.PageSize, retryDelay),
            WireProtocol.Query => new QueryServiceClient(ThinClient(credentials, service, region), service, settings.PageSize, retryDelay),
            _ => throw new ArgumentOutOfRangeException(nameof(service), service.Protocol, null),
        };
    }

    /// <summary>The region calls of this scope go to.</summary>
    public string RegionOf(AuditScope scope) => settings.Region ?? scope.Region;

    /// <summary>
    /// One credentials object for every client of the scope (each caches and refreshes on its own):
    /// the scope's role assumed from the base credentials, the named profile, or the default chain.
    /// </summary>
    internal AWSCredentials CredentialsFor(AuditScope scope, string region)
    {
        var baseCredentials = BaseCredentials(scope.Profile ?? settings.Profile);
        if (string.IsNullOrEmpty(scope.RoleArn))
            return baseCredentials;
        var sts = new GuardedStsClient(baseCredentials, StsConfig(region), GuardMode.Credential);
        return new AssumedRoleCredentials(sts, scope.RoleArn);
    }

    private static AWSCredentials BaseCredentials(string? profile)
    {
        if (profile is null)
            return DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        if (new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var credentials))
            return credentials;
        throw new InputException("AWS config", "Profile", "a profile defined in ~/.aws/config or ~/.aws/credentials (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)", profile);
    }

    private AmazonSecurityTokenServiceConfig StsConfig(string region) => Configure(new AmazonSecurityTokenServiceConfig(), region);

    private ThinServiceClient ThinClient(AWSCredentials credentials, AwsService service, string region)
    {
        var config = new ThinClientConfig(service.Thin);
        Configure(config, region);
        if (service.GlobalEndpoint is not null)
            config.AuthenticationRegion = "us-east-1";
        return new ThinServiceClient(credentials, config);
    }

    private T Configure<T>(T config, string region)
        where T : ClientConfig
    {
        config.RetryMode = RequestRetryMode.Standard;
        if (settings.EndpointUrl is { Length: > 0 } endpoint)
        {
            // ServiceURL replaces the region's endpoint, so the signing region must be given explicitly.
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
        }
        else
        {
            // Setting RegionEndpoint clears a ServiceURL taken from AWS_ENDPOINT_URL_*: keep it and restore it.
            var environmentEndpoint = config.ServiceURL;
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            if (!string.IsNullOrEmpty(environmentEndpoint))
            {
                config.ServiceURL = environmentEndpoint;
                config.AuthenticationRegion ??= region;
            }
        }

        return config;
    }
}
