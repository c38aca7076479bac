using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Network;

/// <summary>
/// One peer of one security group rule (a CIDR list, a prefix list or a referenced group), with the
/// protocol and ports it admits.
/// </summary>
/// <param name="Cidrs">The peer addresses, for CIDR and resolved prefix-list peers.</param>
/// <param name="ReferencedGroup">For a security-group reference: traffic to or from interfaces holding this group.</param>
/// <param name="Unresolved">Why the peer cannot be turned into addresses (a prefix list that was not collected).</param>
public sealed record CompiledRule(
    string GroupId,
    bool Egress,
    string Text,
    Interval Protocol,
    Interval Ports,
    IReadOnlyList<Cidr> Cidrs,
    string? ReferencedGroup = null,
    string? Unresolved = null,
    string? File = null);

/// <summary>A security group's rules as filter material, compiled once per group.</summary>
public sealed record CompiledGroup(string GroupId, IReadOnlyList<CompiledRule> Ingress, IReadOnlyList<CompiledRule> Egress)
{
    public static CompiledGroup Compile(SecurityGroup group, NetworkModel model) =>
        new(group.GroupId, Rules(group, group.IpPermissions, false, model), Rules(group, group.IpPermissionsEgress, true, model));

    private static List<CompiledRule> Rules(SecurityGroup group, IReadOnlyList<IpPermission> permissions, bool egress, NetworkModel model)
    {
        var rules = new List<CompiledRule>();
        var direction = egress ? "egress" : "ingress";
        var toFrom = egress ? "to" : "from";
        foreach (var permission in permissions)
        {
            var protocol = Protocols.Parse(permission.IpProtocol);
            if (protocol is null)
            {
                rules.Add(new CompiledRule(group.GroupId, egress, $"{direction} protocol '{permission.IpProtocol}'", Interval.AllProtocols,
                    Interval.AllPorts, [], Unresolved: $"protocol '{permission.IpProtocol}' is not one the suite can read"));
                continue;
            }

            var ports = Protocols.HasPorts(protocol.Value) && permission.FromPort is { } from && permission.ToPort is { } to && from >= 0
                ? new Interval((UInt128)from, (UInt128)to)
                : Interval.AllPorts;
            var what = Protocols.Describe(protocol.Value) + (Protocols.HasPorts(protocol.Value) ? " " + FlowSet.DescribePorts(ports) : "");
            foreach (var range in permission.IpRanges)
                if (Cidr.TryParse(range.CidrIp, out var cidr))
                    rules.Add(new CompiledRule(group.GroupId, egress, $"{direction} {what} {toFrom} {range.CidrIp}", protocol.Value, ports, [cidr]));
            foreach (var range in permission.Ipv6Ranges)
                if (Cidr.TryParse(range.CidrIpv6, out var cidr))
                    rules.Add(new CompiledRule(group.GroupId, egress, $"{direction} {what} {toFrom} {range.CidrIpv6}", protocol.Value, ports, [cidr]));
            foreach (var list in permission.PrefixListIds)
            {
                var text = $"{direction} {what} {toFrom} prefix list {list.PrefixListId}";
                rules.Add(model.PrefixList(list.PrefixListId).TryGet(out var cidrs, out var gap)
                    ? new CompiledRule(group.GroupId, egress, text, protocol.Value, ports, cidrs)
                    : new CompiledRule(group.GroupId, egress, text, protocol.Value, ports, [],
                        Unresolved: $"prefix list {list.PrefixListId} cannot be resolved ({gap.Describe()})", File: gap.File));
            }

            foreach (var pair in permission.UserIdGroupPairs)
                if (pair.GroupId is { } referenced)
                    rules.Add(new CompiledRule(group.GroupId, egress, $"{direction} {what} {toFrom} security group {referenced}",
                        protocol.Value, ports, [], ReferencedGroup: referenced));
        }

        return rules;
    }
}
