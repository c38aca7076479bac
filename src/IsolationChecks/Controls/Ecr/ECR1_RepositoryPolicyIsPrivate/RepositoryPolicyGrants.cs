using System.Text.RegularExpressions;
using IsolationChecks.Evaluation.Policies;

namespace IsolationChecks.Controls.Ecr.ECR1_RepositoryPolicyIsPrivate;

public enum GrantVerdict
{
    Private,
    Exposed,
    Unclear,
}

public sealed record GrantJudgement(Statement Statement, GrantVerdict Verdict, string Explanation);

/// <summary>Who an Allow statement of a resource policy grants to, and whether that keeps the repository private.</summary>
public static partial class RepositoryPolicyGrants
{
    /// <summary>Keys that tie a request to the organisation's own network or accounts (controls.md ECR-1).</summary>
    private static readonly string[] NarrowingKeys = ["aws:SourceVpce", "aws:SourceVpc", "aws:PrincipalOrgID", "aws:PrincipalAccount"];

    public static GrantJudgement Judge(Statement statement, IReadOnlySet<string> allowedAccounts)
    {
        var principal = statement.Principal;
        var everyone = statement.NotPrincipal is not null || principal is null || principal.IsEveryone;
        if (everyone)
        {
            var who = statement.NotPrincipal is not null ? $"NotPrincipal {statement.NotPrincipal}" : principal is null ? "no Principal" : $"Principal {principal}";
            var narrowing = Narrowing(statement, allowedAccounts, out var outsider);
            if (outsider is not null)
                return new(statement, GrantVerdict.Exposed, $"grants {Actions(statement)} to {who}, narrowed by aws:PrincipalAccount to {outsider}, which is not an allowed account");
            return narrowing is null
                ? new(statement, GrantVerdict.Exposed, $"grants {Actions(statement)} to everyone ({who}) without a condition on {string.Join(", ", NarrowingKeys)}")
                : new(statement, GrantVerdict.Private, $"grants {Actions(statement)} to {who}, narrowed by {narrowing}");
        }

        var problems = new List<(GrantVerdict Verdict, string Why)>();
        foreach (var value in principal!.Of("AWS"))
        {
            var account = AccountOf(value);
            if (account is null) problems.Add((GrantVerdict.Unclear, $"names AWS principal '{value}', whose account cannot be read from it"));
            else if (!allowedAccounts.Contains(account)) problems.Add((GrantVerdict.Exposed, $"grants {Actions(statement)} to {value}, in account {account}, which is not an allowed account"));
        }

        foreach (var type in new[] { "Federated", "CanonicalUser" })
            foreach (var value in principal.Of(type))
                problems.Add((GrantVerdict.Unclear, $"grants to {type} principal '{value}', which this control does not judge"));

        var worst = problems.FirstOrDefault(p => p.Verdict == GrantVerdict.Exposed);
        if (worst.Why is not null) return new(statement, GrantVerdict.Exposed, string.Join("; ", problems.Where(p => p.Verdict == GrantVerdict.Exposed).Select(p => p.Why)));
        if (problems.Count > 0) return new(statement, GrantVerdict.Unclear, string.Join("; ", problems.Select(p => p.Why)));
        return new(statement, GrantVerdict.Private, $"grants {Actions(statement)} to {principal} only");
    }

    /// <summary>
    /// The first condition that narrows a grant to everyone: a positive string match (not ...IfExists, not
    /// ForAllValues, which hold when the key is absent) on a narrowing key, with concrete values.
    /// </summary>
    private static string? Narrowing(Statement statement, IReadOnlySet<string> allowedAccounts, out string? outsider)
    {
        outsider = null;
        string? found = null;
        foreach (var clause in statement.Conditions)
        {
            var key = NarrowingKeys.FirstOrDefault(k => string.Equals(k, clause.Key, StringComparison.OrdinalIgnoreCase));
            if (key is null) continue;
            var op = clause.Operator;
            if (op.IfExists || op.Qualifier == SetQualifier.ForAllValues) continue;
            if (op.Base is not (BaseOperator.StringEquals or BaseOperator.StringEqualsIgnoreCase or BaseOperator.StringLike)) continue;
            if (clause.Values.Count == 0 || clause.Values.Any(v => v.Trim('*', '?').Length == 0 || Wildcard.HasPolicyVariable(v))) continue;
            if (key == "aws:PrincipalAccount")
            {
                var foreign = clause.Values.FirstOrDefault(v => !allowedAccounts.Any(a => Wildcard.Matches(v, a, ignoreCase: false)) || v.Contains('*') || v.Contains('?'));
                if (foreign is not null)
                {
                    outsider = foreign;
                    return null;
                }
            }

            found ??= $"{clause.OperatorText} {key} = [{string.Join(", ", clause.Values)}]";
        }

        return found;
    }

    private static string Actions(Statement statement) => statement.Action is { } actions
        ? $"[{string.Join(", ", actions)}]"
        : $"every action except [{string.Join(", ", statement.NotAction!)}]";

    /// <summary>"123456789012", "arn:aws:iam::123456789012:root", "arn:aws:sts::123456789012:assumed-role/x/y".</summary>
    private static string? AccountOf(string principal)
    {
        if (AccountId().IsMatch(principal)) return principal;
        var parts = principal.Split(':');
        return parts.Length >= 6 && parts[0] == "arn" && parts[2] is "iam" or "sts" && AccountId().IsMatch(parts[4]) ? parts[4] : null;
    }

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountId();
}
