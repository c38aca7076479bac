using System.Text.Json;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Policies;

/// <summary>Every policy that governs one IAM user or role, parsed, with where each came from.</summary>
/// <param name="Boundary">Null when the principal has no permissions boundary.</param>
public sealed record PrincipalPolicies(
    string Name,
    string Arn,
    string Kind,
    IReadOnlyList<SourcedPolicy> Identity,
    SourcedPolicy? Boundary,
    RequestContext Context)
{
    public IEnumerable<SourcedPolicy> All => Boundary is null ? Identity : Identity.Append(Boundary);
}

/// <summary>Why a principal's policies could not be assembled.</summary>
/// <param name="IsMalformed">True when a document exists but is not valid policy grammar (an error);
/// false when something is missing from the collected data (inconclusive).</param>
public sealed record PolicyProblem(string Message, bool IsMalformed, string? File);

/// <summary>
/// The answer to "from which source addresses can this principal perform this action on this resource",
/// with the statements that decide it.
/// </summary>
/// <param name="Allowed">Bounds on the allowed set; exact when the policies depend on nothing unknown.</param>
/// <param name="Grants">Identity Allow statements that apply.</param>
/// <param name="Denies">Explicit Deny statements that apply (identity or boundary).</param>
/// <param name="BoundaryAllows">The boundary's Allow statements that apply; null when there is no boundary.</param>
public sealed record AccessDecision(
    PrincipalPolicies Principal,
    PolicyRequest Request,
    AddressBounds Allowed,
    IReadOnlyList<StatementOutcome> Grants,
    IReadOnlyList<StatementOutcome> Denies,
    IReadOnlyList<StatementOutcome>? BoundaryAllows)
{
    /// <summary>The unknowns that leave the answer open (empty when exact).</summary>
    public IReadOnlyList<string> DependsOn => Allowed.IsExact ? [] : Allowed.DependsOn;

    /// <summary>The Allow statements that (may) grant the request from <paramref name="address"/>.</summary>
    public IReadOnlyList<StatementOutcome> GrantsFrom(System.Net.IPAddress address) =>
        Grants.Where(g => g.Addresses.Upper.Contains(Cidr.Parse(address.ToString()))).ToList();

    /// <summary>The Allow statements that (may) grant the request when it carries no aws:SourceIp (through a VPC endpoint).</summary>
    public IReadOnlyList<StatementOutcome> GrantsWithoutSourceIp() => Grants.Where(g => g.Addresses.UpperWithoutSourceIp).ToList();

    /// <summary>Why a request from <paramref name="address"/> is refused: the denies that cover it, else the missing allow.</summary>
    public string WhyRefused(System.Net.IPAddress address)
    {
        var cidr = Cidr.Parse(address.ToString());
        var denies = Denies.Where(d => d.Addresses.Lower.Contains(cidr)).Select(d => $"explicitly denied by {d.Describe()}").ToList();
        if (denies.Count > 0) return string.Join("; ", denies);
        if (!Grants.Any(g => g.Addresses.Lower.Contains(cidr))) return "no identity policy statement allows it (implicit deny)";
        return BoundaryAllows is not null && !BoundaryAllows.Any(b => b.Addresses.Lower.Contains(cidr))
            ? $"the permissions boundary {Principal.Boundary!.Source.Arn} does not allow it"
            : "refused";
    }
}

/// <summary>
/// Effective permissions of a user or role from GetAccountAuthorizationDetails, as AWS evaluates identity
/// policies within one account: explicit Deny (in any policy, the boundary included) wins; otherwise the
/// request must be allowed by an identity policy and, when a boundary is set, by the boundary too;
/// otherwise it is implicitly denied. Each part is a set of source addresses, so the answer is a set.
/// </summary>
public static class EffectivePermissions
{
    public static AccessDecision Evaluate(PrincipalPolicies principal, string action, string resource)
    {
        var request = new PolicyRequest(action, resource, principal.Context);
        var grants = new List<StatementOutcome>();
        var denies = new List<StatementOutcome>();
        foreach (var policy in principal.Identity)
            Collect(policy, request, grants, denies);

        var allowed = grants.Aggregate(AddressBounds.Never, (set, g) => set.Or(g.Addresses));
        List<StatementOutcome>? boundaryAllows = null;
        if (principal.Boundary is { } boundary)
        {
            boundaryAllows = [];
            Collect(boundary, request, boundaryAllows, denies);
            allowed = allowed.And(boundaryAllows.Aggregate(AddressBounds.Never, (set, b) => set.Or(b.Addresses)));
        }

        allowed = allowed.Except(denies.Aggregate(AddressBounds.Never, (set, d) => set.Or(d.Addresses)));
        return new AccessDecision(principal, request, allowed, grants, denies, boundaryAllows);
    }

    private static void Collect(SourcedPolicy policy, PolicyRequest request, List<StatementOutcome> allows, List<StatementOutcome> denies)
    {
        foreach (var statement in policy.Document.Statements)
        {
            StatementOutcome? outcome;
            try
            {
                outcome = StatementEvaluator.Evaluate(policy, statement, request);
            }
            catch (PolicyFormatException e)
            {
                throw new PolicyFormatException($"{policy.Source.Label}: {e.Message}");
            }

            if (outcome is null) continue;
            (statement.Effect == Effect.Allow ? allows : denies).Add(outcome);
        }
    }

    /// <summary>
    /// Finds a user (by name or ARN), else a role, and parses every policy that governs it: inline and attached
    /// managed policies, its groups' inline and attached managed policies, and the permissions boundary.
    /// </summary>
    public static (PrincipalPolicies? Policies, PolicyProblem? Problem) Resolve(
        AccountAuthorizationDetails details, string principal, string region, string? file)
    {
        var user = details.UserDetailList?.FirstOrDefault(u => u.UserName == principal || u.Arn == principal);
        var role = user is null ? details.RoleDetailList?.FirstOrDefault(r => r.RoleName == principal || r.Arn == principal) : null;
        if (user is null && role is null)
            return (null, new PolicyProblem(
                $"{principal} is neither a user nor a role in GetAccountAuthorizationDetails ({details.UserDetailList?.Count ?? 0} users, {details.RoleDetailList?.Count ?? 0} roles)",
                false, file));

        var sources = new List<SourcedPolicy>();
        try
        {
            var (name, arn, kind) = user is not null ? (user.UserName, user.Arn, "user") : (role!.RoleName, role.Arn, "role");
            var inline = user is not null ? user.UserPolicyList ?? [] : role!.RolePolicyList;
            foreach (var p in inline)
                sources.Add(Parsed(new PolicySource($"{kind} {name} inline policy '{p.PolicyName}'", null, file), p.PolicyDocument));
            foreach (var attached in user is not null ? user.AttachedManagedPolicies : role!.AttachedManagedPolicies)
            {
                var (policy, problem) = Managed(details, attached.PolicyArn, $"managed policy {attached.PolicyArn} (attached to {kind} {name})", file);
                if (problem is not null) return (null, problem);
                sources.Add(policy!);
            }

            foreach (var groupName in user?.GroupList ?? [])
            {
                var group = details.GroupDetailList?.FirstOrDefault(g => g.GroupName == groupName);
                if (group is null)
                    return (null, new PolicyProblem($"{kind} {name} is in group {groupName}, which GetAccountAuthorizationDetails does not list", false, file));
                foreach (var p in group.GroupPolicyList)
                    sources.Add(Parsed(new PolicySource($"group {groupName} inline policy '{p.PolicyName}'", null, file), p.PolicyDocument));
                foreach (var attached in group.AttachedManagedPolicies)
                {
                    var (policy, problem) = Managed(details, attached.PolicyArn, $"managed policy {attached.PolicyArn} (attached to group {groupName})", file);
                    if (problem is not null) return (null, problem);
                    sources.Add(policy!);
                }
            }

            SourcedPolicy? boundary = null;
            var boundaryArn = user?.PermissionsBoundary?.PermissionsBoundaryArn ?? role?.PermissionsBoundary?.PermissionsBoundaryArn;
            if (boundaryArn is not null)
            {
                var (policy, problem) = Managed(details, boundaryArn, $"permissions boundary {boundaryArn}", file);
                if (problem is not null) return (null, problem);
                boundary = policy;
            }

            return (new PrincipalPolicies(name, arn, kind, sources, boundary, ContextOf(user, role, region)), null);
        }
        catch (PolicyFormatException e)
        {
            return (null, new PolicyProblem(e.Message, true, file));
        }
    }

    private static SourcedPolicy Parsed(PolicySource source, JsonElement document)
    {
        try
        {
            return new SourcedPolicy(source, PolicyParser.Parse(document));
        }
        catch (PolicyFormatException e)
        {
            throw new PolicyFormatException($"{source.Label} is malformed: {e.Message}");
        }
    }

    private static (SourcedPolicy? Policy, PolicyProblem? Problem) Managed(AccountAuthorizationDetails details, string arn, string label, string? file)
    {
        var managed = details.Policies?.FirstOrDefault(p => p.Arn == arn);
        if (managed is null)
            return (null, new PolicyProblem($"{label} is not among the policies GetAccountAuthorizationDetails returned", false, file));
        var version = managed.PolicyVersionList?.FirstOrDefault(v => v.IsDefaultVersion == true)
                      ?? managed.PolicyVersionList?.FirstOrDefault(v => v.VersionId is not null && v.VersionId == managed.DefaultVersionId);
        if (version is null)
            return (null, new PolicyProblem($"{label}: its default version's document is not in GetAccountAuthorizationDetails", false, file));
        return (Parsed(new PolicySource($"{label}, version {version.VersionId ?? managed.DefaultVersionId ?? "?"}", arn, file), version.Document), null);
    }

    /// <summary>
    /// The request keys whose values follow from who is asking. Only these are decided; every other key
    /// (aws:MultiFactorAuthPresent, aws:SourceVpce, aws:SecureTransport, ...) stays unknown.
    /// </summary>
    private static RequestContext ContextOf(UserDetail? user, RoleDetail? role, string region)
    {
        var arn = user?.Arn ?? role!.Arn;
        var account = arn.Split(':') is { Length: >= 5 } parts ? parts[4] : "";
        var known = new Dictionary<string, IReadOnlyList<string>>
        {
            ["aws:PrincipalArn"] = [arn],
            ["aws:PrincipalAccount"] = [account],
            ["aws:PrincipalIsAWSService"] = ["false"],
            ["aws:ViaAWSService"] = ["false"],
            ["aws:RequestedRegion"] = [region],
        };
        if (user is not null)
        {
            known["aws:username"] = [user.UserName];
            known["aws:PrincipalType"] = ["User"];
            if (user.UserId is not null) known["aws:userid"] = [user.UserId];
        }
        else
        {
            known["aws:PrincipalType"] = ["AssumedRole"];
        }

        foreach (var tag in user?.Tags ?? role?.Tags ?? [])
            known[$"aws:PrincipalTag/{tag.Key}"] = [tag.Value ?? ""];
        return RequestContext.Create(known, []);
    }
}
