using IsolationChecks.Snapshots;

namespace IsolationChecks.Evaluation.Network;

/// <summary>The EC2 inventories a path question cannot be answered without.</summary>
public static class NetworkInventories
{
    public static IReadOnlyList<string> ForInternetPaths { get; } = ["Subnets", "RouteTables", "NetworkAcls", "SecurityGroups"];

    public static IReadOnlyList<string> ForInterfacePaths { get; } = ["Subnets", "RouteTables", "NetworkAcls", "SecurityGroups", "NetworkInterfaces"];

    public static DataGap? FirstGap(ScopeSnapshot scope, IEnumerable<string> inventories)
    {
        var ec2 = scope.Ec2;
        foreach (var name in inventories)
        {
            // TryGet, not Gap: every inventory checked here is one the question rests on (the evidence log records it).
            var gap = name switch
            {
                "Subnets" => ec2.Subnets.TryGet(out _, out var g) ? null : g,
                "RouteTables" => ec2.RouteTables.TryGet(out _, out var g) ? null : g,
                "NetworkAcls" => ec2.NetworkAcls.TryGet(out _, out var g) ? null : g,
                "SecurityGroups" => ec2.SecurityGroups.TryGet(out _, out var g) ? null : g,
                "NetworkInterfaces" => ec2.NetworkInterfaces.TryGet(out _, out var g) ? null : g,
                "VpcEndpoints" => ec2.VpcEndpoints.TryGet(out _, out var g) ? null : g,
                _ => throw new ArgumentOutOfRangeException(nameof(inventories), name, null),
            };
            if (gap is not null) return gap;
        }

        return null;
    }
}
