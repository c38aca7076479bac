using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SecurityToken;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Ec2;
using IsolationChecks.Aws.Pipeline;
using IsolationChecks.Aws.Sts;

namespace IsolationChecks.Tests.Aws;

/// <summary>The tool's own clients pointed at a local server, with static test credentials.</summary>
internal static class TestClients
{
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("AKIDTEST", "test-secret");

    public static GuardedEc2Client Ec2(string endpoint) =>
        new(Credentials, new AmazonEC2Config { ServiceURL = endpoint, AuthenticationRegion = "eu-west-1", MaxErrorRetry = 2 });

    public static GuardedStsClient Sts(string endpoint, GuardMode mode) =>
        new(Credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = endpoint, AuthenticationRegion = "eu-west-1" }, mode);

    public static ThinServiceClient Thin(AwsService service, string endpoint)
    {
        var config = new ThinClientConfig(service.Thin) { ServiceURL = endpoint, AuthenticationRegion = "eu-west-1", RetryMode = RequestRetryMode.Standard };
        return new ThinServiceClient(Credentials, config);
    }

    /// <summary>The catalog's client for a service, as the factory builds it, against the local server.</summary>
    public static IAwsServiceClient For(AwsService service, string endpoint, int? pageSize = null) => service.Protocol switch
    {
        WireProtocol.Ec2Sdk => new Ec2ServiceClient(Ec2(endpoint), pageSize, TimeSpan.Zero),
        WireProtocol.StsSdk => new StsServiceClient(Sts(endpoint, GuardMode.Audit), TimeSpan.Zero),
        WireProtocol.Json => new JsonServiceClient(Thin(service, endpoint), service, pageSize, TimeSpan.Zero),
        WireProtocol.Query => new QueryServiceClient(Thin(service, endpoint), service, pageSize, TimeSpan.Zero),
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };
}
