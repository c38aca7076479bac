// The expected posture: what is in scope and what is expected of it (schemas/posture.schema.json).
// Designed for the whole catalog; controls not yet implemented read their sections later.
namespace IsolationChecks.Posture;

public sealed record PostureDocument(
    int Version,
    string Name,
    IReadOnlyDictionary<string, AccountTarget> Accounts,
    BuildPosture? Build = null,
    IReadOnlyList<NatGatewayRef>? NatGateways = null,
    EcrPosture? Ecr = null,
    GitLabPosture? GitLab = null,
    CodeCommitPosture? CodeCommit = null,
    GitProbePosture? GitProbe = null,
    ConnectionsPosture? Connections = null,
    InVpcProbePosture? InVpcProbes = null,
    IReadOnlyList<Waiver>? Waivers = null)
{
    public const int CurrentVersion = 1;

    /// <summary>The default required endpoint services of EP-1 (controls.md).</summary>
    public static IReadOnlyList<string> DefaultRequiredEndpoints { get; } = ["ecr.api", "ecr.dkr", "s3", "logs", "sts"];

    public AccountTarget Account(string name) => Accounts.TryGetValue(name, out var account)
        ? account
        : throw new KeyNotFoundException($"posture names account '{name}' but does not declare it under accounts");
}

/// <summary>An AWS account the suite reads, and how to reach it.</summary>
/// <param name="Profile">Named profile for this account (else the run's Profile setting, else the default chain).</param>
/// <param name="RoleArn">Role to assume for this account (read-only audit role).</param>
public sealed record AccountTarget(string AccountId, string Region, string? Profile = null, string? RoleArn = null);

/// <param name="Projects">Project names in scope, or ["*"] for every project in the account.</param>
/// <param name="PrivilegedModeAllowed">Projects allowed to run privileged (CB-5), e.g. image builds with docker.</param>
/// <param name="ApprovedEgress">Exits approved for the builds (CB-2/CB-3): route targets, transit gateway attachments, VPN connections or
/// Direct Connect gateways, e.g. a TGW to an inspected egress VPC; the path engine stops at them.</param>
/// <param name="RequiredEndpoints">Services that must have endpoints in each build VPC (EP-1..EP-5).</param>
public sealed record BuildPosture(
    string Account,
    IReadOnlyList<string> Projects,
    IReadOnlyList<string>? Vpcs = null,
    IReadOnlyList<string>? PrivilegedModeAllowed = null,
    IReadOnlyList<string>? ApprovedEgress = null,
    IReadOnlyList<string>? RequiredEndpoints = null)
{
    public bool CoversAllProjects => Projects.Contains("*");

    public IReadOnlyList<string> EffectiveRequiredEndpoints => RequiredEndpoints ?? PostureDocument.DefaultRequiredEndpoints;
}

/// <summary>A NAT gateway whose public IPs are the dev side's only egress addresses (GL-1, IAM-3, CONN-1).</summary>
public sealed record NatGatewayRef(string Id, string Account);

/// <param name="Repositories">Repository names in scope, or ["*"].</param>
/// <param name="AllowedPrincipalAccounts">Accounts a repository policy may grant to (ECR-1).</param>
/// <param name="PublicRepositoriesAllowed">ECR Public repositories allowed by name (ECR-5).</param>
public sealed record EcrPosture(
    string Account,
    IReadOnlyList<string> Repositories,
    IReadOnlyList<string>? AllowedPrincipalAccounts = null,
    IReadOnlyList<string>? PublicRepositoriesAllowed = null);

/// <summary>How to find a GitLab host: exactly one of the members is set.</summary>
public sealed record GitLabHostRef(
    string? InstanceId = null,
    TagFilter? Tag = null,
    string? LoadBalancerArn = null,
    EcsServiceRef? EcsService = null);

public sealed record TagFilter(string Key, string Value);

public sealed record EcsServiceRef(string Cluster, string Service);

/// <param name="AllowedCidrs">Declared work terminals and other allowed sources, besides the NAT gateways.</param>
/// <param name="AllowedSecurityGroups">Security groups a rule may reference (GL-1).</param>
/// <param name="ApprovedEntries">Ways in from outside the snapshot that may reach GitLab (GL-2): Client VPN endpoints, VPN
/// connections or virtual private gateways, peering connections, transit gateway attachments, Direct Connect gateways.</param>
public sealed record GitLabPosture(
    string Account,
    IReadOnlyList<GitLabHostRef> Hosts,
    IReadOnlyList<string>? AllowedCidrs = null,
    IReadOnlyList<string>? AllowedSecurityGroups = null,
    IReadOnlyList<string>? ApprovedEntries = null);

/// <param name="IsolatedSourceCidrs">The isolated terminals' addresses, the only place pull principals may pull from (IAM-2).</param>
public sealed record CodeCommitPosture(
    string Account,
    IReadOnlyList<string> MirroredRepositories,
    IReadOnlyList<string> PushPrincipals,
    IReadOnlyList<string> PullPrincipals,
    IReadOnlyList<string> IsolatedSourceCidrs);

/// <summary>Credentials by reference only: environment variable names, or an AWS profile to derive a SigV4 Git password from.</summary>
public sealed record GitCredentialsRef(string? UsernameEnv = null, string? PasswordEnv = null, string? AwsProfile = null);

public sealed record GitProbePosture(string RepositoryUrl, string ExpectedBranch, GitCredentialsRef Credentials, int? TimeoutSeconds = null);

public sealed record ConnectionsPosture(string Account, IReadOnlyList<string> Hosts);

public sealed record InVpcProbePosture(
    bool Enabled,
    IReadOnlyList<string>? InternetCanaries = null,
    IReadOnlyList<string>? ServiceHosts = null,
    int? TimeoutSeconds = null);

/// <summary>An accepted exception: a fail or inconclusive of one control on one resource, until it expires.</summary>
public sealed record Waiver(string Control, string Resource, string Reason, string ApprovedBy, DateOnly Expires);
