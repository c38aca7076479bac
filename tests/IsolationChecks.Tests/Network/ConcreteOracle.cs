using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Network;

/// <summary>
/// A second, deliberately naive implementation for differential tests: follows one concrete IPv4 packet
/// (and its reply) through the raw snapshot records, rule by rule, with no sets and no indexes. It
/// supports what <see cref="SyntheticNetwork"/> generates: SGs, NACLs, LPM with prefix lists, local
/// delivery, IGW with public IPs, NAT gateways, blackholes, gateway endpoints and transit gateways.
/// </summary>
public sealed class ConcreteOracle(NetworkScope network)
{
    private readonly int[] _candidatePorts = network.NetworkAcls.SelectMany(a => a.Entries ?? [])
        .SelectMany(e => e.PortRange is { From: { } f, To: { } t } ? new[] { f - 1, f, t, t + 1 } : [])
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
        if (!GroupsAdmit(eni.Groups!.Select(g => g.GroupId), egress: true, protocol, packet.Server, port)) return null;
        return Route(Subnet(eni.SubnetId!), packet, eni.Association?.PublicIp is not null, sourceEni, visited, 0) ? visited : null;
    }

    private sealed record Packet(int Protocol, UInt128 Client, UInt128 Server, int Port, int ClientPort);

    private bool Route(Subnet subnet, Packet packet, bool hasPublicIp, string? sourceEni, List<string> visited, int depth)
    {
        if (depth > 4) return false;
        var table = network.RouteTables.FirstOrDefault(t => (t.Associations ?? []).Any(a => a.SubnetId == subnet.SubnetId))
            ?? network.RouteTables.First(t => t.VpcId == subnet.VpcId && (t.Associations ?? []).Any(a => a.Main == true));
        var route = (table.Routes ?? [])
            .SelectMany(r => r.DestinationCidrBlock is { } c ? [(Cidr: Cidr.Parse(c), Rank: 0, Route: r)]
                : network.PrefixLists[r.DestinationPrefixListId!].Select(e => (Cidr: Cidr.Parse(e.Cidr), Rank: 1, Route: r)))
            .Where(c => c.Cidr.First <= packet.Server && packet.Server <= c.Cidr.Last)
            .OrderByDescending(c => c.Cidr.PrefixLength).ThenBy(c => c.Rank).Select(c => c.Route).FirstOrDefault();
        if (route is null || route.State == "blackhole") return false;
        visited.Add(table.RouteTableId);
        var acl = AclOf(subnet);
        if (route.GatewayId == "local")
        {
            var target = network.NetworkInterfaces.FirstOrDefault(n => n.NetworkInterfaceId != sourceEni && Address(n.PrivateIpAddress!) == packet.Server);
            if (target is null) return false;
            var targetSubnet = Subnet(target.SubnetId!);
            if (targetSubnet.SubnetId != subnet.SubnetId)
            {
                var targetAcl = AclOf(targetSubnet);
                if (!Allows(acl, true, packet.Protocol, packet.Server, packet.Port) || !Allows(targetAcl, false, packet.Protocol, packet.Client, packet.Port)
                    || !Allows(targetAcl, true, packet.Protocol, packet.Client, packet.ClientPort) || !Allows(acl, false, packet.Protocol, packet.Server, packet.ClientPort))
                    return false;
                visited.Add(acl.NetworkAclId);
                visited.Add(targetAcl.NetworkAclId);
            }

            if (!GroupsAdmit(target.Groups!.Select(g => g.GroupId), egress: false, packet.Protocol, packet.Client, packet.Port)) return false;
            visited.Add(target.NetworkInterfaceId);
            return true;
        }

        if (route.NatGatewayId is { } natId)
        {
            var nat = network.NatGateways.Single(n => n.NatGatewayId == natId);
            var natSubnet = Subnet(nat.SubnetId!);
            if (natSubnet.SubnetId != subnet.SubnetId)
            {
                var natAcl = AclOf(natSubnet);
                if (!Allows(acl, true, packet.Protocol, packet.Server, packet.Port) || !Allows(natAcl, false, packet.Protocol, packet.Client, packet.Port)
                    || !Allows(natAcl, true, packet.Protocol, packet.Client, packet.ClientPort) || !Allows(acl, false, packet.Protocol, packet.Server, packet.ClientPort))
                    return false;
                visited.Add(acl.NetworkAclId);
                visited.Add(natAcl.NetworkAclId);
            }

            visited.Add(natId);
            var natAddress = Address(nat.NatGatewayAddresses![0].PrivateIp!);
            foreach (var natPort in _candidatePorts)
            {
                var branch = new List<string>();
                if (Route(natSubnet, packet with { Client = natAddress, ClientPort = natPort }, nat.NatGatewayAddresses[0].PublicIp is not null, null, branch, depth + 1))
                {
                    visited.AddRange(branch);
                    return true;
                }
            }

            return false;
        }

        if (!Allows(acl, true, packet.Protocol, packet.Server, packet.Port) || !Allows(acl, false, packet.Protocol, packet.Server, packet.ClientPort)) return false;
        visited.Add(acl.NetworkAclId);
        if (route.GatewayId is { } gateway && gateway.StartsWith("igw-", StringComparison.Ordinal))
        {
            if (!hasPublicIp || !network.InternetGateways.Any(g => g.InternetGatewayId == gateway && g.Attachments!.Any(a => a.VpcId == subnet.VpcId))) return false;
            visited.Add(gateway);
            return true;
        }

        visited.Add(route.Target);
        return true;
    }

    private Subnet Subnet(string id) => network.Subnets.Single(s => s.SubnetId == id);

    private NetworkAcl AclOf(Subnet subnet) =>
        network.NetworkAcls.FirstOrDefault(a => (a.Associations ?? []).Any(x => x.SubnetId == subnet.SubnetId))
        ?? network.NetworkAcls.Single(a => a.VpcId == subnet.VpcId && a.IsDefault == true);

    private static bool Allows(NetworkAcl acl, bool egress, int protocol, UInt128 address, int port)
    {
        foreach (var entry in (acl.Entries ?? []).Where(e => e.Egress == egress && e.CidrBlock is not null).OrderBy(e => e.RuleNumber))
        {
            var cidr = Cidr.Parse(entry.CidrBlock!);
            if (address < cidr.First || address > cidr.Last) continue;
            if (entry.Protocol != "-1" && entry.Protocol != protocol.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;
            if (entry.Protocol is "6" or "17" && entry.PortRange is { From: { } f, To: { } t } && (port < f || port > t)) continue;
            return entry.RuleAction == "allow";
        }

        return false;
    }

    private bool GroupsAdmit(IEnumerable<string> groupIds, bool egress, int protocol, UInt128 peer, int port)
    {
        foreach (var group in groupIds.Select(id => network.SecurityGroups.Single(g => g.GroupId == id)))
        foreach (var permission in (egress ? group.IpPermissionsEgress : group.IpPermissions) ?? [])
        {
            var name = protocol switch { 6 => "tcp", 17 => "udp", _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (permission.IpProtocol != "-1" && permission.IpProtocol != name) continue;
            if (permission.IpProtocol is "tcp" or "udp" && (port < permission.FromPort || port > permission.ToPort)) continue;
            var peers = (permission.IpRanges ?? []).Select(r => Cidr.Parse(r.CidrIp))
                .Concat((permission.PrefixListIds ?? []).SelectMany(p => network.PrefixLists[p.PrefixListId].Select(e => Cidr.Parse(e.Cidr))))
                .Concat((permission.UserIdGroupPairs ?? []).SelectMany(pair => network.NetworkInterfaces
                    .Where(n => n.Groups!.Any(g => g.GroupId == pair.GroupId)).Select(n => Cidr.Parse(n.PrivateIpAddress!))));
            if (peers.Any(c => c.First <= peer && peer <= c.Last)) return true;
        }

        return false;
    }

    private static UInt128 Address(string ip) => Cidr.Parse(ip).First;
}
