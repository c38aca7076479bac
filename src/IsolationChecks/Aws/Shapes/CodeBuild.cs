// `aws codebuild batch-get-projects` shapes (camelCase on the wire; the reader applies the policy).
namespace IsolationChecks.Aws.Shapes;

public sealed record ProjectVpcConfig(string? VpcId = null, IReadOnlyList<string>? Subnets = null, IReadOnlyList<string>? SecurityGroupIds = null);

public sealed record CloudWatchLogsConfig(string? Status = null, string? GroupName = null, string? StreamName = null);

public sealed record S3LogsConfig(string? Status = null, string? Location = null);

public sealed record ProjectLogsConfig(CloudWatchLogsConfig? CloudWatchLogs = null, S3LogsConfig? S3Logs = null);

public sealed record ProjectEnvironment(string? Type = null, string? Image = null, string? ComputeType = null, bool? PrivilegedMode = null);

public sealed record ProjectSource(string? Type = null, string? Location = null);

public sealed record Project(
    string Name,
    string? Arn = null,
    string? ServiceRole = null,
    ProjectVpcConfig? VpcConfig = null,
    ProjectLogsConfig? LogsConfig = null,
    ProjectEnvironment? Environment = null,
    ProjectSource? Source = null);
