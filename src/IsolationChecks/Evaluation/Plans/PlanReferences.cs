using System.Text.RegularExpressions;

namespace IsolationChecks.Evaluation.Plans;

/// <summary>A configuration reference resolved to a planned resource instance: its address and the attribute path after it ("id").</summary>
internal sealed record PlanReference(string Address, string Attribute);

/// <summary>
/// Which planned resource instance a configuration reference names. The configuration holds each resource and module call once,
/// whatever count or for_each make of them, so a reference is resolved against the plan's instance addresses: inside a module
/// instance (module.net[0]) a reference is to that instance's resources; a static index (aws_subnet.build[0].id) names its
/// instance; a resource with a single instance is that instance. Anything else (a dynamic index over several instances, a
/// module output) is not resolved, and a value taken from it stays unknown.
/// </summary>
internal sealed partial class PlanReferences(IEnumerable<PlannedChange> changes)
{
    private readonly HashSet<string> _addresses = changes.Select(c => c.Address).ToHashSet(StringComparer.Ordinal);

    public PlanReference? Resolve(PlannedChange from, string reference)
    {
        var configured = InstanceKey().Replace(from.Module, "");
        if (from.Module.Length > 0 && reference.StartsWith(configured + ".", StringComparison.Ordinal))
            reference = from.Module + reference[configured.Length..];
        var segments = Segments().Matches(reference).Select(m => m.Value).ToList();
        for (var length = segments.Count; length >= 2; length--)
        {
            var candidate = string.Join(".", segments.Take(length));
            var rest = string.Join(".", segments.Skip(length));
            if (_addresses.Contains(candidate))
                return new PlanReference(candidate, rest);
            var instances = _addresses.Where(a => a.StartsWith(candidate + "[", StringComparison.Ordinal) && Segments().Matches(a).Count == length).Take(2).ToList();
            if (instances.Count > 0)
                return instances.Count == 1 ? new PlanReference(instances[0], rest) : null;
        }

        return null;
    }

    /// <summary>The planned resources a change's configuration references (in any attribute).</summary>
    public IEnumerable<string> DependenciesOf(PlannedChange change) =>
        (change.References?.Values.SelectMany(r => r) ?? []).Select(r => Resolve(change, r)?.Address).OfType<string>()
            .Where(a => a != change.Address).Distinct(StringComparer.Ordinal);

    /// <summary>The changes in an order where each comes after the planned resources it references (plan order otherwise).</summary>
    public IReadOnlyList<PlannedChange> InDependencyOrder(IReadOnlyList<PlannedChange> changes)
    {
        var byAddress = changes.GroupBy(c => c.Address, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var ordered = new List<PlannedChange>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        void Visit(PlannedChange change)
        {
            if (!visited.Add(change.Address))
                return; // done, or a cycle Terraform itself would refuse: plan order decides
            foreach (var dependency in DependenciesOf(change))
                if (byAddress.TryGetValue(dependency, out var other))
                    Visit(other);
            ordered.Add(change);
        }

        foreach (var change in changes)
            Visit(change);
        return ordered;
    }

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex InstanceKey();

    /// <summary>The dot-separated segments of an address, an index ([0], ["a.b"]) staying with its segment.</summary>
    [GeneratedRegex(@"[^.\[]+(\[(""[^""]*""|[^\]]*)\])*")]
    private static partial Regex Segments();
}
