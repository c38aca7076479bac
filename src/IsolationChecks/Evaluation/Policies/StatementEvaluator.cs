namespace IsolationChecks.Evaluation.Policies;

/// <summary>Where a policy document came from, as messages name it.</summary>
/// <param name="Label">e.g. "user isolated-pull inline policy 'pull-only'", "managed policy arn:aws:iam::...:policy/x".</param>
/// <param name="File">The snapshot file (or API call) it was read from.</param>
public sealed record PolicySource(string Label, string? Arn = null, string? File = null)
{
    public override string ToString() => Label;
}

public sealed record SourcedPolicy(PolicySource Source, PolicyDocument Document);

/// <summary>An action on a resource, asked of identity-based policies.</summary>
public sealed record PolicyRequest(string Action, string Resource, RequestContext Context);

/// <summary>A statement that applies to the request, and the source addresses for which its conditions hold.</summary>
public sealed record StatementOutcome(PolicySource Policy, Statement Statement, AddressBounds Addresses)
{
    /// <summary>"user isolated-pull inline policy 'pull' Sid 'AllowPull'".</summary>
    public string Describe() => $"{Policy.Label} {Statement.Name}";
}

/// <summary>Matches one identity-policy statement against a request.</summary>
public static class StatementEvaluator
{
    /// <summary>Null when the statement does not apply to the action or resource; otherwise where it applies from.</summary>
    public static StatementOutcome? Evaluate(SourcedPolicy policy, Statement statement, PolicyRequest request)
    {
        if (!ActionApplies(statement, request.Action)) return null;
        var resource = ResourceApplies(policy, statement, request.Resource);
        if (resource == false) return null;
        var addresses = ConditionEvaluator.Evaluate(statement.Conditions, request.Context);
        if (resource is null)
            addresses = addresses with { Lower = Addressing.CidrSet.Empty, LowerWithoutSourceIp = false, DependsOn = [.. addresses.DependsOn, "a policy variable in the statement's Resource"] };
        return new StatementOutcome(policy.Source, statement, addresses);
    }

    public static bool ActionApplies(Statement statement, string action) => statement.Action is { } actions
        ? actions.Any(p => ActionMatches(p, action))
        : !statement.NotAction!.Any(p => ActionMatches(p, action));

    /// <summary>Action names are case-insensitive; "*" alone covers every service.</summary>
    public static bool ActionMatches(string pattern, string action) => Wildcard.Matches(pattern, action, ignoreCase: true);

    /// <summary>True/false, or null when a policy variable makes the answer depend on the request.</summary>
    private static bool? ResourceApplies(SourcedPolicy policy, Statement statement, string resource)
    {
        var patterns = statement.Resource ?? statement.NotResource
            ?? throw new PolicyFormatException($"{policy.Source.Label} {statement.Name} has neither Resource nor NotResource, which an identity policy requires");
        bool? any = false;
        foreach (var pattern in patterns)
        {
            if (Wildcard.HasPolicyVariable(pattern)) any = any == true ? true : null;
            else if (Wildcard.Matches(pattern, resource, ignoreCase: false)) any = true;
        }

        return statement.Resource is not null ? any : any is null ? null : !any.Value;
    }
}
