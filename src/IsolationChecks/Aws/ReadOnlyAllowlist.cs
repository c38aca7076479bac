using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Aws;

/// <summary>
/// Every AWS action the tool may call, as IAM names it ("service:Action"): exactly the actions of the call catalog
/// (<see cref="AwsCalls"/>). The read-only guard in every client refuses anything else before a byte is sent, and
/// docs/audit-role-policy.json, generated from the same catalog, grants exactly <see cref="AuditActions"/>.
/// </summary>
public static class ReadOnlyAllowlist
{
    /// <summary>The reads of the audit: what the audit role's policy grants.</summary>
    public static IReadOnlyList<string> AuditActions { get; } =
        AwsCalls.All.Select(c => c.IamAction).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

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
