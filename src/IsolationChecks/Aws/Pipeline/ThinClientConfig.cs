using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>
/// ClientConfig for a service whose AWSSDK package the mirror does not serve. No endpoint-rules engine:
/// ServiceURL when set (explicitly or via AWS_ENDPOINT_URL_*), else the global or regional endpoint.
/// </summary>
internal sealed class ThinClientConfig : ClientConfig
{
    private readonly ThinServiceDescription _service;

    public ThinClientConfig(ThinServiceDescription service)
        : base(new DefaultConfigurationProvider(StandardRetryModes()))
    {
        _service = service;
        ServiceId = service.ServiceId;
        AuthenticationServiceName = service.SigningName;
        if (service.GlobalEndpoint is not null)
            AuthenticationRegion = "us-east-1";
    }

    public ThinServiceDescription Service => _service;

    public override string ServiceVersion => _service.ApiVersion;

    public override string UserAgent => $"isolationchecks-thin/{_service.ServiceId}";

    public override string RegionEndpointServiceName => _service.EndpointPrefix;

    public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters)
    {
        // RegionEndpoint first: its first read can run its setter, which clears a ServiceURL from AWS_ENDPOINT_URL_*.
        var regionEndpoint = parameters.AlternateEndpoint ?? RegionEndpoint;
        if (!string.IsNullOrEmpty(ServiceURL))
            return new Endpoint(ServiceURL);
        if (_service.GlobalEndpoint is not null)
            return new Endpoint(_service.GlobalEndpoint);
        var region = regionEndpoint?.SystemName
            ?? throw new AmazonClientException($"No region configured for {_service.ServiceId}.");
        var dnsSuffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Endpoint($"https://{_service.EndpointPrefix}.{region}.{dnsSuffix}");
    }

    private static IEnumerable<IDefaultConfiguration> StandardRetryModes() =>
        Enum.GetValues<DefaultConfigurationMode>().Select(mode => (IDefaultConfiguration)new DefaultConfiguration
        {
            Name = mode,
            RetryMode = RequestRetryMode.Standard,
            S3UsEast1RegionalEndpoint = S3UsEast1RegionalEndpointValue.Regional,
            ConnectTimeout = TimeSpan.FromSeconds(3.1),
            TlsNegotiationTimeout = TimeSpan.FromSeconds(3.1),
        }).ToList();
}
