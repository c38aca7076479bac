using System.Text.RegularExpressions;
using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Posture;

/// <summary>
/// The formats a posture value must have, each with the words an error uses to say what was expected.
/// schemas/posture.schema.json carries the same patterns.
/// </summary>
internal static partial class PostureFormats
{
    public sealed record Format(Regex Pattern, string Expected);

    private static string AwsId(string prefixes) => $"{prefixes} followed by 8 or 17 lowercase hex digits";

    public static Format AccountId { get; } = new(AccountIdRegex(), "a 12-digit AWS account id");
    public static Format Region { get; } = new(RegionRegex(), "an AWS region such as ap-northeast-1");
    public static Format AccountName { get; } = new(AccountNameRegex(), "an account name of letters, digits, '_', '.' or '-'");
    public static Format VpcId { get; } = new(VpcIdRegex(), "a VPC id: " + AwsId("vpc-"));
    public static Format SecurityGroupId { get; } = new(SecurityGroupIdRegex(), "a security group id: " + AwsId("sg-"));
    public static Format NatGatewayId { get; } = new(NatGatewayIdRegex(), "a NAT gateway id: " + AwsId("nat-"));
    public static Format InstanceId { get; } = new(InstanceIdRegex(), "an EC2 instance id: " + AwsId("i-"));
    public static Format RouteTargetId { get; } = new(RouteTargetRegex(),
        "an exit's id: " + AwsId("tgw-, tgw-attach-, pcx-, vgw-, vpn-, nat-, igw-, eigw-, eni- or i-") + ", or a Direct Connect gateway id (a UUID)");
    public static Format EntryId { get; } = new(EntryIdRegex(),
        "an entry's id: " + AwsId("cvpn-endpoint-, vpn-, vgw-, pcx- or tgw-attach-") + ", or a Direct Connect gateway id (a UUID)");
    public static Format PrincipalArn { get; } = new(PrincipalArnRegex(), "an IAM user, role or group ARN such as arn:aws:iam::111111111111:user/name");
    public static Format RoleArn { get; } = new(RoleArnRegex(), "an IAM role ARN such as arn:aws:iam::111111111111:role/audit");
    public static Format ConnectionHostArn { get; } = new(ConnectionHostArnRegex(),
        "a CodeConnections host ARN such as arn:aws:codeconnections:ap-northeast-1:111111111111:host/gitlab-0123abcd");
    public static Format LoadBalancerArn { get; } = new(LoadBalancerArnRegex(),
        "an Elastic Load Balancing ARN such as arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/gitlab/0123456789abcdef");
    public static Format EcsName { get; } = new(EcsNameRegex(), "an ECS cluster or service name (letters, digits, '-', '_'; up to 255 characters), not an ARN");
    public static Format ProjectName { get; } = new(ProjectNameRegex(), "a CodeBuild project name (letters, digits, '-', '_'; 2 to 255 characters) or \"*\"");
    public static Format EcrRepositoryName { get; } = new(EcrRepositoryRegex(), "an ECR repository name such as team/app (lowercase) or \"*\"");
    public static Format CodeCommitRepositoryName { get; } = new(CodeCommitRepositoryRegex(), "a CodeCommit repository name (letters, digits, '.', '_', '-'; up to 100 characters)");
    public static Format EndpointService { get; } = new(EndpointServiceRegex(), "an endpoint service short name such as ecr.api, s3 or logs");
    public static Format ControlId { get; } = new(ControlIdRegex(), "a control id such as CB-2");
    public static Format EnvironmentVariable { get; } = new(EnvironmentVariableRegex(), "an environment variable name (letters, digits, '_', not starting with a digit)");
    public static Format HostName { get; } = new(HostNameRegex(), "a DNS host name such as api.ecr.ap-northeast-1.amazonaws.com");
    public static Format HostPort { get; } = new(HostPortRegex(), "host:port with a port from 1 to 65535, such as example.com:443");
    public static Format Date { get; } = new(DateRegex(), "a date as YYYY-MM-DD");

    public const string CidrExpected = Cidr.Expected;

    /// <summary>A CIDR as the posture must write it: the one CIDR syntax (<see cref="Cidr.Check"/>), a prefix length, no host bits set.</summary>
    /// <returns>Valid; or invalid with the network address it should have been (null when it is no CIDR at all).</returns>
    public static CidrCheck CheckCidr(string text) => !text.Contains('/', StringComparison.Ordinal) ? CidrCheck.Invalid : Cidr.Check(text) switch
    {
        { IsExact: true } => CidrCheck.Valid,
        { Cidr: { } network } => new CidrCheck(false, network.ToString()),
        _ => CidrCheck.Invalid,
    };

    public sealed record CidrCheck(bool IsValid, string? NetworkAddress)
    {
        public static CidrCheck Valid { get; } = new(true, null);

        public static CidrCheck Invalid { get; } = new(false, null);
    }

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountIdRegex();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$")]
    private static partial Regex RegionRegex();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex AccountNameRegex();

    [GeneratedRegex(@"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex VpcIdRegex();

    [GeneratedRegex(@"^sg-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex SecurityGroupIdRegex();

    [GeneratedRegex(@"^nat-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex NatGatewayIdRegex();

    [GeneratedRegex(@"^i-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex InstanceIdRegex();

    [GeneratedRegex(@"^((tgw|tgw-attach|pcx|vgw|vpn|nat|igw|eigw|eni|i)-([0-9a-f]{8}|[0-9a-f]{17})|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")]
    private static partial Regex RouteTargetRegex();

    [GeneratedRegex(@"^((cvpn-endpoint|vpn|vgw|pcx|tgw-attach)-([0-9a-f]{8}|[0-9a-f]{17})|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")]
    private static partial Regex EntryIdRegex();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:(user|role|group)/([\w+=,.@-]+/)*[\w+=,.@-]+$")]
    private static partial Regex PrincipalArnRegex();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]+$")]
    private static partial Regex RoleArnRegex();

    [GeneratedRegex(@"^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z]{2}(-[a-z]+)+-\d+:\d{12}:host/[A-Za-z0-9._-]+$")]
    private static partial Regex ConnectionHostArnRegex();

    [GeneratedRegex(@"^arn:aws[a-z-]*:elasticloadbalancing:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:loadbalancer/(app|net|gwy)/[A-Za-z0-9-]+/[0-9a-f]+$")]
    private static partial Regex LoadBalancerArnRegex();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,255}$")]
    private static partial Regex EcsNameRegex();

    [GeneratedRegex(@"^(\*|[A-Za-z0-9][A-Za-z0-9_-]{1,254})$")]
    private static partial Regex ProjectNameRegex();

    [GeneratedRegex(@"^(\*|([a-z0-9]+([._-][a-z0-9]+)*/)*[a-z0-9]+([._-][a-z0-9]+)*)$")]
    private static partial Regex EcrRepositoryRegex();

    [GeneratedRegex(@"^[\w.-]{1,100}$")]
    private static partial Regex CodeCommitRepositoryRegex();

    [GeneratedRegex(@"^[a-z0-9-]+(\.[a-z0-9-]+)*$")]
    private static partial Regex EndpointServiceRegex();

    [GeneratedRegex(@"^[A-Z]+-\d+$")]
    private static partial Regex ControlIdRegex();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentVariableRegex();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")]
    private static partial Regex HostNameRegex();

    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([1-9][0-9]{0,4})$")]
    private static partial Regex HostPortRegex();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateRegex();
}
