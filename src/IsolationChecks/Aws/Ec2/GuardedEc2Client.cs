using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Ec2;

/// <summary>The official EC2 client with the read-only guard and attempt counting in its pipeline.</summary>
internal sealed class GuardedEc2Client : AmazonEC2Client
{
    public GuardedEc2Client(AWSCredentials credentials, AmazonEC2Config config)
        : base(credentials, config)
    {
    }

    internal AttemptCounter Attempts { get; } = new();

    internal ResponseBodyCapture Bodies { get; } = new();

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        GuardedPipeline.Install(pipeline, "ec2", GuardMode.Audit, Attempts, Config);
        pipeline.AddHandlerAfter<Unmarshaller>(Bodies.CreateHandler());
    }
}
