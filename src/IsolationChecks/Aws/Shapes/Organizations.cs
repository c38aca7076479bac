// `aws organizations list-organizational-units-for-parent`, `list-accounts-for-parent`, `list-tags-for-resource` shapes
// (PascalCase on the wire). Read to know which accounts an organisation target covers, and their class.
namespace IsolationChecks.Aws.Shapes;

public sealed record OrganizationalUnitListing(IReadOnlyList<OrganizationalUnit> OrganizationalUnits);

public sealed record OrganizationalUnit(
    string Id,
    [AbsentMeans("the unit's name is not reported (it is shown by id)")] string? Name = null);

public sealed record AccountListing(IReadOnlyList<OrganizationAccount> Accounts);

/// <summary>
/// A member account. AWS Organizations reports its lifecycle in <c>State</c> (ACTIVE, SUSPENDED, PENDING_CLOSURE, ...)
/// and, until it is retired, in the older <c>Status</c>; at least one of them must be there.
/// </summary>
public sealed record OrganizationAccount(
    string Id,
    [AbsentMeans("the account's name is not reported (it is shown by id)")] string? Name = null,
    [AbsentMeans("the lifecycle is read from State (Status is the older member AWS is retiring)")] string? Status = null,
    [AbsentMeans("the lifecycle is read from Status (State is the newer member)")] string? State = null) : IValidatedShape
{
    /// <summary>The account's lifecycle state: State, else Status.</summary>
    public string Lifecycle => State ?? Status ?? "";

    public bool IsActive => string.Equals(Lifecycle, "ACTIVE", StringComparison.Ordinal);

    public string? Problem() => State is null && Status is null ? "neither State nor Status: the account's lifecycle is unknown" : null;
}

public sealed record TagListing(IReadOnlyList<Tag> Tags);
