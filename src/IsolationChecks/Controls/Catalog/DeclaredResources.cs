using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.Catalog;

/// <summary>How one posture section selects resources from its account's listing.</summary>
/// <param name="Section">The posture section, e.g. "build".</param>
/// <param name="Member">The section's member naming resources that must exist, e.g. "projects".</param>
/// <param name="Kind">What a resource is, for messages, e.g. "CodeBuild project".</param>
/// <param name="Account">The posture account name; null when the section is absent.</param>
/// <param name="Declared">Names that must exist; "*" names none.</param>
/// <param name="Exclude">Resources left out of judgement, each with its reason.</param>
/// <param name="ListingFile">The layout file of the listing, for evidence.</param>
/// <param name="IdOf">The resource id (ARN) of an item, or of a declared name in (account, region) when the item is unknown.</param>
public sealed record DeclaredScope<TItem>(
    string Section,
    string Member,
    string Kind,
    string? Account,
    IReadOnlyList<string> Declared,
    IReadOnlyList<ResourceExclusion> Exclude,
    Func<ScopeSnapshot, Collected<IReadOnlyList<TItem>>> Listing,
    string ListingFile,
    Func<TItem, string> NameOf,
    Func<TItem?, string, string, string, string> IdOf)
    where TItem : class
{
    /// <summary>Whether a listed item answers to a name the posture uses; by default its <see cref="NameOf"/>.</summary>
    public Func<TItem, string, bool>? Matches { get; init; }

    /// <summary>Whether an unnamed listed item is of the kind the controls judge (every item, by default).</summary>
    public Func<TItem, bool>? OfKind { get; init; }

    public bool Answers(TItem item, string name) => Matches?.Invoke(item, name) ?? NameOf(item) == name;

    public ResourceRef Resource(TItem? item, string name, ScopeSnapshot scope) =>
        new(IdOf(item, name, scope.AccountId, scope.Region), item is null ? name : NameOf(item), scope.AccountId, scope.Region);
}

/// <summary>
/// Resolves a posture section to the resources its controls judge. Scope fails closed: every resource of the kind in
/// the section's account and region is judged unless the posture excludes it by name with a reason; a name the
/// section says must exist and that does not is a fail; an exclusion that matches nothing, a listing that cannot be
/// read and a scope with nothing to judge are inconclusive. "Nothing to judge" is never a pass.
/// </summary>
public static class DeclaredResources
{
    public static IEnumerable<Finding> Evaluate<TItem>(
        EvaluationContext context, FindingFactory verdict, DeclaredScope<TItem> spec, Func<ResourceRef, TItem, ScopeSnapshot, IEnumerable<Finding>> check)
        where TItem : class
    {
        if (spec.Account is null)
        {
            yield return verdict.NoScope(spec.Section, spec.Kind, $"{spec.Section}.{spec.Member} (\"*\" for no specific names)");
            yield break;
        }

        if (!TryResolve(context, spec, out var resolved, out var gap))
        {
            var target = context.Posture.Account(spec.Account);
            foreach (var name in spec.Declared.Where(n => n != "*").Prepend("*"))
                yield return verdict.Unavailable(new ResourceRef(spec.IdOf(null, name, target.AccountId, target.Region),
                    name == "*" ? $"(every {spec.Kind})" : name, target.AccountId, target.Region), gap);
            yield break;
        }

        var scope = resolved.Scope;
        var where = $"account {scope.AccountId} ({spec.Account}) in {scope.Region}";
        foreach (var (exclusion, index) in resolved.Unmatched)
            yield return verdict.Inconclusive(
                new ResourceRef($"posture:{spec.Section}.exclude[{index}]", $"{exclusion.Name} (excluded)", scope.AccountId, scope.Region),
                $"the posture excludes {spec.Kind} {exclusion.Name} from judgement ({exclusion.Reason}), but the complete listing of {where} " +
                $"does not contain it, so the exclusion matches nothing",
                $"Correct the name in {spec.Section}.exclude[{index}], or remove the exclusion if {exclusion.Name} is gone; then run again.",
                resolved.ListingFact);

        foreach (var name in resolved.MissingNamed)
            yield return verdict.Fail(spec.Resource(null, name, scope),
                $"{spec.Kind} {name} does not exist: the posture says it must ({spec.Section}.{spec.Member}), but the complete listing of {where} does not contain it",
                [resolved.ListingFact],
                $"Create {spec.Kind} {name} in {where}, or remove it from {spec.Section}.{spec.Member} if it is gone on purpose " +
                $"(if it lives in another region or account, correct accounts.{spec.Account}).");

        foreach (var (resource, item) in resolved.Judged)
            foreach (var finding in check(resource, item, scope))
                yield return finding;

        if (resolved.Judged.Count == 0)
            yield return verdict.Inconclusive(
                new ResourceRef(spec.IdOf(null, "*", scope.AccountId, scope.Region), $"(no {spec.Kind} judged)", scope.AccountId, scope.Region),
                $"nothing to judge in {where}: {resolved.ListingFact.Fact}{(resolved.Excluded.Count > 0 ? $", {resolved.Excluded.Count} excluded by the posture" : "")}. " +
                "Nothing to judge is not a pass",
                $"If the {spec.Kind}s live in another region or account, correct accounts.{spec.Account}; " +
                "if there are none on purpose, exclude this control under excludedControls with the reason. Then run again.",
                resolved.ListingFact);
    }

    /// <summary>The resources a section leaves out of judgement, as the reports list them (only exclusions that matched something).</summary>
    public static IEnumerable<JudgementExclusion> Excluded<TItem>(EvaluationContext context, DeclaredScope<TItem> spec) where TItem : class
    {
        if (spec.Account is null || !TryResolve(context, spec, out var resolved, out _))
            return [];
        return resolved.Excluded.Select(e => new JudgementExclusion(spec.Kind, e.Resource.Id, e.Resource.Name, e.Resource.Account, e.Resource.Region,
            e.Exclusion.Reason, $"$.{spec.Section}.exclude[{e.Index}]"));
    }

    private static bool TryResolve<TItem>(
        EvaluationContext context, DeclaredScope<TItem> spec,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Resolution<TItem>? resolution,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out DataGap? gap)
        where TItem : class
    {
        resolution = null;
        if (!context.ScopeOf(spec.Account!).TryGet(out var scope, out gap) || !spec.Listing(scope).TryGet(out var items, out gap))
            return false;

        var listing = new EvidenceFact(spec.Kind, $"{items.Count} listed: {ListText.Joined(items.Select(spec.NameOf), "none")}", scope.PathOf(spec.ListingFile));
        var exclusions = spec.Exclude.Select((exclusion, index) => (Exclusion: exclusion, Index: index)).ToList();
        var excluded = new List<(ResourceRef, ResourceExclusion, int)>();
        var judged = new List<(ResourceRef, TItem)>();
        foreach (var item in items)
        {
            var resource = spec.Resource(item, spec.NameOf(item), scope);
            var exclusion = exclusions.FirstOrDefault(e => spec.Answers(item, e.Exclusion.Name));
            if (exclusion.Exclusion is not null)
                excluded.Add((resource, exclusion.Exclusion, exclusion.Index));
            else if ((spec.OfKind?.Invoke(item) ?? true) || spec.Declared.Any(name => spec.Answers(item, name)))
                judged.Add((resource, item));
        }

        // Which names some item answers to: by name when the scope matches names exactly (a posture may declare every one of
        // hundreds of projects: one lookup each, not a scan of the listing each).
        var names = spec.Matches is null ? items.Select(spec.NameOf).ToHashSet(StringComparer.Ordinal) : null;
        bool Listed(string name) => names?.Contains(name) ?? items.Any(i => spec.Answers(i, name));
        resolution = new Resolution<TItem>(
            scope,
            judged,
            excluded,
            exclusions.Where(e => !Listed(e.Exclusion.Name)).ToList(),
            spec.Declared.Where(name => name != "*" && !Listed(name)).Distinct(StringComparer.Ordinal).ToList(),
            listing);
        return true;
    }

    private sealed record Resolution<TItem>(
        ScopeSnapshot Scope,
        IReadOnlyList<(ResourceRef Resource, TItem Item)> Judged,
        IReadOnlyList<(ResourceRef Resource, ResourceExclusion Exclusion, int Index)> Excluded,
        IReadOnlyList<(ResourceExclusion Exclusion, int Index)> Unmatched,
        IReadOnlyList<string> MissingNamed,
        EvidenceFact ListingFact);
}
