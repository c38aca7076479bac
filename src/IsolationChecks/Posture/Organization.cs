using IsolationChecks.Aws;

namespace IsolationChecks.Posture;

/// <summary>
/// The accounts of an AWS Organization to judge: every active account under the targeted units, in the targeted regions,
/// reached through each target's audit role, and judged by the expectations of its class.
/// </summary>
/// <param name="Reader">The account whose Organizations API lists the accounts (management or delegated administrator).</param>
/// <param name="ClassTag">The account tag whose value names an account's class, for targets that do not name one.</param>
/// <param name="Exclude">Accounts left out of judgement on purpose, each with its reason.</param>
public sealed record OrganizationPosture(
    OrganizationReader Reader,
    IReadOnlyList<OrganizationTarget> Targets,
    IReadOnlyDictionary<string, AccountClass> Classes,
    string? ClassTag = null,
    IReadOnlyList<AccountExclusion>? Exclude = null)
{
    /// <summary>The folder name and session of the reader's scope; Organizations answers in us-east-1 only.</summary>
    public const string ReaderName = "organization";

    public const string ReaderRegion = "us-east-1";

    public AuditScope ReaderScope => new(ReaderName, Reader.AccountId, ReaderRegion, Reader.Profile, Reader.RoleArn);

    /// <summary>Whether any target's class comes from the account's tag (the tags are then read).</summary>
    public bool ReadsTags => ClassTag is not null && Targets.Any(t => t.Class is null);
}

public sealed record OrganizationReader(string AccountId, string? Profile = null, string? RoleArn = null);

/// <param name="Parent">An organisational unit id (ou-...) or a root id (r-...).</param>
/// <param name="RoleName">The audit role in every account of the target, with its path if any ("IsolationChecksAudit").</param>
/// <param name="Class">The class of every account of the target; null: each account's <see cref="OrganizationPosture.ClassTag"/> names it.</param>
/// <param name="IncludeNested">Whether the accounts of units nested under the target are judged too.</param>
public sealed record OrganizationTarget(string Parent, IReadOnlyList<string> Regions, string RoleName, string? Class = null, bool IncludeNested = true)
{
    /// <summary>The audit role's ARN in one account, in the partition of the region.</summary>
    public string RoleArnIn(string accountId, string region) => $"arn:{Partition(region)}:iam::{accountId}:role/{RoleName}";

    public static string Partition(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn" : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov" : "aws";
}

/// <summary>What every account of a class is expected to be: the sections of a posture that repeat across accounts.</summary>
public sealed record AccountClass(BuildPosture? Build = null, EcrPosture? Ecr = null, ConnectionsPosture? Connections = null);

public sealed record AccountExclusion(string AccountId, string Reason);

/// <summary>One (account, region) an organisation target covers, judged by its class (null: the account has none).</summary>
/// <param name="Scope">Its name (how messages call it), account, region and audit role.</param>
public sealed record ClassMember(AuditScope Scope, string? Class);
