using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.SecurityToken;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Sts;

/// <summary>The official STS client with the read-only guard: audit reads, or (credential mode) AssumeRole only.</summary>
public sealed class GuardedStsClient : AmazonSecurityTokenServiceClient
{
    private readonly GuardMode _mode;

    internal GuardedStsClient(AWSCredentials credentials, AmazonSecurityTokenServiceConfig config, GuardMode mode)
        : base(credentials, config)
    {
        _mode = mode;
    }

    internal AttemptCounter Attempts { get; } = new();

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        GuardedPipeline.Install(pipeline, "sts", _mode, Attempts);
    }
}
