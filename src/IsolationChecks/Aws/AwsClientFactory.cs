using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken;
using IsolationChecks.Aws.CodeBuild;
using IsolationChecks.Aws.Connections;
using IsolationChecks.Aws.Ec2;
using IsolationChecks.Aws.Ecr;
using IsolationChecks.Aws.Ecs;
using IsolationChecks.Aws.Iam;
using IsolationChecks.Aws.Pipeline;
using IsolationChecks.Aws.Sts;
using IsolationChecks.Collection;

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
    TimeSpan? TransientRetryDelay = null)
{
    /// <summary>The access settings of a collection run: its endpoint and page size, with the run's profile and region.</summary>
    public static AwsAccessSettings For(CollectionOptions options, string? profile = null, string? region = null) =>
        new(options.EndpointUrl, profile, region, options.PageSize);
}

/// <summary>Builds the read-only service clients for one scope.</summary>
public sealed class AwsClientFactory(AwsAccessSettings settings) : IAwsClientFactory
{
    public AwsServiceSet Create(CollectionScope scope)
    {
        if (settings.EndpointUrl is null)
            EndpointUrls.CheckSdkVariables(System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .Where(e => e.Value is string).Select(e => KeyValuePair.Create((string)e.Key, (string)e.Value!)));
        var region = RegionOf(scope);
        var credentials = CredentialsFor(scope, region);
        var retryDelay = settings.TransientRetryDelay;
        return new AwsServiceSet(
            new Ec2ReadApi(new GuardedEc2Client(credentials, Ec2Config(region)), settings.PageSize, retryDelay),
            new CodeBuildReadApi(new JsonProtocolCaller(ThinClient(credentials, ThinServiceDescription.CodeBuild, region), CodeBuildReadApi.TargetPrefix, CodeBuildReadApi.TimestampMembers, retryDelay)),
            new EcrReadApi(new JsonProtocolCaller(ThinClient(credentials, ThinServiceDescription.Ecr, region), EcrReadApi.TargetPrefix, EcrReadApi.TimestampMembers, retryDelay), settings.PageSize),
            new IamReadApi(ThinClient(credentials, ThinServiceDescription.Iam, region), settings.PageSize, retryDelay),
            new StsReadApi(new GuardedStsClient(credentials, StsConfig(region), GuardMode.Audit), retryDelay),
            EcrPublic(scope),
            Connections(scope, region, credentials),
            new Elb.LoadBalancersReadApi(ThinClient(credentials, Elb.LoadBalancersReadApi.Service, region), settings.PageSize, retryDelay),
            new EcsReadApi(EcsReadApi.Caller(ThinClient(credentials, EcsReadApi.Service, region), retryDelay), settings.PageSize));
    }

    /// <summary>IAM's policy simulator for the live cross-check of IAM-1..IAM-3, with the scope's credentials.</summary>
    public Evaluation.Policies.IPolicySimulator PolicySimulator(CollectionScope scope)
    {
        var region = RegionOf(scope);
        return new IamPolicySimulator(ThinClient(CredentialsFor(scope, region), ThinServiceDescription.Iam, region), settings.TransientRetryDelay);
    }

    /// <summary>ECR Public (ECR-5) for the scope's account: always us-east-1, the service's only region.</summary>
    public IEcrPublicReadApi EcrPublic(CollectionScope scope)
    {
        var credentials = CredentialsFor(scope, RegionOf(scope));
        var client = ThinClient(credentials, EcrPublicReadApi.Service, EcrPublicReadApi.Region);
        return new EcrPublicReadApi(new JsonProtocolCaller(client, EcrPublicReadApi.TargetPrefix, EcrPublicReadApi.TimestampMembers, settings.TransientRetryDelay), settings.PageSize);
    }

    /// <summary>Elastic Load Balancing v2 in the scope's region (load balancers in front of GitLab).</summary>
    public ILoadBalancersReadApi LoadBalancers(CollectionScope scope)
    {
        var region = RegionOf(scope);
        return new Elb.LoadBalancersReadApi(ThinClient(CredentialsFor(scope, region), Elb.LoadBalancersReadApi.Service, region), settings.PageSize, settings.TransientRetryDelay);
    }

    /// <summary>Amazon ECS in the scope's region (GitLab services on ECS or Fargate).</summary>
    public IEcsReadApi Ecs(CollectionScope scope)
    {
        var region = RegionOf(scope);
        return new EcsReadApi(EcsReadApi.Caller(ThinClient(CredentialsFor(scope, region), EcsReadApi.Service, region), settings.TransientRetryDelay), settings.PageSize);
    }

    /// <summary>CodeConnections (CONN-1) in the scope's region.</summary>
    public IConnectionsReadApi Connections(CollectionScope scope)
    {
        var region = RegionOf(scope);
        return Connections(scope, region, CredentialsFor(scope, region));
    }

    private ConnectionsReadApi Connections(CollectionScope scope, string region, AWSCredentials credentials) =>
        new(ConnectionsReadApi.Caller(ThinClient(credentials, ConnectionsReadApi.Service, region), settings.TransientRetryDelay), settings.PageSize);

    /// <summary>The region calls of this scope go to.</summary>
    public string RegionOf(CollectionScope scope) => settings.Region ?? scope.Region;

    /// <summary>
    /// One credentials object for every client of the scope (each caches and refreshes on its own):
    /// the scope's role assumed from the base credentials, the named profile, or the default chain.
    /// </summary>
    internal AWSCredentials CredentialsFor(CollectionScope scope, string region)
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

    private AmazonEC2Config Ec2Config(string region) => Configure(new AmazonEC2Config(), region);

    private AmazonSecurityTokenServiceConfig StsConfig(string region) => Configure(new AmazonSecurityTokenServiceConfig(), region);

    private ThinServiceClient ThinClient(AWSCredentials credentials, ThinServiceDescription service, string region)
    {
        var config = new ThinClientConfig(service);
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
