using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Snapshots;

/// <summary>
/// How to get back evidence that is missing, chosen by why it is missing (never the control's fix for a failed
/// resource). One wording for the snapshot reader, which knows the call, and the controls, which hold only the gap.
/// </summary>
public static class GapRemedies
{
    private static readonly HashSet<string> Denied = new(StringComparer.Ordinal)
    {
        "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "UnauthorizedException", "AuthFailure",
        "NotAuthorized", "ReadOnlyGuard", "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "NoClient",
    };

    public const string TimeBudgetExceeded = "TimeBudgetExceeded";

    /// <summary>The remedy for a catalogued call that failed with <paramref name="errorCode"/> (null: never collected).</summary>
    public static string For(AwsCall call, string? item, string? errorCode, string? file) =>
        For(call.IamAction, call.CliFor(item), errorCode, file);

    /// <summary>The remedy for a gap: the one the reader gave it, else one chosen by its error code.</summary>
    public static string For(DataGap gap) =>
        gap.Remedy ?? For($"{gap.Service}:{gap.Operation}", $"aws {gap.Service} {CliName(gap.Operation)}", gap.ErrorCode, gap.File);

    /// <summary>A file the snapshot should hold and does not (or holds incomplete): collect it again, or add the AWS CLI's output.</summary>
    public static string Recollect(AwsCall call, string? file, string? item = null) => For(call, item, null, file);

    private static string For(string action, string cli, string? errorCode, string? file) => errorCode switch
    {
        null =>
            $"Collect the snapshot again with Target=live (SaveSnapshot keeps it), or add the output of `{cli} --output json`"
            + $"{(file is null ? "" : $" as {file}")} to the snapshot folder (IAM permission {action}), then run again.",
        TimeBudgetExceeded =>
            $"The run's Timeout cut {action} off: raise Timeout (ISOLATION_TIMEOUT, e.g. 1h) or find what was slow in the run's progress lines, then run again.",
        "WrongAccount" or "AccountUnverified" =>
            "Use credentials that reach the account the posture names (the account's profile or roleArn in the posture, or the Profile setting); "
            + "sts:GetCallerIdentity must confirm the account before anything of it is collected. Then run again.",
        DataGap.MalformedEvidence =>
            $"Collect the file again (`{cli} --output json`{(file is null ? "" : $" > {file}")}, or a live run with SaveSnapshot): it is not what the call prints.",
        { } code when Denied.Contains(code) =>
            $"Grant the audit role {action} (docs/audit-role-policy.json lists every permission the audit needs) and check its credentials, then run again.",
        { } code when Aws.ThrottlingErrors.Is(code) =>
            $"AWS kept throttling {action} after every retry, at the lowest rate the collection allows: run again when the account is quieter, "
            + "lower --calls-per-second or --max-concurrency, or ask AWS for a higher request rate.",
        { } code =>
            $"{action} failed with {code}: fix the cause its message names, then collect again (Target=live; SaveSnapshot keeps the evidence).",
    };

    /// <summary>"DescribeRouteTables" → "describe-route-tables", the AWS CLI's name for an operation.</summary>
    public static string CliName(string operation)
    {
        var name = new System.Text.StringBuilder();
        foreach (var c in operation)
        {
            if (char.IsUpper(c) && name.Length > 0)
                name.Append('-');
            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }
}
