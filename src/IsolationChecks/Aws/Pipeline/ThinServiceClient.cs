using Amazon.Runtime;
using Amazon.Runtime.Credentials.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>Auth-scheme handler: v4 pipelines need one after the marshaller or signing fails.</summary>
internal sealed class SigV4AuthResolverHandler : BaseAuthResolverHandler
{
    protected override List<IAuthSchemeOption> ResolveAuthOptions(IExecutionContext executionContext) => AuthSchemeOption.DEFAULT_SIGV4;
}

/// <summary>
/// A client over AWSSDK.Core's own pipeline (credentials, endpoint, SigV4, standard retries, error
/// unmarshalling) for a service without an official package here. Carries the read-only guard.
/// </summary>
internal sealed class ThinServiceClient(AWSCredentials credentials, ThinClientConfig config) : AmazonServiceClient(credentials, config)
{
    // Field initialisers run before the base constructor, which already builds the pipeline.
    private readonly ThinServiceDescription _service = config.Service;

    public AttemptCounter Attempts { get; } = new();

    public ThinServiceDescription Service => _service;

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        pipeline.AddHandlerAfter<Marshaller>(new SigV4AuthResolverHandler());
        GuardedPipeline.Install(pipeline, _service.IamPrefix, GuardMode.Audit, Attempts, Config);
    }

    public Task<RawResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken) =>
        InvokeAsync<RawResponse>(request, new InvokeOptions { RequestMarshaller = QueryMarshaller.Instance, ResponseUnmarshaller = RawXmlUnmarshaller.Instance }, cancellationToken);

    public Task<RawResponse> JsonAsync(JsonRequest request, CancellationToken cancellationToken) =>
        InvokeAsync<RawResponse>(request, new InvokeOptions { RequestMarshaller = JsonMarshaller.Instance, ResponseUnmarshaller = RawJsonUnmarshaller.Instance }, cancellationToken);
}
