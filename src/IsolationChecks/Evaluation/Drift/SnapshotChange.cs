namespace IsolationChecks.Evaluation.Drift;

/// <summary>How a resource, or one member of it, differs between two snapshots.</summary>
public enum ChangeKind
{
    /// <summary>In the current snapshot only: a resource, a rule, a route, a statement, a membership.</summary>
    Added,

    /// <summary>In the baseline only.</summary>
    Removed,

    /// <summary>In both, with another value (a setting such as PrivateDnsEnabled, a route's target).</summary>
    Changed,
}

/// <summary>
/// One isolation-relevant change between a baseline snapshot and the current one: where (scope, the catalogued file and
/// call), what (the resource and the declared member), before and after (compact JSON of the declared members only), and
/// the controls that read that evidence (the call catalog's <c>ReadBy</c>).
/// </summary>
/// <param name="File">The file relative to its scope folder: "SecurityGroups.json", "ecr/get-repository-policy/app.json".</param>
/// <param name="Call">The catalogued call that writes the file: "ec2:DescribeSecurityGroups".</param>
/// <param name="ResourceType">"security group", "route table", "IAM user", "repository policy".</param>
/// <param name="Resource">The resource's id or name within the file ("sg-0123", "app").</param>
/// <param name="Member">The member that changed, relative to the resource ("IpPermissions", "PrivateDnsEnabled",
/// "UserPolicyList[deny-push].PolicyDocument.Statement"); null when the whole resource was added or removed.</param>
public sealed record SnapshotChange(
    string Account,
    string Region,
    string File,
    string Call,
    string ResourceType,
    string Resource,
    string? Member,
    ChangeKind Kind,
    string? Before,
    string? After,
    IReadOnlyList<string> Controls)
{
    /// <summary>What kind of change this is, in the words a security reviewer uses ("security group rule", "resource").</summary>
    public string Category => Member is null ? (Kind == ChangeKind.Changed ? ResourceType : "resource") : ChangeCategories.Of(ResourceType, Member);

    public string Wire => Kind.ToString().ToLowerInvariant();

    /// <summary>"security group sg-1: IpPermissions added {...}" as one line.</summary>
    public string Describe()
    {
        var what = Member is null ? $"{ResourceType} {Resource}" : $"{ResourceType} {Resource}: {Member}";
        return Kind switch
        {
            ChangeKind.Added => Member is null ? $"{what} added" : $"{what} added {After}",
            ChangeKind.Removed => Member is null ? $"{what} removed" : $"{what} removed {Before}",
            _ => $"{what} changed from {Before ?? "(absent)"} to {After ?? "(absent)"}",
        };
    }
}

/// <summary>Evidence that could not be compared: present and readable on one side only, so no change can be ruled out.</summary>
public sealed record DriftGap(string Account, string Region, string File, string Call, string Reason, IReadOnlyList<string> Controls);

/// <summary>What changed between two snapshots, and what could not be compared.</summary>
/// <param name="PrincipalScope">How IAM was narrowed: the posture's push and pull principals, or the whole account when it declares none.</param>
public sealed record SnapshotDrift(IReadOnlyList<SnapshotChange> Changes, IReadOnlyList<DriftGap> NotCompared, string PrincipalScope)
{
    /// <summary>Every control some change or gap touches, ordered.</summary>
    public IReadOnlyList<string> AffectedControls =>
        Changes.SelectMany(c => c.Controls).Concat(NotCompared.SelectMany(g => g.Controls)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}

/// <summary>The words for a change's category, from the resource and the member that changed.</summary>
internal static class ChangeCategories
{
    public static string Of(string resourceType, string member)
    {
        var head = member.Split('.', '[')[0];
        return (resourceType, head) switch
        {
            ("security group", "IpPermissions") => "security group rule (inbound)",
            ("security group", "IpPermissionsEgress") => "security group rule (outbound)",
            ("route table", "Routes") => "route",
            ("route table", "Associations") => "route table association",
            ("network ACL", "Entries") => "network ACL entry",
            ("network ACL", "Associations") => "network ACL association",
            ("network ACL", _) => "network ACL setting",
            ("VPC endpoint", _) => "VPC endpoint setting",
            ("repository policy", _) => "repository policy",
            ("IAM user", "GroupList") => "IAM group membership",
            ("IAM user" or "IAM group" or "IAM role", "UserPolicyList" or "GroupPolicyList" or "RolePolicyList") => "IAM inline policy",
            ("IAM user" or "IAM group" or "IAM role", "AttachedManagedPolicies") => "IAM attached policy",
            ("IAM user" or "IAM role", "PermissionsBoundary") => "IAM permissions boundary",
            ("managed policy", _) => "IAM managed policy",
            _ => $"{resourceType} setting",
        };
    }
}
