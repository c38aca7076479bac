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
    IReadOnlyList<string> GroupList,
    IReadOnlyList<AttachedPolicy> AttachedManagedPolicies,
    [AbsentMeans("the user has no inline policy (IAM omits an empty list)")] IReadOnlyList<PolicyDetail>? UserPolicyList = null,
    [AbsentMeans("the user has no permissions boundary")] PermissionsBoundary? PermissionsBoundary = null,
    [AbsentMeans("the user id is not recorded")] string? UserId = null,
    [AbsentMeans("the path is /")] string? Path = null,
    [AbsentMeans("the user has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record GroupDetail(
    string GroupName,
    string Arn,
    IReadOnlyList<PolicyDetail> GroupPolicyList,
    IReadOnlyList<AttachedPolicy> AttachedManagedPolicies,
    [AbsentMeans("the group id is not recorded")] string? GroupId = null,
    [AbsentMeans("the path is /")] string? Path = null);

public sealed record RoleDetail(
    string RoleName,
    string Arn,
    IReadOnlyList<PolicyDetail> RolePolicyList,
    IReadOnlyList<AttachedPolicy> AttachedManagedPolicies,
    [AbsentMeans("the role has no permissions boundary")] PermissionsBoundary? PermissionsBoundary = null,
    [AbsentMeans("the trust policy is not recorded")] JsonElement? AssumeRolePolicyDocument = null,
    [AbsentMeans("the role id is not recorded")] string? RoleId = null,
    [AbsentMeans("the path is /")] string? Path = null,
    [AbsentMeans("the role has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record PolicyVersion(JsonElement Document, string VersionId, bool IsDefaultVersion);

/// <summary>A managed policy. The ARN identifies it; the name is optional because some emulators omit it.</summary>
public sealed record ManagedPolicyDetail(
    string Arn,
    string DefaultVersionId,
    IReadOnlyList<PolicyVersion> PolicyVersionList,
    [AbsentMeans("the name is the ARN's last segment")] string? PolicyName = null,
    [AbsentMeans("the policy id is not recorded")] string? PolicyId = null,
    [AbsentMeans("the path is /")] string? Path = null)
{
    public string Name => PolicyName ?? Arn[(Arn.LastIndexOf('/') + 1)..];
}

public sealed record AccountAuthorizationDetails(
    IReadOnlyList<UserDetail> UserDetailList,
    IReadOnlyList<GroupDetail> GroupDetailList,
    IReadOnlyList<RoleDetail> RoleDetailList,
    IReadOnlyList<ManagedPolicyDetail> Policies,
    [AbsentMeans("every page is in the file (the collector and the AWS CLI merge them)")] bool? IsTruncated = null) : IValidatedShape
{
    public string? Problem() => IsTruncated == true
        ? "IsTruncated is true: the file holds only the first page (collect every page; the AWS CLI does unless --no-paginate or --max-items is given)"
        : null;
}

public sealed record CallerIdentity(string Account, string Arn, [AbsentMeans("the user id is not recorded")] string? UserId = null);

/// <summary>One answer of <c>aws iam simulate-principal-policy</c>.</summary>
public sealed record EvaluationResult(
    string EvalActionName,
    string EvalDecision,
    [AbsentMeans("the simulation was for one resource (ResourceSpecificResults omitted)")] string? EvalResourceName = null,
    [AbsentMeans("every context key the policies use had a value")] IReadOnlyList<string>? MissingContextValues = null,
    [AbsentMeans("no resource-specific answer")] IReadOnlyList<ResourceSpecificResult>? ResourceSpecificResults = null);

public sealed record ResourceSpecificResult(
    string EvalResourceName,
    string EvalResourceDecision,
    [AbsentMeans("every context key the policies use had a value")] IReadOnlyList<string>? MissingContextValues = null);

/// <summary>
/// The question a simulation asked (stored with its answer, so the snapshot alone says what was simulated).
/// <c>aws iam simulate-principal-policy --policy-source-arn A --action-names ... --resource-arns R --context-entries ...</c>.
/// </summary>
public sealed record SimulationRequest(string PolicySourceArn, IReadOnlyList<string> ActionNames, IReadOnlyList<string> ResourceArns, IReadOnlyList<SimulationContextEntry> ContextEntries);

public sealed record SimulationContextEntry(string ContextKeyName, IReadOnlyList<string> ContextKeyValues, string ContextKeyType);

/// <summary>The CLI's output of the simulation, with the request that produced it.</summary>
public sealed record SimulatePrincipalPolicyOutput(SimulationRequest Request, IReadOnlyList<EvaluationResult> EvaluationResults);
