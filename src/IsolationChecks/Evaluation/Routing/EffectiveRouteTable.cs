using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Routing;

/// <summary>The route table that governs a subnet, and why: an explicit association, else the VPC's main table.</summary>
public sealed record EffectiveRouteTable(RouteTable Table, bool ViaMainTable)
{
    public string HowAssociated => ViaMainTable
        ? $"main route table of {Table.VpcId} (the subnet has no explicit association)"
        : "explicit association";

    /// <summary>Null when neither an explicit association nor a main table exists in the data.</summary>
    public static EffectiveRouteTable? For(Subnet subnet, IReadOnlyList<RouteTable> routeTables) => new EffectiveRouteTables([subnet], routeTables).For(subnet);
}

/// <summary>
/// The subnets and route tables of one scope's listings, indexed once: a control judging many subnets looks each up instead
/// of scanning every subnet and route table for each (at 100 build VPCs, 100 times the work per subnet).
/// </summary>
public sealed class EffectiveRouteTables
{
    private readonly Dictionary<string, Subnet> _subnets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteTable> _explicit = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteTable> _main = new(StringComparer.Ordinal);

    public EffectiveRouteTables(IReadOnlyList<Subnet> subnets, IReadOnlyList<RouteTable> routeTables)
    {
        foreach (var subnet in subnets)
            _subnets.TryAdd(subnet.SubnetId, subnet);
        // The first table of the listing that holds an association wins, for a subnet and for a VPC's main table alike.
        foreach (var table in routeTables)
        foreach (var association in table.Associations.Where(a => a.AssociationState?.State is null or "associated"))
        {
            if (association.SubnetId is { } subnetId)
                _explicit.TryAdd(subnetId, table);
            if (association.Main == true)
                _main.TryAdd(table.VpcId, table);
        }
    }

    /// <summary>The subnet of the listing with this id (the first, if listed twice).</summary>
    public Subnet? Subnet(string subnetId) => _subnets.GetValueOrDefault(subnetId);

    /// <summary>Null when neither an explicit association nor a main table exists in the data.</summary>
    public EffectiveRouteTable? For(Subnet subnet) =>
        _explicit.TryGetValue(subnet.SubnetId, out var own) ? new EffectiveRouteTable(own, ViaMainTable: false)
        : _main.TryGetValue(subnet.VpcId, out var main) ? new EffectiveRouteTable(main, ViaMainTable: true)
        : null;

    /// <summary>An index that is built again only when handed other listings (another scope): for one control's pass.</summary>
    public static Func<IReadOnlyList<Subnet>, IReadOnlyList<RouteTable>, EffectiveRouteTables> Reused()
    {
        (IReadOnlyList<Subnet> Subnets, IReadOnlyList<RouteTable> Tables, EffectiveRouteTables Index)? last = null;
        return (subnets, tables) =>
        {
            if (last is not { } known || !ReferenceEquals(known.Subnets, subnets) || !ReferenceEquals(known.Tables, tables))
                last = known = (subnets, tables, new EffectiveRouteTables(subnets, tables));
            return known.Index;
        };
    }
}
