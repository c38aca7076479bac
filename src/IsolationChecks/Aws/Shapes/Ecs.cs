// `aws ecs describe-services`, `list-tasks` and `describe-tasks` shapes (camelCase on the wire).
namespace IsolationChecks.Aws.Shapes;

public sealed record EcsServices(IReadOnlyList<EcsService> Services, IReadOnlyList<EcsFailure> Failures);

public sealed record EcsService(
    string ServiceName,
    string Status,
    [AbsentMeans("the ARN is not recorded")] string? ServiceArn = null,
    [AbsentMeans("the cluster is the one asked for")] string? ClusterArn = null,
    [AbsentMeans("the desired count is not recorded")] int? DesiredCount = null,
    [AbsentMeans("the running count is not recorded")] int? RunningCount = null,
    [AbsentMeans("the service uses a capacity provider strategy")] string? LaunchType = null,
    [AbsentMeans("the service's tasks do not use awsvpc networking (bridge or host mode): they have no interface of their own")] EcsNetworkConfiguration? NetworkConfiguration = null);

public sealed record EcsNetworkConfiguration([AbsentMeans("the tasks do not use awsvpc networking")] AwsVpcConfiguration? AwsvpcConfiguration = null);

public sealed record AwsVpcConfiguration(
    IReadOnlyList<string> Subnets,
    [AbsentMeans("new tasks get the VPC's default security group")] IReadOnlyList<string>? SecurityGroups = null,
    [AbsentMeans("DISABLED, the default")] string? AssignPublicIp = null);

public sealed record EcsFailure(
    [AbsentMeans("the failure names no resource")] string? Arn = null,
    [AbsentMeans("no reason is given")] string? Reason = null,
    [AbsentMeans("no detail is given")] string? Detail = null);

public sealed record EcsTaskList(IReadOnlyList<string> TaskArns);

public sealed record EcsTasks(IReadOnlyList<EcsTask> Tasks, IReadOnlyList<EcsFailure> Failures);

/// <param name="Group">"service:NAME" for the tasks a service runs.</param>
public sealed record EcsTask(
    string TaskArn,
    string LastStatus,
    IReadOnlyList<EcsAttachment> Attachments,
    [AbsentMeans("the cluster is the one asked for")] string? ClusterArn = null,
    [AbsentMeans("the task was not started by a service (standalone task)")] string? Group = null,
    [AbsentMeans("the desired status is not recorded")] string? DesiredStatus = null,
    [AbsentMeans("the task uses a capacity provider")] string? LaunchType = null);

/// <summary>A task attachment; for awsvpc tasks an "ElasticNetworkInterface" whose details name the interface.</summary>
public sealed record EcsAttachment(string Type, string Status, IReadOnlyList<EcsAttachmentDetail> Details, [AbsentMeans("no attachment id is recorded")] string? Id = null)
{
    public string? Detail(string name) => Details.FirstOrDefault(d => d.Name == name)?.Value;
}

public sealed record EcsAttachmentDetail(string Name, string Value);
