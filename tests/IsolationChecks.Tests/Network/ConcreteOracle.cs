using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Network;

/// <summary>
/// A second, deliberately naive implementation for differential tests: follows one concrete IPv4 packet
/// (and its reply) through the raw snapshot records, rule by rule, with no sets and no indexes. It
/// supports what <see cref="SyntheticNetwork"/> generates: SGs, NACLs, LPM with prefix lists, local
/// delivery, IGW with public IPs, NAT gateways, blackholes, gateway endpoints, VPC peering (both CIDRs
/// checked, no transit) and a transit gateway (attachments per availability zone, its route table,
/// blackholes, delivery into the attachment's subnet in the packet's zone).
/// </summary>
public sealed class ConcreteOracle(NetworkScope network)
{
    private const int MaxDepth = 8;

    private readonly int[] _candidatePorts = network.NetworkAcls.SelectMany(a => a.Entries)
        .SelectMany(e => e.PortRange is { } r ? new[] { r.From - 1, r.From, r.To, r.To + 1 } : [])
        .Concat([1024, 65535]).Where(p => p is >= 1024 and <= 65535).Distinct().Order().ToArray();

    /// <summary>Some client port lets the connection complete: returns the components crossed, else null.</summary>
    public List<string>? Connect(string sourceEni, int protocol, string server, int port)
    {
        foreach (var clientPort in _candidatePorts)
            if (Connect(sourceEni, protocol, server, port, clientPort) is { } visited) return visited;
        return null;
    }

    public List<string>? Connect(string sourceEni, int protocol, string server, int port, int clientPort)
    {
        var eni = network.NetworkInterfaces.Single(n => n.NetworkInterfaceId == sourceEni);
        var packet = new Packet(protocol, Address(eni.PrivateIpAddress!), Address(server), port, clientPort);
        var visited = new List<string>();
        if (!GroupsAdmit(eni.Groups.Select(g => g.GroupId), egress: true, protocol, packet.Server, port)) return null;
        var subnet = Subnet(eni.SubnetId);
        return Route(subnet, packet, eni.Association?.PublicIp is not null, sourceEni, subnet.AvailabilityZone, visited, 0) ? visited : null;
    }

    private sealed record Packet(int Protocol, UInt128 Client, UInt128 Server, int Port, int ClientPort);

    /// <param name="fromTransit">The packet left a transit gateway's interface in <paramref name="subnet"/>.</param>
    private bool Route(Subnet subnet, Packet packet, bool hasPublicIp, string? sourceEni, string zone, List<string> visited, int depth, bool fromTransit = false)
    {
        if (depth > MaxDepth) return false;
        var table = network.RouteTables.FirstOrDefault(t => t.Associations.Any(a => a.SubnetId == subnet.SubnetId))
            ?? network.RouteTables.First(t => t.VpcId == subnet.VpcId && t.Associations.Any(a => a.Main));
        var route = table.Routes
            .SelectMany(r => r.DestinationCidrBlock is { } c ? [(Cidr: Cidr.Parse(c), Rank: 0, Route: r)]
                : network.PrefixLists[r.DestinationPrefixListId!].Select(e => (Cidr: Cidr.Parse(e.Cidr), Rank: 1, Route: r)))
            .Where(c => c.Cidr.First <= packet.Server && packet.Server <= c.Cidr.Last)
            .OrderByDescending(c => c.Cidr.PrefixLength).ThenBy(c => c.Rank).Select(c => c.Route).FirstOrDefault();
        if (route is null || route.State == "blackhole") return false;
        visited.Add(table.RouteTableId);
        var acl = AclOf(subnet);
        if (route.GatewayId == "local")
            return Deliver(subnet.VpcId, subnet, sourceEni, packet, visited, fromTransit);

        if (route.NatGatewayId is { } natId)
        {
            var nat = network.NatGateways.Single(n => n.NatGatewayId == natId);
            var natSubnet = Subnet(nat.SubnetId);
            if (!Crosses(subnet, natSubnet, packet, visited)) return false;
            visited.Add(natId);
            var natAddress = Address(nat.NatGatewayAddresses[0].PrivateIp!);
            foreach (var natPort in _candidatePorts)
            {
                var branch = new List<string>();
                if (Route(natSubnet, packet with { Client = natAddress, ClientPort = natPort }, nat.NatGatewayAddresses[0].PublicIp is not null, null, zone, branch, depth + 1))
                {
                    visited.AddRange(branch);
                    return true;
                }
            }

            return false;
        }

        if (route.TransitGatewayId is { } tgw)
            return ThroughTransitGateway(subnet, tgw, packet, zone, visited, depth);

        if (route.VpcPeeringConnectionId is { } pcx)
        {
            var peering = network.VpcPeeringConnections.Single(p => p.VpcPeeringConnectionId == pcx);
            var (near, far) = peering.RequesterVpcInfo.VpcId == subnet.VpcId ? (peering.RequesterVpcInfo, peering.AccepterVpcInfo) : (peering.AccepterVpcInfo, peering.RequesterVpcInfo);
            if (peering.Status.Code != "active" || !Cidr.Parse(near.CidrBlock!).Contains(Host(packet.Client)) || !Cidr.Parse(far.CidrBlock!).Contains(Host(packet.Server)))
                return false;
            if (!Allows(acl, true, packet.Protocol, packet.Server, packet.Port) || !Allows(acl, false, packet.Protocol, packet.Server, packet.ClientPort)) return false;
            visited.Add(acl.NetworkAclId);
            visited.Add(pcx);
            return Deliver(far.VpcId, null, null, packet, visited);
        }

        if (!Allows(acl, true, packet.Protocol, packet.Server, packet.Port) || !Allows(acl, false, packet.Protocol, packet.Server, packet.ClientPort)) return false;
        visited.Add(acl.NetworkAclId);
        if (route.GatewayId is { } gateway && gateway.StartsWith("igw-", StringComparison.Ordinal))
        {
            if (!hasPublicIp || !network.InternetGateways.Any(g => g.InternetGatewayId == gateway && g.Attachments.Any(a => a.VpcId == subnet.VpcId))) return false;
            visited.Add(gateway);
            return true;
        }

        visited.Add(route.Target);
        return true;
    }

    /// <summary>Into the transit gateway at the attachment's subnet in the packet's zone, routed by its table, out into a VPC.</summary>
    private bool ThroughTransitGateway(Subnet subnet, string tgw, Packet packet, string zone, List<string> visited, int depth)
    {
        var attachment = network.TransitGatewayVpcAttachments.FirstOrDefault(a => a.VpcId == subnet.VpcId && a.TransitGatewayId == tgw && a.State == "available");
        var entry = attachment?.SubnetIds.Select(Subnet).FirstOrDefault(s => s.AvailabilityZone == zone);
        if (attachment is null || entry is null || !Crosses(subnet, entry, packet, visited, transit: true)) return false;
        visited.Add(attachment.TransitGatewayAttachmentId);
        var association = network.TransitGatewayAttachments.Single(a => a.TransitGatewayAttachmentId == attachment.TransitGatewayAttachmentId).Association!;
        var route = network.TransitGatewayRoutes[association.TransitGatewayRouteTableId]
            .Select(r => (Cidr: Cidr.Parse(r.DestinationCidrBlock!), Route: r))
            .Where(c => c.Cidr.First <= packet.Server && packet.Server <= c.Cidr.Last)
            .OrderByDescending(c => c.Cidr.PrefixLength).Select(c => c.Route).FirstOrDefault();
        if (route is null || route.State == "blackhole") return false;
        visited.Add(association.TransitGatewayRouteTableId);
        var target = network.TransitGatewayVpcAttachments.Single(a => a.TransitGatewayAttachmentId == route.TransitGatewayAttachments![0].TransitGatewayAttachmentId);
        var subnets = target.SubnetIds.Select(Subnet).ToList();
        var same = subnets.Where(s => s.AvailabilityZone == zone).ToList();
        foreach (var into in same.Count > 0 ? same : subnets)
        {
            var branch = new List<string> { target.TransitGatewayAttachmentId };
            if (Route(into, packet, false, null, into.AvailabilityZone, branch, depth + 1, fromTransit: true))
            {
                visited.AddRange(branch);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Both ACLs, both ways, when the packet moves to another subnet of the VPC; within a subnet none, except toward a
    /// transit gateway's interface (outbound) or from it (inbound), which AWS evaluates.
    /// </summary>
    private bool Crosses(Subnet from, Subnet to, Packet packet, List<string> visited, bool transit = false, bool fromTransit = false)
    {
        if (from.SubnetId == to.SubnetId)
        {
            var own = AclOf(from);
            if (transit && (!Allows(own, true, packet.Protocol, packet.Server, packet.Port) || !Allows(own, false, packet.Protocol, packet.Server, packet.ClientPort))) return false;
            if (fromTransit && (!Allows(own, false, packet.Protocol, packet.Client, packet.Port) || !Allows(own, true, packet.Protocol, packet.Client, packet.ClientPort))) return false;
            if (transit || fromTransit) visited.Add(own.NetworkAclId);
            return true;
        }

        var (acl, toAcl) = (AclOf(from), AclOf(to));
        if (!Allows(acl, true, packet.Protocol, packet.Server, packet.Port) || !Allows(toAcl, false, packet.Protocol, packet.Client, packet.Port)
            || !Allows(toAcl, true, packet.Protocol, packet.Client, packet.ClientPort) || !Allows(acl, false, packet.Protocol, packet.Server, packet.ClientPort))
            return false;
        visited.Add(acl.NetworkAclId);
        visited.Add(toAcl.NetworkAclId);
        return true;
    }

    /// <summary>To the interface of the VPC holding the address; from a subnet of the VPC, or from outside it (a peering).</summary>
    private bool Deliver(string vpcId, Subnet? from, string? sourceEni, Packet packet, List<string> visited, bool fromTransit = false)
    {
        var target = network.NetworkInterfaces.FirstOrDefault(n => n.VpcId == vpcId && n.NetworkInterfaceId != sourceEni && Address(n.PrivateIpAddress!) == packet.Server);
        if (target is null) return false;
        var targetSubnet = Subnet(target.SubnetId);
        if (from is null)
        {
            var targetAcl = AclOf(targetSubnet);
            if (!Allows(targetAcl, false, packet.Protocol, packet.Client, packet.Port) || !Allows(targetAcl, true, packet.Protocol, packet.Client, packet.ClientPort)) return false;
            visited.Add(targetAcl.NetworkAclId);
        }
        else if (!Crosses(from, targetSubnet, packet, visited, fromTransit: fromTransit)) return false;

        if (!GroupsAdmit(target.Groups.Select(g => g.GroupId), egress: false, packet.Protocol, packet.Client, packet.Port)) return false;
        visited.Add(target.NetworkInterfaceId);
        return true;
    }

    private Subnet Subnet(string id) => network.Subnets.Single(s => s.SubnetId == id);

    private NetworkAcl AclOf(Subnet subnet) =>
        network.NetworkAcls.FirstOrDefault(a => a.Associations.Any(x => x.SubnetId == subnet.SubnetId))
        ?? network.NetworkAcls.Single(a => a.VpcId == subnet.VpcId && a.IsDefault);

    private static bool Allows(NetworkAcl acl, bool egress, int protocol, UInt128 address, int port)
    {
        foreach (var entry in acl.Entries.Where(e => e.Egress == egress && e.CidrBlock is not null).OrderBy(e => e.RuleNumber))
        {
            var cidr = Cidr.Parse(entry.CidrBlock!);
            if (address < cidr.First || address > cidr.Last) continue;
            if (entry.Protocol != "-1" && entry.Protocol != protocol.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;
            if (entry.Protocol is "6" or "17" && entry.PortRange is { } r && (port < r.From || port > r.To)) continue;
            return entry.RuleAction == "allow";
        }

        return false;
    }

    private bool GroupsAdmit(IEnumerable<string> groupIds, bool egress, int protocol, UInt128 peer, int port)
    {
        foreach (var group in groupIds.Select(id => network.SecurityGroups.Single(g => g.GroupId == id)))
        foreach (var permission in egress ? group.IpPermissionsEgress : group.IpPermissions)
        {
            var name = protocol switch { 6 => "tcp", 17 => "udp", _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (permission.IpProtocol != "-1" && permission.IpProtocol != name) continue;
            if (permission.IpProtocol is "tcp" or "udp" && (port < permission.FromPort || port > permission.ToPort)) continue;
            var peers = permission.IpRanges.Select(r => Cidr.Parse(r.CidrIp))
                .Concat(permission.PrefixListIds.SelectMany(p => network.PrefixLists[p.PrefixListId].Select(e => Cidr.Parse(e.Cidr))))
                .Concat(permission.UserIdGroupPairs.SelectMany(pair => network.NetworkInterfaces
                    .Where(n => n.Groups.Any(g => g.GroupId == pair.GroupId)).Select(n => Cidr.Parse(n.PrivateIpAddress!))));
            if (peers.Any(c => c.First <= peer && peer <= c.Last)) return true;
        }

        return false;
    }

    private static UInt128 Address(string ip) => Cidr.Parse(ip).First;

    private static Cidr Host(UInt128 address) => new(System.Net.Sockets.AddressFamily.InterNetwork, address, 32);
}
