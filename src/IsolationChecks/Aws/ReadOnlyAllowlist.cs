using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Aws;

/// <summary>
/// Every AWS action the tool may call, as IAM names it ("service:Action"): exactly the actions of the call catalog
/// (<see cref="AwsCalls"/>). The read-only guard in every client refuses anything else before a byte is sent;
/// docs/audit-role-policy.json, generated from the same catalog, grants exactly <see cref="AuditActions"/>, and
/// docs/organization-reader-policy.json exactly <see cref="OrganizationActions"/>.
/// </summary>
public static class ReadOnlyAllowlist
{
    /// <summary>The reads of the audit: what the audit role's policy grants (in every audited account).</summary>
    public static IReadOnlyList<string> AuditActions { get; } = ActionsOf(AwsCalls.All.Where(c => !AwsCalls.IsOrganizationDiscovery(c)));

    /// <summary>The reads that discover an organisation's accounts: what the organisation reader's policy grants (management or delegated administrator account).</summary>
    public static IReadOnlyList<string> OrganizationActions { get; } = ActionsOf(AwsCalls.All.Where(AwsCalls.IsOrganizationDiscovery));

    /// <summary>
    /// Called only by the credential client that assumes the scope's audit role. It is granted by the
    /// caller's own policy and the role's trust policy, not by the audit role, so it is not in the policy file.
    /// </summary>
    public static IReadOnlyList<string> CredentialActions { get; } = ["sts:AssumeRole"];

    private static readonly HashSet<string> Audit = new([.. AuditActions, .. OrganizationActions], StringComparer.Ordinal);
    private static readonly HashSet<string> Credential = new(CredentialActions, StringComparer.Ordinal);

    /// <summary>Whether a client reading evidence may send the action: a read of the catalog, audit or organisation discovery.</summary>
    public static bool AllowsAudit(string action) => Audit.Contains(action);

    public static bool AllowsCredential(string action) => Credential.Contains(action);

    private static List<string> ActionsOf(IEnumerable<AwsCall> calls) =>
        calls.Select(c => c.IamAction).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
