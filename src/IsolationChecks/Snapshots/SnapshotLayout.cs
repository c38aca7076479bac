namespace IsolationChecks.Snapshots;

/// <summary>
/// Where each API call's output lives in a snapshot folder (contracts.md, docs/snapshot-format.md).
/// EC2 outputs sit at the scope's root named by the response's top-level key (the names other network
/// tools read); other services sit in a subfolder, named after the AWS CLI command that prints them.
/// </summary>
public static class SnapshotLayout
{
    public const string ManifestFile = "manifest.json";
    public const string AccountsFolder = "accounts";

    public const string Vpcs = "Vpcs.json";
    public const string Subnets = "Subnets.json";
    public const string RouteTables = "RouteTables.json";
    public const string NetworkAcls = "NetworkAcls.json";
    public const string SecurityGroups = "SecurityGroups.json";
    public const string NatGateways = "NatGateways.json";
    public const string InternetGateways = "InternetGateways.json";
    public const string EgressOnlyInternetGateways = "EgressOnlyInternetGateways.json";
    public const string VpcEndpoints = "VpcEndpoints.json";
    public const string NetworkInterfaces = "NetworkInterfaces.json";
    public const string Reservations = "Reservations.json";
    public const string ManagedPrefixLists = "ManagedPrefixLists.json";
    public const string Addresses = "Addresses.json";

    /// <summary><c>aws ec2 get-managed-prefix-list-entries --prefix-list-id ID</c>, one file per list.</summary>
    public static string PrefixListEntries(string prefixListId) => $"ManagedPrefixListEntries/{prefixListId}.json";

    public const string CodeBuildListProjects = "codebuild/list-projects.json";
    public const string CodeBuildBatchGetProjects = "codebuild/batch-get-projects.json";

    public const string EcrDescribeRepositories = "ecr/describe-repositories.json";
    public const string EcrRegistryScanningConfiguration = "ecr/get-registry-scanning-configuration.json";

    /// <summary>Repository names may contain '/', which nests folders: that is intended.</summary>
    public static string EcrRepositoryPolicy(string repositoryName) => $"ecr/get-repository-policy/{repositoryName}.json";

    public static string EcrLifecyclePolicy(string repositoryName) => $"ecr/get-lifecycle-policy/{repositoryName}.json";

    public const string EcrPublicDescribeRepositories = "ecr-public/describe-repositories.json";

    /// <summary><c>aws codeconnections list-hosts</c>, every page merged (CONN-1).</summary>
    public const string CodeConnectionsListHosts = "codeconnections/list-hosts.json";

    /// <summary><c>aws elbv2 describe-load-balancers</c>, every page merged (load balancers in front of GitLab).</summary>
    public const string Elbv2DescribeLoadBalancers = "elbv2/describe-load-balancers.json";

    /// <summary><c>aws ecs describe-services --cluster CLUSTER --services SERVICE</c>.</summary>
    public static string EcsDescribeServices(string cluster, string service) => $"ecs/describe-services/{cluster}/{service}.json";

    /// <summary><c>aws ecs list-tasks --cluster CLUSTER --service-name SERVICE --desired-status RUNNING</c>.</summary>
    public static string EcsListTasks(string cluster, string service) => $"ecs/list-tasks/{cluster}/{service}.json";

    /// <summary><c>aws ecs describe-tasks --cluster CLUSTER --tasks ...</c> for the tasks list-tasks returned; absent when it returned none.</summary>
    public static string EcsDescribeTasks(string cluster, string service) => $"ecs/describe-tasks/{cluster}/{service}.json";

    public const string IamAccountAuthorizationDetails = "iam/get-account-authorization-details.json";
    public const string StsCallerIdentity = "sts/get-caller-identity.json";

    /// <summary>Scope folder for multi-account/multi-region snapshots.</summary>
    public static string ScopeFolder(string accountId, string region) => $"{AccountsFolder}/{accountId}/{region}";
}
