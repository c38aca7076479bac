using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Posture;

namespace IsolationChecks.Snapshots;

/// <summary>An account the organisation's targets list but the posture does not judge, and why (its state, or an exclusion).</summary>
public sealed record ExcludedAccount(string AccountId, string? Name, string Reason, string Source);

/// <summary>A target whose accounts could not all be listed: the gap says which listing is missing.</summary>
public sealed record IncompleteTarget(int Index, OrganizationTarget Target, DataGap Gap);

/// <summary>A member whose class the evidence could not name: its tags were not read.</summary>
public sealed record UnclassifiedMember(ClassMember Member, DataGap Gap);

/// <summary>What the snapshot's discovery says the organisation's targets cover.</summary>
/// <param name="Members">Every (active account, region) of the targets, in order of account then region.</param>
/// <param name="UnmatchedExclusions">Exclusions (by index) naming an account none of the targets lists.</param>
public sealed record OrganizationListing(
    IReadOnlyList<ClassMember> Members,
    IReadOnlyList<ExcludedAccount> Excluded,
    IReadOnlyList<IncompleteTarget> Incomplete,
    IReadOnlyList<UnclassifiedMember> Unclassified,
    IReadOnlyList<(AccountExclusion Exclusion, int Index)> UnmatchedExclusions);

/// <summary>
/// Resolves the posture's organisation targets against the discovery in a snapshot (organization/): the units under each
/// target (when nested ones count), the accounts of each unit, their state and, where a target does not name the class,
/// the class tag. Pure: the same snapshot and posture always give the same members, which is what makes a shard plan
/// reproducible and the evaluation of a merged snapshot equal to an unsharded one. A listing that is missing is never
/// read as "no accounts": its target is incomplete, and ORG-1 says so.
/// </summary>
public static class OrganizationTargets
{
    public static OrganizationListing Resolve(PostureDocument posture, Snapshot snapshot)
    {
        var organization = posture.Organization ?? throw new ArgumentException("the posture has no organization section", nameof(posture));
        var discovery = snapshot.Organization;
        var incomplete = new List<IncompleteTarget>();
        var excluded = new List<ExcludedAccount>();
        var unclassified = new List<UnclassifiedMember>();
        var covered = new Dictionary<string, (OrganizationAccount Account, OrganizationTarget Target)>(StringComparer.Ordinal);
        for (var index = 0; index < organization.Targets.Count; index++)
        {
            var target = organization.Targets[index];
            if (discovery is null)
            {
                incomplete.Add(new IncompleteTarget(index, target, DataGap.NotCollected(AwsServices.Organizations.IamPrefix, AwsCalls.ListAccountsForParent.Operation,
                    $"{Collection.SnapshotLayout.OrganizationFolder}/{AwsCalls.ListAccountsForParent.FileFor(target.Parent)}",
                    "Collect the organisation's discovery with the snapshot (a live run, or `isolationchecks snapshot plan`) with the organisation reader's credentials.")));
                continue;
            }

            foreach (var account in AccountsOf(discovery, target, gap => incomplete.Add(new IncompleteTarget(index, target, gap))))
                covered.TryAdd(account.Id, (account, target));
        }

        var exclusions = organization.Exclude ?? [];
        var members = new List<ClassMember>();
        // The names the posture itself gives (an expanded posture's members are not among them).
        var named = posture.Accounts.Keys.Except(posture.Members.Select(m => m.Scope.Name), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var duplicateNames = covered.Values.GroupBy(c => c.Account.Name ?? "").Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (account, target) in covered.Values.OrderBy(c => c.Account.Id, StringComparer.Ordinal))
        {
            var source = $"{Collection.SnapshotLayout.OrganizationFolder}/{AwsCalls.ListAccountsForParent.File}";
            if (!account.IsActive)
            {
                excluded.Add(new ExcludedAccount(account.Id, account.Name, $"its state in AWS Organizations is {account.Lifecycle}: only active accounts are judged", source));
                continue;
            }

            if (exclusions.FirstOrDefault(e => e.AccountId == account.Id) is { } exclusion)
            {
                excluded.Add(new ExcludedAccount(account.Id, account.Name, exclusion.Reason, "posture organization.exclude"));
                continue;
            }

            var (className, classGap) = ClassOf(discovery!, organization, target, account.Id);
            foreach (var region in target.Regions)
            {
                var label = account.Name is { Length: > 0 } name && !duplicateNames.Contains(name) ? name : account.Id;
                var scopeName = named.Contains($"{label}/{region}") ? $"{account.Id}/{region}" : $"{label}/{region}";
                var member = new ClassMember(new AuditScope(scopeName, account.Id, region, RoleArn: target.RoleArnIn(account.Id, region)), className);
                members.Add(member);
                if (classGap is not null)
                    unclassified.Add(new UnclassifiedMember(member, classGap));
            }
        }

        var unmatched = exclusions.Select((e, i) => (e, i)).Where(e => !covered.ContainsKey(e.e.AccountId)).ToList();
        return new OrganizationListing(members, excluded, incomplete, unclassified, unmatched);
    }

    /// <summary>The posture with the organisation's members as accounts, judged by their classes; unchanged without an organization section.</summary>
    public static PostureDocument Expand(PostureDocument posture, Snapshot snapshot) =>
        posture.Organization is null || posture.Members.Count > 0 ? posture : posture.WithMembers(Resolve(posture, snapshot).Members);

    /// <summary>The accounts directly in the target's unit and, when nested units count, in every unit under it.</summary>
    private static List<OrganizationAccount> AccountsOf(ScopeSnapshot discovery, OrganizationTarget target, Action<DataGap> incomplete)
    {
        var accounts = new List<OrganizationAccount>();
        var units = new List<string> { target.Parent };
        var seen = new HashSet<string>(StringComparer.Ordinal) { target.Parent };
        for (var i = 0; i < units.Count; i++)
        {
            if (discovery.Read<AccountListing>(AwsCalls.ListAccountsForParent, units[i]).TryGet(out var listing, out var gap))
                accounts.AddRange(listing.Accounts);
            else
                incomplete(gap);
            if (!target.IncludeNested)
                continue;
            if (discovery.Read<OrganizationalUnitListing>(AwsCalls.ListOrganizationalUnitsForParent, units[i]).TryGet(out var children, out var unitGap))
                units.AddRange(children.OrganizationalUnits.Select(u => u.Id).Where(seen.Add));
            else
                incomplete(unitGap);
        }

        return accounts;
    }

    private static (string? Class, DataGap? Gap) ClassOf(ScopeSnapshot discovery, OrganizationPosture organization, OrganizationTarget target, string accountId)
    {
        if (target.Class is not null || organization.ClassTag is null)
            return (target.Class, null);
        if (!discovery.Read<TagListing>(AwsCalls.ListTagsForResource, accountId).TryGet(out var tags, out var gap))
            return (null, gap);
        return (tags.Tags.FirstOrDefault(t => t.Key == organization.ClassTag)?.Value, null);
    }
}
