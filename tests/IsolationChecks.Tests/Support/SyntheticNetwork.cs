using IsolationChecks.Aws.Shapes;
using static IsolationChecks.Tests.Support.NetworkScope;

namespace IsolationChecks.Tests.Support;

/// <summary>Sizes of a generated network.</summary>
public sealed record NetworkShape(int Vpcs, int SubnetsPerVpc, int GroupsPerVpc, int RulesPerGroup, int InterfacesPerSubnet)
{
    public static NetworkShape Small { get; } = new(3, 4, 5, 4, 3);

    /// <summary>The benchmark of the issue: 100 VPCs, 2,000 subnets, 5,000 groups with 50,000 rules, 20,000 interfaces.</summary>
    public static NetworkShape Benchmark { get; } = new(100, 20, 50, 10, 10);
}

/// <summary>
/// Random but AWS-shaped networks from a seed: per VPC a public subnet with a NAT gateway and an internet
/// gateway route, private subnets whose tables route to the NAT, to the other VPCs through a shared transit
/// gateway or a peering connection, a more specific blackhole or nothing, network ACLs that are open or hold a
/// few random rules, and security groups with CIDR, prefix-list and group-reference rules. The transit gateway
/// attaches each VPC in one or both availability zones and routes to each VPC (or blackholes it), and sends the
/// rest to VPC 0, whose attachment subnets leave through its NAT gateway. Shared by the property tests and bench/.
/// </summary>
public static class SyntheticNetwork
{
    public const string S3List = "pl-s3";
    private static readonly int[] Ports = [22, 53, 80, 443, 8080];
    private static readonly string[] Protocols = ["tcp", "udp", "-1", "tcp", "tcp"];

    public const string TransitGateway = "tgw-0";
    public const string TransitRouteTable = "tgw-rtb-0";

    public static NetworkScope Generate(NetworkShape shape, int seed)
    {
        var random = new Random(seed);
        var network = new NetworkScope();
        network.PrefixLists[S3List] = [new PrefixListEntry("52.219.0.0/20"), new PrefixListEntry("3.5.152.0/21")];
        for (var v = 0; v < shape.Vpcs; v++) GenerateVpc(network, shape, v, random);
        GenerateTransit(network, shape, random);
        return network;
    }

    /// <summary>
    /// One transit gateway for every VPC (attached in both zones, or only in 1c), its route table with a route to each VPC
    /// (a blackhole now and then) and the rest to VPC 0; a peering connection between VPC 0 and VPC 1.
    /// </summary>
    private static void GenerateTransit(NetworkScope network, NetworkShape shape, Random random)
    {
        var routes = new List<TransitGatewayRoute>();
        network.TransitGatewayRouteTables.Add(new TransitGatewayRouteTable(TransitRouteTable, TransitGateway, "available", true));
        for (var v = 0; v < shape.Vpcs; v++)
        {
            var attachment = $"tgw-attach-{v}";
            var zones = random.Next(4) == 0 ? new[] { $"subnet-{v}-1" } : [$"subnet-{v}-1", $"subnet-{v}-2"];
            network.TransitGatewayVpcAttachments.Add(new TransitGatewayVpcAttachment(attachment, TransitGateway, $"vpc-{v}", "available", zones.Where(z => SubnetExists(shape, z)).ToList()));
            network.TransitGatewayAttachments.Add(new TransitGatewayAttachment(attachment, TransitGateway, "vpc", "available", $"vpc-{v}",
                network.AccountId, network.AccountId, new TransitGatewayAttachmentAssociation(TransitRouteTable, "associated")));
            routes.Add(random.Next(6) == 0
                ? new TransitGatewayRoute("static", "blackhole", $"10.{v % 256}.0.0/16")
                : new TransitGatewayRoute("static", "active", $"10.{v % 256}.0.0/16", TransitGatewayAttachments: [new TransitGatewayRouteAttachment(attachment, $"vpc-{v}", "vpc")]));
        }

        routes.Add(new TransitGatewayRoute("static", "active", "0.0.0.0/0", TransitGatewayAttachments: [new TransitGatewayRouteAttachment("tgw-attach-0", "vpc-0", "vpc")]));
        network.TransitGatewayRoutes[TransitRouteTable] = routes;
        if (shape.Vpcs >= 2)
            network.VpcPeeringConnections.Add(new VpcPeeringConnection("pcx-0-1",
                new PeeringVpcInfo("vpc-1", network.AccountId, network.Region, "10.1.0.0/16"),
                new PeeringVpcInfo("vpc-0", network.AccountId, network.Region, "10.0.0.0/16"),
                new PeeringStatus("active")));
    }

    private static bool SubnetExists(NetworkShape shape, string subnetId) => int.Parse(subnetId.Split('-')[2], System.Globalization.CultureInfo.InvariantCulture) < shape.SubnetsPerVpc;

    /// <summary>The generated build projects' view: each private subnet with its VPC's first group.</summary>
    public static IEnumerable<(string SubnetId, string GroupId)> BuildSources(NetworkScope network) =>
        network.Subnets.Where(s => !s.SubnetId.EndsWith("-0", StringComparison.Ordinal))
            .Select(s => (s.SubnetId, $"sg-{s.VpcId[4..]}-0"));

    private static void GenerateVpc(NetworkScope network, NetworkShape shape, int v, Random random)
    {
        var vpcId = $"vpc-{v}";
        var prefix = $"10.{v % 256}";
        var vpcCidr = $"{prefix}.0.0/16";
        network.Vpcs.Add(new Vpc(vpcId, vpcCidr, "available"));
        var igw = $"igw-{v}";
        var nat = $"nat-{v}";
        network.InternetGateways.Add(new InternetGateway(igw, [new GatewayAttachment(vpcId, "available")]));

        var publicSubnet = $"subnet-{v}-0";
        var privateTables = new List<RouteTable>();
        network.RouteTables.Add(new RouteTable($"rtb-{v}-public", vpcId,
            [Local(vpcCidr), NetworkScope.RouteTo("0.0.0.0/0", GatewayId: igw), NetworkScope.RouteTo("10.0.0.0/8", TransitGatewayId: TransitGateway)],
            [Association(publicSubnet)]));
        network.RouteTables.Add(new RouteTable($"rtb-{v}-main", vpcId, [Local(vpcCidr)], [MainAssociation()]));
        for (var t = 0; t < 3; t++)
        {
            var routes = new List<Route> { Local(vpcCidr), new(DestinationPrefixListId: S3List, GatewayId: $"vpce-s3-{v}", State: "active") };
            switch (random.Next(6))
            {
                case 0: routes.Add(NetworkScope.RouteTo("0.0.0.0/0", NatGatewayId: nat)); break;
                case 1:
                    routes.Add(NetworkScope.RouteTo("0.0.0.0/0", NatGatewayId: nat));
                    routes.Add(NetworkScope.RouteTo($"{random.Next(1, 223)}.0.0.0/8", NatGatewayId: "nat-gone", State: "blackhole"));
                    break;
                case 2: routes.Add(NetworkScope.RouteTo("10.0.0.0/8", TransitGatewayId: TransitGateway)); break;
                case 3: routes.Add(NetworkScope.RouteTo("0.0.0.0/0", TransitGatewayId: TransitGateway)); break;
            }

            // Every VPC reaches the others through the transit gateway from one table at least.
            if (t == 1 && !routes.Any(r => r.TransitGatewayId is not null))
                routes.Add(NetworkScope.RouteTo("10.0.0.0/8", TransitGatewayId: TransitGateway));

            // VPCs 0 and 1 are also peered: one table each reaches the other directly, more specific than any transit route.
            if (t == 0 && v is 0 or 1)
                routes.Add(NetworkScope.RouteTo(v == 0 ? "10.1.0.0/16" : "10.0.0.0/16", VpcPeeringConnectionId: "pcx-0-1"));

            privateTables.Add(new RouteTable($"rtb-{v}-private-{t}", vpcId, routes, []));
        }

        var acls = new List<NetworkAcl> { OpenAcl($"acl-{v}-default", vpcId, true) };
        for (var a = 0; a < 2; a++)
        {
            var entries = new List<NetworkAclEntry>();
            var count = random.Next(1, 5);
            for (var r = 0; r < count; r++)
            {
                var protocol = random.Next(3) switch { 0 => "6", 1 => "17", _ => "-1" };
                var port = Ports[random.Next(Ports.Length)];
                var cidr = random.Next(3) switch { 0 => "0.0.0.0/0", 1 => vpcCidr, _ => $"{random.Next(1, 223)}.0.0.0/8" };
                entries.Add(Entry(100 + r * 10, random.Next(2) == 0, random.Next(3) == 0 ? "deny" : "allow", protocol, cidr,
                    protocol == "-1" ? null : port, protocol == "-1" ? null : port));
            }

            entries.Add(Entry(200, false, "allow", "6", "0.0.0.0/0", 1024, 65535));
            entries.Add(Entry(200, true, "allow", "6", "0.0.0.0/0", 1024, 65535));
            entries.Add(Entry(210, true, "allow", "-1", vpcCidr));
            entries.Add(Entry(210, false, "allow", "-1", vpcCidr));
            if (random.Next(2) == 0)
            {
                // The other VPCs (peered or behind the transit gateway), in half of the ACLs.
                entries.Add(Entry(220, true, "allow", "-1", "10.0.0.0/8"));
                entries.Add(Entry(220, false, "allow", "-1", "10.0.0.0/8"));
            }
            acls.Add(new NetworkAcl($"acl-{v}-{a}", vpcId, false, entries, []));
        }

        var groups = Enumerable.Range(0, shape.GroupsPerVpc).Select(g => $"sg-{v}-{g}").ToList();
        foreach (var groupId in groups)
        {
            var ingress = new List<IpPermission>();
            var egress = new List<IpPermission>();
            for (var r = 0; r < shape.RulesPerGroup; r++)
            {
                var protocol = Protocols[random.Next(Protocols.Length)];
                var port = Ports[random.Next(Ports.Length)];
                int? from = protocol == "-1" ? null : port;
                var permission = random.Next(6) switch
                {
                    5 => NetworkScope.Permission(protocol, from, from, IpRanges: [new IpRange("10.0.0.0/8")]),
                    0 => NetworkScope.Permission(protocol, from, from, IpRanges: [new IpRange("0.0.0.0/0")]),
                    1 => NetworkScope.Permission(protocol, from, from, IpRanges: [new IpRange(vpcCidr)]),
                    2 => NetworkScope.Permission(protocol, from, from, PrefixListIds: [new PrefixListReference(S3List)]),
                    3 => NetworkScope.Permission(protocol, from, from, UserIdGroupPairs: [new UserIdGroupPair(groups[random.Next(groups.Count)])]),
                    _ => NetworkScope.Permission(protocol, from, from, IpRanges: [new IpRange($"{prefix}.{random.Next(shape.SubnetsPerVpc)}.0/24")]),
                };
                (random.Next(2) == 0 ? ingress : egress).Add(permission);
            }

            network.SecurityGroups.Add(NetworkScope.Group(groupId, groupId, vpcId, IpPermissions: ingress, IpPermissionsEgress: egress));
        }

        var aclAssociations = acls.ToDictionary(a => a.NetworkAclId, _ => new List<NetworkAclAssociation>());
        var tableAssociations = privateTables.ToDictionary(t => t.RouteTableId, _ => new List<RouteTableAssociation>());
        for (var s = 0; s < shape.SubnetsPerVpc; s++)
        {
            var subnetId = $"subnet-{v}-{s}";
            network.Subnets.Add(NetworkScope.Subnet(subnetId, vpcId, $"{prefix}.{s}.0/24", s % 2 == 0 ? "ap-northeast-1a" : "ap-northeast-1c"));
            // The NAT gateway's subnet always gets a restrictive ACL, so paths through NAT exercise both of its directions.
            var acl = s == 0 ? acls[1 + random.Next(acls.Count - 1)] : acls[random.Next(acls.Count)];
            aclAssociations[acl.NetworkAclId].Add(new NetworkAclAssociation(acl.NetworkAclId, subnetId, $"aclassoc-{subnetId}"));
            if (s > 0 && random.Next(6) > 0)
            {
                var table = privateTables[random.Next(privateTables.Count)];
                tableAssociations[table.RouteTableId].Add(Association(subnetId));
            }

            for (var i = 0; i < shape.InterfacesPerSubnet; i++)
            {
                var held = groups.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToArray();
                var publicIp = s == 0 && random.Next(2) == 0 ? $"198.51.{v % 256}.{i + 10}" : null;
                network.NetworkInterfaces.Add(Interface($"eni-{v}-{s}-{i}", subnetId, vpcId, $"{prefix}.{s}.{i + 10}", held, publicIp));
            }
        }

        network.NatGateways.Add(new NatGateway(nat, vpcId, publicSubnet, "available",
            [new NatGatewayAddress($"eipalloc-{v}", $"eni-nat-{v}", $"{prefix}.0.5", $"203.0.{v % 256}.5", true)], "public"));
        network.NetworkAcls.AddRange(acls.Select(a => a with { Associations = aclAssociations[a.NetworkAclId] }));
        network.RouteTables.AddRange(privateTables.Select(t => t with { Associations = tableAssociations[t.RouteTableId] }));
    }
}
