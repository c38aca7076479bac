using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.Catalog;

/// <summary>How one posture section selects resources from its account's listing.</summary>
/// <param name="Section">The posture section, e.g. "build".</param>
/// <param name="Member">The section's member listing names, e.g. "projects".</param>
/// <param name="Kind">What a resource is, for messages, e.g. "CodeBuild project".</param>
/// <param name="Account">The posture account name; null when the section is absent.</param>
/// <param name="Declared">Declared names, or ["*"] for every resource of the account.</param>
/// <param name="ListingFile">The layout file of the listing, for evidence.</param>
/// <param name="IdOf">The resource id (ARN) of an item, or of a declared name in (account, region) when the item is unknown.</param>
public sealed record DeclaredScope<TItem>(
    string Section,
    string Member,
    string Kind,
    string? Account,
    IReadOnlyList<string> Declared,
    Func<ScopeSnapshot, Collected<IReadOnlyList<TItem>>> Listing,
    string ListingFile,
    Func<TItem, string> NameOf,
    Func<TItem?, string, string, string, string> IdOf)
    where TItem : class;

/// <summary>
/// Resolves a posture section to the resources it declares, turning every reason a resource cannot be
/// judged (no section, account or listing not collected, declared resource absent) into an inconclusive
/// finding, so a control always says something about every declared resource; an account with none under
/// "*" gets an explicit pass resting on the empty complete listing.
/// </summary>
public static class DeclaredResources
{
    public static IEnumerable<Finding> Evaluate<TItem>(
        EvaluationContext context, FindingFactory verdict, DeclaredScope<TItem> spec, Func<ResourceRef, TItem, ScopeSnapshot, IEnumerable<Finding>> check)
        where TItem : class
    {
        if (spec.Account is null)
        {
            yield return verdict.NoScope(spec.Section, spec.Kind, $"{spec.Section}.{spec.Member} (\"*\" for all)");
            yield break;
        }

        var target = context.Posture.Account(spec.Account);
        var placeholder = (string name, string account, string region) => new ResourceRef(spec.IdOf(null, name, account, region), name, account, region);
        if (!context.ScopeOf(spec.Account).TryGet(out var scope, out var gap) || !spec.Listing(scope).TryGet(out var items, out gap))
        {
            foreach (var name in spec.Declared)
                yield return verdict.Unavailable(placeholder(name, scope?.AccountId ?? target.AccountId, scope?.Region ?? target.Region), gap);
            yield break;
        }

        var listingFile = scope.PathOf(spec.ListingFile);
        var listed = $"{items.Count} listed: {string.Join(", ", items.Select(spec.NameOf))}";
        if (spec.Declared.Contains("*"))
        {
            if (items.Count == 0)
                yield return verdict.Pass(new ResourceRef(spec.IdOf(null, "*", scope.AccountId, scope.Region), $"(no {spec.Member})", scope.AccountId, scope.Region),
                    $"account {scope.AccountId} has no {spec.Kind} in {scope.Region}: nothing to judge",
                    new EvidenceFact(spec.Kind, "the complete listing is empty", listingFile));
            foreach (var item in items)
                foreach (var finding in check(new ResourceRef(spec.IdOf(item, spec.NameOf(item), scope.AccountId, scope.Region), spec.NameOf(item), scope.AccountId, scope.Region), item, scope))
                    yield return finding;
            yield break;
        }

        foreach (var name in spec.Declared)
        {
            var item = items.FirstOrDefault(i => spec.NameOf(i) == name);
            var resource = new ResourceRef(spec.IdOf(item, name, scope.AccountId, scope.Region), name, scope.AccountId, scope.Region);
            if (item is null)
            {
                yield return verdict.Inconclusive(resource,
                    $"cannot verify {name}: the posture declares it, but the account's complete {spec.Kind} listing does not contain it",
                    EvidenceRemedies.NotListed($"{spec.Section}.{spec.Member}", spec.Kind, scope.AccountId, scope.Region),
                    new EvidenceFact(spec.Kind, listed, listingFile));
                continue;
            }

            foreach (var finding in check(resource, item, scope))
                yield return finding;
        }
    }
}
