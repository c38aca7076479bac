// `aws iam get-account-authorization-details` and `aws sts get-caller-identity` shapes.
using System.Text.Json;

namespace IsolationChecks.Aws.Shapes;

/// <summary>An inline policy. The CLI prints the document decoded, as a JSON object; a URL-encoded string is accepted too.</summary>
public sealed record PolicyDetail(string PolicyName, JsonElement PolicyDocument);

public sealed record AttachedPolicy(string? PolicyName, string PolicyArn);

public sealed record PermissionsBoundary(string? PermissionsBoundaryType, string PermissionsBoundaryArn);

public sealed record UserDetail(
    string UserName,
    string Arn,
    string? UserId = null,
    string? Path = null,
    IReadOnlyList<PolicyDetail>? UserPolicyList = null,
    IReadOnlyList<string>? GroupList = null,
    IReadOnlyList<AttachedPolicy>? AttachedManagedPolicies = null,
    PermissionsBoundary? PermissionsBoundary = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record GroupDetail(
    string GroupName,
    string Arn,
    string? GroupId = null,
    string? Path = null,
    IReadOnlyList<PolicyDetail>? GroupPolicyList = null,
    IReadOnlyList<AttachedPolicy>? AttachedManagedPolicies = null);

public sealed record RoleDetail(
    string RoleName,
    string Arn,
    string? RoleId = null,
    string? Path = null,
    JsonElement? AssumeRolePolicyDocument = null,
    IReadOnlyList<PolicyDetail>? RolePolicyList = null,
    IReadOnlyList<AttachedPolicy>? AttachedManagedPolicies = null,
    PermissionsBoundary? PermissionsBoundary = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record PolicyVersion(JsonElement Document, string? VersionId = null, bool? IsDefaultVersion = null);

/// <summary>A managed policy. The ARN identifies it; the name is optional because some emulators omit it.</summary>
public sealed record ManagedPolicyDetail(
    string Arn,
    string? PolicyName = null,
    string? PolicyId = null,
    string? Path = null,
    string? DefaultVersionId = null,
    IReadOnlyList<PolicyVersion>? PolicyVersionList = null)
{
    public string Name => PolicyName ?? Arn[(Arn.LastIndexOf('/') + 1)..];
}

public sealed record AccountAuthorizationDetails(
    IReadOnlyList<UserDetail>? UserDetailList = null,
    IReadOnlyList<GroupDetail>? GroupDetailList = null,
    IReadOnlyList<RoleDetail>? RoleDetailList = null,
    IReadOnlyList<ManagedPolicyDetail>? Policies = null);

public sealed record CallerIdentity(string Account, string Arn, string? UserId = null);
