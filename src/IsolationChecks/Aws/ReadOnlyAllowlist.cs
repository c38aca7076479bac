namespace IsolationChecks.Aws;

/// <summary>
/// Every AWS action the tool may call, as IAM names it ("service:Action"). The read-only guard in every
/// client refuses anything else before a byte is sent, and docs/audit-role-policy.json grants exactly
/// <see cref="AuditActions"/> (a test keeps the two equal).
/// </summary>
public static class ReadOnlyAllowlist
{
    /// <summary>The reads of the audit: what the audit role's policy grants.</summary>
    public static IReadOnlyList<string> AuditActions { get; } =
    [
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeRouteTables",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeNatGateways",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeEgressOnlyInternetGateways",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeInstances",
        "ec2:DescribeManagedPrefixLists",
        "ec2:DescribeAddresses",
        "ec2:GetManagedPrefixListEntries",
        "codebuild:ListProjects",
        "codebuild:BatchGetProjects",
        "ecr:DescribeRepositories",
        "ecr:GetRepositoryPolicy",
        "ecr:GetLifecyclePolicy",
        "ecr:GetRegistryScanningConfiguration",
        "iam:GetAccountAuthorizationDetails",
        "iam:SimulatePrincipalPolicy",
        "sts:GetCallerIdentity",
        "ecr-public:DescribeRepositories",
        "elasticloadbalancing:DescribeLoadBalancers",
        "ecs:DescribeServices",
        "ecs:ListTasks",
        "ecs:DescribeTasks",
        "codeconnections:ListHosts",
        "codeconnections:GetHost",
        "codecommit:GetRepository",
    ];

    /// <summary>
    /// Called only by the credential client that assumes the scope's audit role. It is granted by the
    /// caller's own policy and the role's trust policy, not by the audit role, so it is not in the policy file.
    /// </summary>
    public static IReadOnlyList<string> CredentialActions { get; } = ["sts:AssumeRole"];

    private static readonly HashSet<string> Audit = new(AuditActions, StringComparer.Ordinal);
    private static readonly HashSet<string> Credential = new(CredentialActions, StringComparer.Ordinal);

    public static bool AllowsAudit(string action) => Audit.Contains(action);

    public static bool AllowsCredential(string action) => Credential.Contains(action);
}
