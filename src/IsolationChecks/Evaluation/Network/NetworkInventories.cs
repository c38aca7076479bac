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
            var gap = name switch
            {
                "Subnets" => ec2.Subnets.Gap,
                "RouteTables" => ec2.RouteTables.Gap,
                "NetworkAcls" => ec2.NetworkAcls.Gap,
                "SecurityGroups" => ec2.SecurityGroups.Gap,
                "NetworkInterfaces" => ec2.NetworkInterfaces.Gap,
                "VpcEndpoints" => ec2.VpcEndpoints.Gap,
                _ => throw new ArgumentOutOfRangeException(nameof(inventories), name, null),
            };
            if (gap is not null) return gap;
        }

        return null;
    }
}
