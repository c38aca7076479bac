// `aws ecs describe-services`, `list-tasks` and `describe-tasks` shapes (camelCase on the wire).
namespace IsolationChecks.Aws.Shapes;

public sealed record EcsServices(IReadOnlyList<EcsService>? Services = null, IReadOnlyList<EcsFailure>? Failures = null);

public sealed record EcsService(
    string ServiceName,
    string? ServiceArn = null,
    string? ClusterArn = null,
    string? Status = null,
    int? DesiredCount = null,
    int? RunningCount = null,
    string? LaunchType = null,
    EcsNetworkConfiguration? NetworkConfiguration = null);

public sealed record EcsNetworkConfiguration(AwsVpcConfiguration? AwsvpcConfiguration = null);

public sealed record AwsVpcConfiguration(IReadOnlyList<string>? Subnets = null, IReadOnlyList<string>? SecurityGroups = null, string? AssignPublicIp = null);

public sealed record EcsFailure(string? Arn = null, string? Reason = null, string? Detail = null);

public sealed record EcsTaskList(IReadOnlyList<string>? TaskArns = null);

public sealed record EcsTasks(IReadOnlyList<EcsTask>? Tasks = null, IReadOnlyList<EcsFailure>? Failures = null);

/// <param name="Group">"service:NAME" for the tasks a service runs.</param>
public sealed record EcsTask(
    string TaskArn,
    string? ClusterArn = null,
    string? Group = null,
    string? LastStatus = null,
    string? DesiredStatus = null,
    string? LaunchType = null,
    IReadOnlyList<EcsAttachment>? Attachments = null);

/// <summary>A task attachment; for awsvpc tasks an "ElasticNetworkInterface" whose details name the interface.</summary>
public sealed record EcsAttachment(string? Id = null, string? Type = null, string? Status = null, IReadOnlyList<EcsAttachmentDetail>? Details = null)
{
    public string? Detail(string name) => Details?.FirstOrDefault(d => d.Name == name)?.Value;
}

public sealed record EcsAttachmentDetail(string? Name = null, string? Value = null);
