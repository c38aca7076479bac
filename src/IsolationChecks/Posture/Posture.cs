// The expected posture: what is judged and what is expected of it (schemas/posture.schema.json, docs/posture.md).
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
    IReadOnlyList<Waiver>? Waivers = null,
    IReadOnlyList<ControlExclusion>? ExcludedControls = null,
    OrganizationPosture? Organization = null)
{
    public const int CurrentVersion = 1;

    /// <summary>
    /// The (account, region) pairs the organisation's targets cover, as the snapshot's discovery listed them (see
    /// <see cref="WithMembers"/>); empty until then, and for a posture without an organization section.
    /// </summary>
    public IReadOnlyList<ClassMember> Members { get; init; } = [];

    /// <summary>
    /// This posture with the organisation's members: each becomes an account (named by its scope) judged by its class's
    /// sections. An account the posture names under accounts (same id and region) keeps its entry: it is not a member too.
    /// </summary>
    public PostureDocument WithMembers(IReadOnlyList<ClassMember> members)
    {
        var named = Accounts.Values.Select(a => (a.AccountId, a.Region.ToLowerInvariant())).ToHashSet();
        var added = members.Where(m => !named.Contains((m.Scope.AccountId, m.Scope.Region.ToLowerInvariant()))).ToList();
        var accounts = new Dictionary<string, AccountTarget>(Accounts, StringComparer.Ordinal);
        foreach (var member in added)
            accounts[member.Scope.Name] = new AccountTarget(member.Scope.AccountId, member.Scope.Region, member.Scope.Profile, member.Scope.RoleArn);
        return this with { Accounts = accounts, Members = added };
    }

    /// <summary>Every build section judged: the posture's own, then each class member's.</summary>
    public IReadOnlyList<BuildPosture> Builds => [.. Section(Build), .. ClassSections(c => c.Build, (b, name, path) => b with { Account = name, Section = path })];

    /// <summary>Every ecr section judged: the posture's own, then each class member's.</summary>
    public IReadOnlyList<EcrPosture> Ecrs => [.. Section(Ecr), .. ClassSections(c => c.Ecr, (e, name, path) => e with { Account = name, Section = path })];

    /// <summary>Every connections section judged: the posture's own, then each class member's.</summary>
    public IReadOnlyList<ConnectionsPosture> ConnectionSections =>
        [.. Section(Connections), .. ClassSections(c => c.Connections, (h, name, path) => h with { Account = name, Section = path })];

    private static IEnumerable<T> Section<T>(T? section) where T : class => section is null ? [] : [section];

    private IEnumerable<T> ClassSections<T>(Func<AccountClass, T?> section, Func<T, string, string, T> bind) where T : class =>
        Members.Where(m => m.Class is not null && Organization?.Classes.ContainsKey(m.Class) == true)
            .Select(m => (Member: m, Section: section(Organization!.Classes[m.Class!])))
            .Where(s => s.Section is not null)
            .Select(s => bind(s.Section!, s.Member.Scope.Name, $"organization.classes.{s.Member.Class}.{SectionName<T>()}"));

    private static string SectionName<T>() => typeof(T) == typeof(BuildPosture) ? "build" : typeof(T) == typeof(EcrPosture) ? "ecr" : "connections";

    /// <summary>What a person must still review (a generated posture's review block); null when nothing is pending.</summary>
    public PostureReview? Review { get; init; }

    /// <summary>Whether entries are still unreviewed: a gate refuses to judge with such a posture.</summary>
    public bool Unreviewed => Review is { Pending.Count: > 0 };

    /// <summary>Where each value was in the file, for errors found after loading; null for a posture built in code.</summary>
    internal JsonSourceMap? Source { get; init; }

    /// <summary>An error about a value of this posture: the file, the JSON path and, when loaded from a file, its line and column.</summary>
    /// <param name="pointer">The value's JSON pointer, e.g. "/excludedControls/0/control".</param>
    public InputException Invalid(string pointer, string expected, string? actual) =>
        Source?.Error(pointer, expected, actual) ?? new InputException("posture", "$" + pointer.Replace('/', '.'), expected, actual);

    /// <summary>The default required endpoint services of EP-1 (controls.md).</summary>
    public static IReadOnlyList<string> DefaultRequiredEndpoints { get; } = ["ecr.api", "ecr.dkr", "s3", "logs", "sts"];

    public AccountTarget Account(string name) => Accounts.TryGetValue(name, out var account)
        ? account
        : throw new KeyNotFoundException($"posture names account '{name}' but does not declare it under accounts");
}

/// <summary>A generated posture's review block: who generated it, from what, and the entries a person has not reviewed yet.</summary>
public sealed record PostureReview(string? GeneratedBy, string? GeneratedAt, string? From, IReadOnlyList<PendingReview> Pending)
{
    /// <summary>"$.build.projects, $.natGateways": what is unreviewed, for the one error message and the reports (the notes are in the file).</summary>
    public string Describe() => string.Join(", ", Pending.Select(p => p.Path));
}

/// <summary>One generated entry to review: its JSON path in the posture and what to check.</summary>
public sealed record PendingReview(string Path, string Note);

/// <summary>An AWS account the suite reads, and how to reach it.</summary>
/// <param name="Profile">Named profile for this account (else the run's Profile setting, else the default chain).</param>
/// <param name="RoleArn">Role to assume for this account (read-only audit role).</param>
public sealed record AccountTarget(string AccountId, string Region, string? Profile = null, string? RoleArn = null);

/// <summary>A resource left out of judgement on purpose, with the reason the reports show.</summary>
/// <param name="Name">The resource's name (a project, a repository) or, for a CodeConnections host, its ARN or name.</param>
public sealed record ResourceExclusion(string Name, string Reason);

/// <summary>A whole control left out of judgement on purpose (e.g. NET-* where the suite runs outside the build network).</summary>
public sealed record ControlExclusion(string Control, string Reason);

/// <summary>
/// An allowed source CIDR. One wider than <see cref="SourceAllowlist"/>'s limit needs a <paramref name="Reason"/>,
/// which the reports show wherever the CIDR is used.
/// </summary>
public sealed record SourceCidr(string Cidr, string? Reason = null)
{
    public override string ToString() => Reason is null ? Cidr : $"{Cidr} (wide on purpose: {Reason})";
}

/// <param name="Projects">Project names that must exist in the account; "*" names none. Every project of the account is judged unless excluded.</param>
/// <param name="Exclude">Projects left out of judgement, each with its reason.</param>
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
    IReadOnlyList<string>? RequiredEndpoints = null,
    IReadOnlyList<ResourceExclusion>? Exclude = null)
{
    /// <summary>Where the section is in the posture ("build", or "organization.classes.NAME.build" for a class member's).</summary>
    public string Section { get; init; } = "build";

    /// <summary>The services as endpoint short names (the loader normalises com.amazonaws.&lt;region&gt;.&lt;name&gt; once).</summary>
    public IReadOnlyList<string> EffectiveRequiredEndpoints => RequiredEndpoints ?? PostureDocument.DefaultRequiredEndpoints;

    /// <summary>Whether a project is judged: every project of the build account is, unless the posture excludes it.</summary>
    public bool Judges(string project) => !(Exclude ?? []).Any(e => e.Name == project);
}

/// <summary>A NAT gateway whose public IPs are the dev side's only egress addresses (GL-1, IAM-3, CONN-1).</summary>
public sealed record NatGatewayRef(string Id, string Account);

/// <param name="Repositories">Repository names that must exist; "*" names none. Every repository of the account is judged unless excluded.</param>
/// <param name="AllowedPrincipalAccounts">Accounts a repository policy may grant to (ECR-1).</param>
/// <param name="PublicRepositoriesAllowed">ECR Public repositories allowed by name (ECR-5).</param>
public sealed record EcrPosture(
    string Account,
    IReadOnlyList<string> Repositories,
    IReadOnlyList<string>? AllowedPrincipalAccounts = null,
    IReadOnlyList<string>? PublicRepositoriesAllowed = null,
    IReadOnlyList<ResourceExclusion>? Exclude = null)
{
    /// <summary>Where the section is in the posture ("ecr", or "organization.classes.NAME.ecr" for a class member's).</summary>
    public string Section { get; init; } = "ecr";
}

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
    IReadOnlyList<SourceCidr>? AllowedCidrs = null,
    IReadOnlyList<string>? AllowedSecurityGroups = null,
    IReadOnlyList<string>? ApprovedEntries = null);

/// <param name="IsolatedSourceCidrs">The isolated terminals' addresses, the only place pull principals may pull from (IAM-2).</param>
public sealed record CodeCommitPosture(
    string Account,
    IReadOnlyList<string> MirroredRepositories,
    IReadOnlyList<string> PushPrincipals,
    IReadOnlyList<string> PullPrincipals,
    IReadOnlyList<SourceCidr> IsolatedSourceCidrs);

/// <summary>Credentials by reference only: environment variable names, or an AWS profile to derive a SigV4 Git password from.</summary>
public sealed record GitCredentialsRef(string? UsernameEnv = null, string? PasswordEnv = null, string? AwsProfile = null);

public sealed record GitProbePosture(string RepositoryUrl, string ExpectedBranch, GitCredentialsRef Credentials, int? TimeoutSeconds = null);

/// <param name="Hosts">Host ARNs that must exist; "*" names none. Every GitLabSelfManaged host of the account is judged unless excluded.</param>
public sealed record ConnectionsPosture(string Account, IReadOnlyList<string> Hosts, IReadOnlyList<ResourceExclusion>? Exclude = null)
{
    /// <summary>Where the section is in the posture ("connections", or "organization.classes.NAME.connections" for a class member's).</summary>
    public string Section { get; init; } = "connections";
}

public sealed record InVpcProbePosture(
    bool Enabled,
    IReadOnlyList<string>? InternetCanaries = null,
    IReadOnlyList<string>? ServiceHosts = null,
    int? TimeoutSeconds = null);

/// <summary>An accepted exception: a fail or inconclusive of one control on one resource, until it expires.</summary>
public sealed record Waiver(string Control, string Resource, string Reason, string ApprovedBy, DateOnly Expires);
