namespace IsolationChecks.Snapshots;

/// <summary>The API call behind a snapshot file: how a gap is described and how a manifest call is matched to it.</summary>
/// <param name="TopLevelKeys">For EC2 outputs: the response member holding the list (the first is the CLI's name).</param>
public sealed record SnapshotCall(string Service, string Operation, string CliCommand, params string[] TopLevelKeys);

/// <summary>Which call produced each snapshot file (docs/snapshot-format.md lists the same table).</summary>
public static class SnapshotCalls
{
    public static SnapshotCall Vpcs { get; } = new("ec2", "DescribeVpcs", "aws ec2 describe-vpcs", "Vpcs");
    public static SnapshotCall Subnets { get; } = new("ec2", "DescribeSubnets", "aws ec2 describe-subnets", "Subnets");
    public static SnapshotCall RouteTables { get; } = new("ec2", "DescribeRouteTables", "aws ec2 describe-route-tables", "RouteTables");
    public static SnapshotCall NetworkAcls { get; } = new("ec2", "DescribeNetworkAcls", "aws ec2 describe-network-acls", "NetworkAcls");
    public static SnapshotCall SecurityGroups { get; } = new("ec2", "DescribeSecurityGroups", "aws ec2 describe-security-groups", "SecurityGroups");
    public static SnapshotCall NatGateways { get; } = new("ec2", "DescribeNatGateways", "aws ec2 describe-nat-gateways", "NatGateways");
    public static SnapshotCall InternetGateways { get; } = new("ec2", "DescribeInternetGateways", "aws ec2 describe-internet-gateways", "InternetGateways");
    public static SnapshotCall EgressOnlyInternetGateways { get; } = new("ec2", "DescribeEgressOnlyInternetGateways", "aws ec2 describe-egress-only-internet-gateways", "EgressOnlyInternetGateways");
    public static SnapshotCall VpcEndpoints { get; } = new("ec2", "DescribeVpcEndpoints", "aws ec2 describe-vpc-endpoints", "VpcEndpoints");
    public static SnapshotCall NetworkInterfaces { get; } = new("ec2", "DescribeNetworkInterfaces", "aws ec2 describe-network-interfaces", "NetworkInterfaces");
    public static SnapshotCall Reservations { get; } = new("ec2", "DescribeInstances", "aws ec2 describe-instances", "Reservations");
    // The CLI prints "PrefixLists"; "ManagedPrefixLists" (the file's name) is accepted too.
    public static SnapshotCall ManagedPrefixLists { get; } = new("ec2", "DescribeManagedPrefixLists", "aws ec2 describe-managed-prefix-lists", "PrefixLists", "ManagedPrefixLists");
    public static SnapshotCall Addresses { get; } = new("ec2", "DescribeAddresses", "aws ec2 describe-addresses", "Addresses");
    public static SnapshotCall PrefixListEntries { get; } = new("ec2", "GetManagedPrefixListEntries", "aws ec2 get-managed-prefix-list-entries --prefix-list-id ID", "Entries");

    public static SnapshotCall CodeBuildListProjects { get; } = new("codebuild", "ListProjects", "aws codebuild list-projects");
    public static SnapshotCall CodeBuildBatchGetProjects { get; } = new("codebuild", "BatchGetProjects", "aws codebuild batch-get-projects --names ...");

    public static SnapshotCall EcrDescribeRepositories { get; } = new("ecr", "DescribeRepositories", "aws ecr describe-repositories");
    public static SnapshotCall EcrRegistryScanningConfiguration { get; } = new("ecr", "GetRegistryScanningConfiguration", "aws ecr get-registry-scanning-configuration");
    public static SnapshotCall EcrRepositoryPolicy { get; } = new("ecr", "GetRepositoryPolicy", "aws ecr get-repository-policy --repository-name NAME");
    public static SnapshotCall EcrLifecyclePolicy { get; } = new("ecr", "GetLifecyclePolicy", "aws ecr get-lifecycle-policy --repository-name NAME");
    public static SnapshotCall EcrPublicDescribeRepositories { get; } = new("ecr-public", "DescribeRepositories", "aws ecr-public describe-repositories --region us-east-1");

    public static SnapshotCall IamAccountAuthorizationDetails { get; } = new("iam", "GetAccountAuthorizationDetails", "aws iam get-account-authorization-details");
    public static SnapshotCall StsCallerIdentity { get; } = new("sts", "GetCallerIdentity", "aws sts get-caller-identity");

    /// <summary>The fixed-name files of one scope, relative to the scope folder.</summary>
    public static IReadOnlyDictionary<string, SnapshotCall> FixedFiles { get; } = new Dictionary<string, SnapshotCall>(StringComparer.Ordinal)
    {
        [SnapshotLayout.Vpcs] = Vpcs,
        [SnapshotLayout.Subnets] = Subnets,
        [SnapshotLayout.RouteTables] = RouteTables,
        [SnapshotLayout.NetworkAcls] = NetworkAcls,
        [SnapshotLayout.SecurityGroups] = SecurityGroups,
        [SnapshotLayout.NatGateways] = NatGateways,
        [SnapshotLayout.InternetGateways] = InternetGateways,
        [SnapshotLayout.EgressOnlyInternetGateways] = EgressOnlyInternetGateways,
        [SnapshotLayout.VpcEndpoints] = VpcEndpoints,
        [SnapshotLayout.NetworkInterfaces] = NetworkInterfaces,
        [SnapshotLayout.Reservations] = Reservations,
        [SnapshotLayout.ManagedPrefixLists] = ManagedPrefixLists,
        [SnapshotLayout.Addresses] = Addresses,
        [SnapshotLayout.CodeBuildListProjects] = CodeBuildListProjects,
        [SnapshotLayout.CodeBuildBatchGetProjects] = CodeBuildBatchGetProjects,
        [SnapshotLayout.EcrDescribeRepositories] = EcrDescribeRepositories,
        [SnapshotLayout.EcrRegistryScanningConfiguration] = EcrRegistryScanningConfiguration,
        [SnapshotLayout.EcrPublicDescribeRepositories] = EcrPublicDescribeRepositories,
        [SnapshotLayout.IamAccountAuthorizationDetails] = IamAccountAuthorizationDetails,
        [SnapshotLayout.StsCallerIdentity] = StsCallerIdentity,
    };

    internal const string PrefixListEntriesFolder = "ManagedPrefixListEntries/";
    internal const string EcrRepositoryPolicyFolder = "ecr/get-repository-policy/";
    internal const string EcrLifecyclePolicyFolder = "ecr/get-lifecycle-policy/";

    /// <summary>Whether the reader reads a file (path relative to its scope folder) as evidence.</summary>
    public static bool IsEvidence(string scopeRelativePath) =>
        FixedFiles.ContainsKey(scopeRelativePath)
        || IsPerItemFile(scopeRelativePath, PrefixListEntriesFolder, allowNested: false)
        || IsPerItemFile(scopeRelativePath, EcrRepositoryPolicyFolder, allowNested: true)
        || IsPerItemFile(scopeRelativePath, EcrLifecyclePolicyFolder, allowNested: true);

    internal static bool IsPerItemFile(string path, string folder, bool allowNested) =>
        path.StartsWith(folder, StringComparison.Ordinal)
        && path.EndsWith(".json", StringComparison.Ordinal)
        && path.Length > folder.Length + ".json".Length
        && (allowNested || !path[folder.Length..].Contains('/'));

    /// <summary>The item name of a per-item file: the prefix list id or the repository name (which may hold '/').</summary>
    internal static string ItemName(string path, string folder) => path[folder.Length..^".json".Length];
}
