using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

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
    public static Format RouteTargetId { get; } = new(RouteTargetRegex(), "a route target id: " + AwsId("tgw-, pcx-, vgw-, nat-, igw-, eigw-, eni- or i-"));
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

    public const string CidrExpected = "an IPv4 or IPv6 CIDR block such as 10.0.0.0/16 or 2001:db8::/32";

    /// <summary>Parses a CIDR strictly: dotted quad or IPv6, a prefix length in range, and no host bits set.</summary>
    /// <returns>Null when valid; else the network address it should have been (or null network when unparseable).</returns>
    public static CidrCheck CheckCidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
            return CidrCheck.Invalid;
        var addressText = text[..slash];
        var prefixText = text[(slash + 1)..];
        if (!prefixText.All(char.IsAsciiDigit) || prefixText.Length > 3 || (prefixText.Length > 1 && prefixText[0] == '0'))
            return CidrCheck.Invalid;
        var prefix = int.Parse(prefixText, System.Globalization.CultureInfo.InvariantCulture);
        var isV4 = Ipv4Regex().IsMatch(addressText);
        if (!isV4 && !addressText.Contains(':', StringComparison.Ordinal))
            return CidrCheck.Invalid;
        if (!IPAddress.TryParse(addressText, out var address)
            || address.AddressFamily != (isV4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6)
            || addressText.Contains('%', StringComparison.Ordinal))
            return CidrCheck.Invalid;
        var bytes = address.GetAddressBytes();
        if (prefix > bytes.Length * 8)
            return CidrCheck.Invalid;
        var network = (byte[])bytes.Clone();
        for (var bit = prefix; bit < network.Length * 8; bit++)
            network[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        if (network.AsSpan().SequenceEqual(bytes))
            return CidrCheck.Valid;
        return new CidrCheck(false, $"{new IPAddress(network)}/{prefix}");
    }

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

    [GeneratedRegex(@"^(tgw|pcx|vgw|nat|igw|eigw|eni|i)-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex RouteTargetRegex();

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

    [GeneratedRegex(@"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")]
    private static partial Regex Ipv4Regex();
}
