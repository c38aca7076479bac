using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.SecurityToken;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Sts;

/// <summary>The official STS client with the read-only guard: audit reads, or (credential mode) AssumeRole only.</summary>
internal sealed class GuardedStsClient(AWSCredentials credentials, AmazonSecurityTokenServiceConfig config, GuardMode mode)
    : AmazonSecurityTokenServiceClient(credentials, config)
{
    // Field initialisers run before the base constructor, which already builds the pipeline.
    private readonly GuardMode _mode = mode;

    internal AttemptCounter Attempts { get; } = new();

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        GuardedPipeline.Install(pipeline, "sts", _mode, Attempts, Config);
    }
}
