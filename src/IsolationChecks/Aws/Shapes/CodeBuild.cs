// `aws codebuild list-projects` and `batch-get-projects` shapes (camelCase on the wire).
namespace IsolationChecks.Aws.Shapes;

public sealed record ProjectVpcConfig(string VpcId, IReadOnlyList<string> Subnets, IReadOnlyList<string> SecurityGroupIds);

public sealed record CloudWatchLogsConfig(string Status, [AbsentMeans("the default group /aws/codebuild/PROJECT")] string? GroupName = null, [AbsentMeans("the default stream")] string? StreamName = null);

public sealed record S3LogsConfig(string Status, [AbsentMeans("no S3 location (S3 logs disabled)")] string? Location = null);

public sealed record ProjectLogsConfig(
    [AbsentMeans("CloudWatch Logs settings are not reported (CB-4 cannot decide)")] CloudWatchLogsConfig? CloudWatchLogs = null,
    [AbsentMeans("S3 logs are not reported")] S3LogsConfig? S3Logs = null);

public sealed record ProjectEnvironment(
    string Type,
    string Image,
    string ComputeType,
    [AbsentMeans("privileged mode is not reported (CB-5 cannot decide)")] bool? PrivilegedMode = null);

public sealed record ProjectSource(string Type, [AbsentMeans("the source has no location (CODEPIPELINE, NO_SOURCE)")] string? Location = null);

public sealed record Project(
    string Name,
    string Arn,
    ProjectEnvironment Environment,
    [AbsentMeans("the project has no VPC configuration: its builds run outside any VPC, with AWS-managed internet access")] ProjectVpcConfig? VpcConfig = null,
    [AbsentMeans("logging settings are not reported (CB-4 cannot decide)")] ProjectLogsConfig? LogsConfig = null,
    [AbsentMeans("no service role is recorded")] string? ServiceRole = null,
    [AbsentMeans("the source is not recorded")] ProjectSource? Source = null);

public sealed record ListProjectsOutput(IReadOnlyList<string> Projects);

public sealed record BatchGetProjectsOutput(
    IReadOnlyList<Project> Projects,
    [AbsentMeans("every name asked for was found")] IReadOnlyList<string>? ProjectsNotFound = null);
