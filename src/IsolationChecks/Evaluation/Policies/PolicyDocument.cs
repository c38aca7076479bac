namespace IsolationChecks.Evaluation.Policies;

public enum Effect
{
    Allow,
    Deny,
}

/// <summary>A parsed IAM policy document (identity or resource policy).</summary>
public sealed record PolicyDocument(string? Version, IReadOnlyList<Statement> Statements);

/// <summary>
/// One statement. Exactly one of Action/NotAction is set. Resource and NotResource are both null in a
/// resource policy that omits them (the resource is the one the policy is attached to).
/// </summary>
/// <param name="Index">Position in the document (0-based), to name a statement without a Sid.</param>
public sealed record Statement(
    int Index,
    string? Sid,
    Effect Effect,
    IReadOnlyList<string>? Action,
    IReadOnlyList<string>? NotAction,
    IReadOnlyList<string>? Resource,
    IReadOnlyList<string>? NotResource,
    PrincipalSpec? Principal,
    PrincipalSpec? NotPrincipal,
    IReadOnlyList<ConditionClause> Conditions)
{
    /// <summary>"Sid 'AllowPull'" or "statement #2 (no Sid)", as messages name it.</summary>
    public string Name => Sid is { Length: > 0 } ? $"Sid '{Sid}'" : $"statement #{Index + 1} (no Sid)";
}

/// <summary>Principal or NotPrincipal: either the bare "*" or a map of type (AWS, Service, Federated, CanonicalUser) to values.</summary>
public sealed record PrincipalSpec(bool IsWildcard, IReadOnlyDictionary<string, IReadOnlyList<string>> ByType)
{
    /// <summary>"*" or {"AWS":"*"}: every principal, in every account.</summary>
    public bool IsEveryone => IsWildcard || (ByType.TryGetValue("AWS", out var aws) && aws.Contains("*"));

    public IReadOnlyList<string> Of(string type) => ByType.TryGetValue(type, out var values) ? values : [];

    public override string ToString() => IsWildcard
        ? "\"*\""
        : "{" + string.Join(", ", ByType.Select(kv => $"{kv.Key}: [{string.Join(", ", kv.Value)}]")) + "}";
}

/// <summary>One operator/key/values triple of a Condition block, with the operator split into its parts.</summary>
/// <param name="OperatorText">As written, e.g. "ForAnyValue:StringLikeIfExists".</param>
/// <param name="Key">As written; compare case-insensitively.</param>
public sealed record ConditionClause(string OperatorText, ConditionOperator Operator, string Key, IReadOnlyList<string> Values)
{
    public override string ToString() => $"{OperatorText} {Key} [{string.Join(", ", Values)}]";
}

public enum SetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}

/// <summary>The parts of a condition operator. <see cref="Base"/> is null for an operator the evaluator does not know.</summary>
public sealed record ConditionOperator(SetQualifier Qualifier, BaseOperator? Base, bool IfExists)
{
    public static ConditionOperator Parse(string text)
    {
        var qualifier = SetQualifier.None;
        var rest = text;
        if (rest.StartsWith("ForAnyValue:", StringComparison.OrdinalIgnoreCase))
        {
            qualifier = SetQualifier.ForAnyValue;
            rest = rest["ForAnyValue:".Length..];
        }
        else if (rest.StartsWith("ForAllValues:", StringComparison.OrdinalIgnoreCase))
        {
            qualifier = SetQualifier.ForAllValues;
            rest = rest["ForAllValues:".Length..];
        }

        var ifExists = rest.EndsWith("IfExists", StringComparison.OrdinalIgnoreCase) && rest.Length > "IfExists".Length;
        if (ifExists) rest = rest[..^"IfExists".Length];
        BaseOperator? op = null;
        foreach (var candidate in Enum.GetValues<BaseOperator>())
            if (string.Equals(candidate.ToString(), rest, StringComparison.OrdinalIgnoreCase)) op = candidate;
        return new ConditionOperator(qualifier, op, ifExists);
    }
}

/// <summary>The condition operators of the IAM JSON policy reference.</summary>
public enum BaseOperator
{
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// <summary>A policy document that cannot be read as IAM policy grammar. Verdicts that need it are errors naming the policy.</summary>
public sealed class PolicyFormatException(string message) : Exception(message);
