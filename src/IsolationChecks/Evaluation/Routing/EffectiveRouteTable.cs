using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Routing;

/// <summary>The route table that governs a subnet, and why: an explicit association, else the VPC's main table.</summary>
public sealed record EffectiveRouteTable(RouteTable Table, bool ViaMainTable)
{
    public string HowAssociated => ViaMainTable
        ? $"main route table of {Table.VpcId} (the subnet has no explicit association)"
        : "explicit association";

    /// <summary>Null when neither an explicit association nor a main table exists in the data.</summary>
    public static EffectiveRouteTable? For(Subnet subnet, IReadOnlyList<RouteTable> routeTables)
    {
        var isAssociated = (RouteTableAssociation a) => a.AssociationState?.State is null or "associated";
        var explicitTable = routeTables.FirstOrDefault(t =>
            t.Associations.Any(a => a.SubnetId == subnet.SubnetId && isAssociated(a)));
        if (explicitTable is not null) return new EffectiveRouteTable(explicitTable, ViaMainTable: false);

        var main = routeTables.FirstOrDefault(t =>
            t.VpcId == subnet.VpcId && t.Associations.Any(a => a.Main == true && isAssociated(a)));
        return main is null ? null : new EffectiveRouteTable(main, ViaMainTable: true);
    }
}
