using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Calls;

/// <summary>How a service speaks on the wire, and so which client sends the catalog's calls to it.</summary>
public enum WireProtocol
{
    /// <summary>The official AWSSDK.EC2 client (EC2 Query), converted to the CLI's JSON.</summary>
    Ec2Sdk,

    /// <summary>The official AWSSDK.SecurityToken client.</summary>
    StsSdk,

    /// <summary>AWS JSON 1.0/1.1 over a thin client on AWSSDK.Core's pipeline.</summary>
    Json,

    /// <summary>AWS Query (XML responses) over a thin client on AWSSDK.Core's pipeline.</summary>
    Query,
}

/// <summary>
/// One AWS service as the catalog reaches it: its names (CLI, IAM, SDK), how to find and sign for its endpoint,
/// and what its responses need to look as the AWS CLI prints them.
/// </summary>
/// <param name="Name">The AWS CLI's name ("ec2", "elbv2", "ecr-public"): snapshot folders and CLI commands use it.</param>
/// <param name="IamPrefix">The prefix of its IAM actions ("elasticloadbalancing"); also the manifest's service name.</param>
/// <param name="ServiceId">The SDK service id; drives AWS_ENDPOINT_URL_&lt;SERVICE_ID&gt;.</param>
/// <param name="FixedRegion">A service that answers in one region only (ECR Public: us-east-1), whatever the scope's.</param>
/// <param name="GlobalEndpoint">A partition-global endpoint (IAM); signing then uses us-east-1.</param>
/// <param name="JsonTargetPrefix">JSON protocols: the X-Amz-Target prefix.</param>
/// <param name="TimestampMembers">JSON protocols: members sent as epoch seconds, printed by the CLI as ISO 8601.</param>
/// <param name="XmlShape">Query protocols: which response members are lists, numbers, timestamps, documents.</param>
/// <param name="CamelCaseMembers">Whether the CLI prints its members in camelCase (CodeBuild, ECR, ECS) rather than the API's PascalCase.</param>
public sealed record AwsService(
    string Name,
    string IamPrefix,
    WireProtocol Protocol,
    string ServiceId,
    string SigningName,
    string EndpointPrefix,
    string ApiVersion,
    string? FixedRegion = null,
    string? GlobalEndpoint = null,
    string? JsonTargetPrefix = null,
    string JsonVersion = "1.1",
    IReadOnlySet<string>? TimestampMembers = null,
    QueryShape? XmlShape = null,
    bool CamelCaseMembers = false)
{
    public override string ToString() => Name;

    internal ThinServiceDescription Thin => new(ServiceId, SigningName, EndpointPrefix, ApiVersion, IamPrefix, GlobalEndpoint);
}

/// <summary>The services of the catalog.</summary>
public static class AwsServices
{
    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.Ordinal);

    public static AwsService Ec2 { get; } = new("ec2", "ec2", WireProtocol.Ec2Sdk, "EC2", "ec2", "ec2", "2016-11-15");

    public static AwsService Sts { get; } = new("sts", "sts", WireProtocol.StsSdk, "STS", "sts", "sts", "2011-06-15");

    public static AwsService CodeBuild { get; } = new("codebuild", "codebuild", WireProtocol.Json, "CodeBuild", "codebuild", "codebuild", "2016-10-06",
        JsonTargetPrefix: "CodeBuild_20161006", TimestampMembers: Set("created", "lastModified", "lastModifiedSecret"), CamelCaseMembers: true);

    public static AwsService Ecr { get; } = new("ecr", "ecr", WireProtocol.Json, "ECR", "ecr", "api.ecr", "2015-09-21",
        JsonTargetPrefix: "AmazonEC2ContainerRegistry_V20150921", TimestampMembers: Set("createdAt", "lastEvaluatedAt", "updatedAt"), CamelCaseMembers: true);

    public static AwsService EcrPublic { get; } = new("ecr-public", "ecr-public", WireProtocol.Json, "ECR PUBLIC", "ecr-public", "api.ecr-public", "2020-10-30",
        FixedRegion: "us-east-1", JsonTargetPrefix: "SpencerFrontendService", TimestampMembers: Set("createdAt"), CamelCaseMembers: true);

    public static AwsService Ecs { get; } = new("ecs", "ecs", WireProtocol.Json, "ECS", "ecs", "ecs", "2014-11-13",
        JsonTargetPrefix: "AmazonEC2ContainerServiceV20141113",
        TimestampMembers: Set("createdAt", "updatedAt", "startedAt", "stoppedAt", "stoppingAt", "pullStartedAt", "pullStoppedAt", "executionStoppedAt", "connectivityAt"), CamelCaseMembers: true);

    public static AwsService CodeConnections { get; } = new("codeconnections", "codeconnections", WireProtocol.Json, "CodeConnections", "codeconnections", "codeconnections", "2023-12-01",
        JsonTargetPrefix: "com.amazonaws.codeconnections.CodeConnections_20231201", JsonVersion: "1.0", TimestampMembers: Set());

    public static AwsService Iam { get; } = new("iam", "iam", WireProtocol.Query, "IAM", "iam", "iam", "2010-05-08",
        GlobalEndpoint: "https://iam.amazonaws.com",
        XmlShape: new QueryShape(
            Lists: Set("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "UserPolicyList", "GroupList",
                "AttachedManagedPolicies", "Tags", "GroupPolicyList", "InstanceProfileList", "Roles", "RolePolicyList", "PolicyVersionList",
                "EvaluationResults", "MatchedStatements", "MissingContextValues", "ResourceSpecificResults"),
            Structures: Set("RoleLastUsed", "PermissionsBoundary", "OrganizationsDecisionDetail", "PermissionsBoundaryDecisionDetail", "SourcePolicyType"),
            Booleans: Set("IsDefaultVersion", "IsAttachable", "IsTruncated", "AllowedByOrganizations", "AllowedByPermissionsBoundary"),
            Integers: Set("AttachmentCount", "PermissionsBoundaryUsageCount", "MaxSessionDuration", "Line", "Column"),
            Timestamps: Set("CreateDate", "UpdateDate", "LastUsedDate"),
            UrlEncodedDocuments: Set("PolicyDocument", "Document", "AssumeRolePolicyDocument"),
            Maps: Set("EvalDecisionDetails")));

    public static AwsService Elbv2 { get; } = new("elbv2", "elasticloadbalancing", WireProtocol.Query, "Elastic Load Balancing v2", "elasticloadbalancing", "elasticloadbalancing", "2015-12-01",
        XmlShape: new QueryShape(
            Lists: Set("LoadBalancers", "AvailabilityZones", "SecurityGroups", "LoadBalancerAddresses", "Listeners", "DefaultActions", "Certificates",
                "TargetGroups", "LoadBalancerArns", "TargetHealthDescriptions", "Attributes"),
            Booleans: Set("HealthCheckEnabled"),
            Integers: Set("Port", "Weight", "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds", "HealthyThresholdCount", "UnhealthyThresholdCount"),
            Timestamps: Set("CreatedTime")));

    /// <summary>AWS Organizations: one endpoint for the partition, in us-east-1, reached from the management or a delegated administrator account.</summary>
    public static AwsService Organizations { get; } = new("organizations", "organizations", WireProtocol.Json, "Organizations", "organizations", "organizations", "2016-11-28",
        FixedRegion: "us-east-1", GlobalEndpoint: "https://organizations.us-east-1.amazonaws.com", JsonTargetPrefix: "AWSOrganizationsV20161128",
        TimestampMembers: Set("JoinedTimestamp"));

    /// <summary>Every service of the catalog.</summary>
    public static IReadOnlyList<AwsService> All { get; } = [Ec2, Sts, CodeBuild, Ecr, EcrPublic, Ecs, CodeConnections, Iam, Elbv2, Organizations];
}
