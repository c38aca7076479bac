using System.Net.Sockets;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Routing;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Network;

// The filters: network ACLs (stateless, ordered) and security groups (stateful).
public sealed partial class PathEngine
{
    /// <summary>A stateless filter applied to the replies when a path completes.</summary>
    private sealed record ReturnStage(int Leg, Func<FlowSet, Trace, IReadOnlyList<PathHop>, (FlowSet Allowed, PathHop? Hop)> Apply);

    private Func<FlowSet, Trace, IReadOnlyList<PathHop>, (FlowSet, PathHop?)> ReturnAcl(Subnet subnet, bool egress, FlowDimension address, FlowDimension port) =>
        (flows, trace, hops) =>
        {
            var result = EvaluateAcl(subnet, egress, address, port, flows, trace, hops, isReturn: true);
            return (result.Allowed, result.Hop);
        };

    private bool ApplyAcl(Walk walk, Trace trace, Subnet subnet, bool egress, FlowDimension address, FlowDimension port)
    {
        var result = EvaluateAcl(subnet, egress, address, port, walk.Current, trace, walk.Hops, isReturn: false);
        walk.Legs[^1] = result.Allowed;
        if (result.Hop is { } hop) walk.Hops.Add(hop);
        return !result.Allowed.IsEmpty;
    }

    private (FlowSet Allowed, PathHop? Hop) EvaluateAcl(Subnet subnet, bool egress, FlowDimension address, FlowDimension port,
        FlowSet flows, Trace trace, IReadOnlyList<PathHop> hops, bool isReturn)
    {
        var direction = (egress ? "outbound" : "inbound") + (isReturn ? " (return traffic, stateless)" : "");
        if (Model.NetworkAclOf(subnet) is not { } acl)
        {
            trace.Unsupported(subnet.SubnetId, Model.GapFor(subnet.VpcId, "NetworkAcls") is { } gap
                ? $"its network ACL cannot be read ({gap.Describe()})"
                : "no network ACL is associated with it and its VPC has no default ACL in the data", hops, GapFile(subnet.VpcId, "NetworkAcls"));
            return (FlowSet.Empty(flows.Family), null);
        }

        var component = $"{acl.NetworkAclId} ({subnet.SubnetId}) {direction}";
        var remaining = flows;
        var allowed = new List<FlowBox>();
        var admitted = new List<string>();
        foreach (var rule in Model.AclRules(acl, egress, flows.Family))
        {
            if (remaining.IsEmpty) break;
            var (entry, cidr, protocol) = (rule.Entry, rule.Cidr, rule.Protocol);
            string RuleText() =>
                $"rule {(entry.RuleNumber == 32767 ? "*" : entry.RuleNumber.ToString(System.Globalization.CultureInfo.InvariantCulture))} {entry.RuleAction} " +
                $"{(protocol is { } p ? Protocols.Describe(p) : entry.Protocol)}{(protocol is { } q && Protocols.HasPorts(q) && entry.PortRange is { } r ? $" {r.From}-{r.To}" : "")} {cidr}";
            if (protocol is null)
            {
                trace.Unsupported(component, $"{RuleText()}: protocol not readable", hops, GapFile(subnet.VpcId, "NetworkAcls"));
                return (FlowSet.Empty(flows.Family), null);
            }

            var box = FlowBox.Everything(flows.Family) with { Protocol = protocol.Value };
            box = box.With(address, Interval.Of(cidr));
            if (Protocols.HasPorts(protocol.Value) && rule.Ports is { } ports)
                box = box.With(port, ports);
            var matched = remaining.Intersect(box);
            if (!matched.IsEmpty)
            {
                if (entry.RuleAction == "allow")
                {
                    allowed.AddRange(matched.Boxes);
                    admitted.Add(RuleText());
                }
                else trace.Block(component, RuleText(), () => matched.Describe(address, port), hops);
            }

            remaining = remaining.Subtract(box);
        }

        if (!remaining.IsEmpty)
            trace.Block(component, "no rule admits it (implicit deny)", () => remaining.Describe(address, port), hops);
        var result = new FlowSet(flows.Family, allowed);
        return (result, result.IsEmpty ? null : new PathHop(component, string.Join(", ", admitted), Model.NameOf(acl.NetworkAclId)));
    }

    private bool ApplyGroups(Walk walk, Trace trace, IReadOnlyList<string> groups, bool egress, Node client, string component)
    {
        var flows = walk.Current;
        var address = egress ? FlowDimension.Server : FlowDimension.Client;
        var allowed = new List<FlowBox>();
        var admitted = new List<string>();
        var unresolved = new List<CompiledRule>();
        foreach (var groupId in groups)
        {
            if (Model.Compiled(groupId) is not { } compiled)
            {
                trace.Unsupported(groupId, Model.GapFor(client.Subnet.VpcId, "SecurityGroups") is { } gap ? gap.Describe() : "is not in the snapshot's security groups",
                    walk.Hops, GapFile(client.Subnet.VpcId, "SecurityGroups"));
                continue;
            }

            foreach (var rule in egress ? compiled.Egress : compiled.Ingress)
            {
                if (rule.Unresolved is not null)
                {
                    unresolved.Add(rule);
                    continue;
                }

                // Skip the rule before resolving its peers when its protocol or ports meet none of the flows.
                if (!flows.Boxes.Any(b => b.Protocol.Overlaps(rule.Protocol) && b.ServerPort.Overlaps(rule.Ports))) continue;
                var any = false;
                var template = FlowBox.Everything(flows.Family) with { Protocol = rule.Protocol, ServerPort = rule.Ports };
                foreach (var peer in PeerRanges(rule, flows.Family, client))
                {
                    var box = template.With(address, peer);
                    foreach (var flow in flows.Boxes)
                    {
                        var matched = flow.Intersect(box);
                        if (matched.IsEmpty) continue;
                        allowed.Add(matched);
                        any = true;
                    }
                }

                if (any) admitted.Add($"{groupId} {rule.Text}");
            }
        }

        var admittedSet = new FlowSet(flows.Family, allowed.Count > 128 ? FlowSet.Coalesce(allowed) : allowed);
        var undecided = unresolved.Where(r => !flows.Intersect(FlowBox.Everything(flows.Family) with { Protocol = r.Protocol, ServerPort = r.Ports }).IsEmpty).ToList();
        if (admittedSet.IsEmpty)
        {
            foreach (var rule in undecided) trace.Unsupported($"{rule.GroupId} {rule.Text}", rule.Unresolved!, walk.Hops, rule.File);
            trace.Block(component, $"no rule of {string.Join(", ", groups)} admits it", () => flows.Describe(address), walk.Hops);
        }
        else if (!flows.Boxes.All(f => admittedSet.Boxes.Any(a => a.Contains(f))))
        {
            // Not covered box by box: work out exactly what is dropped (it may still be covered by several rules together).
            var rest = flows.Subtract(admittedSet.Boxes);
            if (!rest.IsEmpty)
            {
                foreach (var rule in undecided) trace.Unsupported($"{rule.GroupId} {rule.Text}", rule.Unresolved!, walk.Hops, rule.File);
                trace.Block(component, $"no rule of {string.Join(", ", groups)} admits it", () => rest.Describe(address), walk.Hops);
            }
        }

        walk.Legs[^1] = admittedSet;
        if (!admittedSet.IsEmpty) walk.Hops.Add(new PathHop(component, string.Join("; ", admitted.Distinct())));
        return !admittedSet.IsEmpty;
    }

    /// <summary>The addresses a rule admits: its CIDRs, or for a group reference the private addresses of the group's members.</summary>
    private IEnumerable<Interval> PeerRanges(CompiledRule rule, AddressFamily family, Node client)
    {
        if (rule.ReferencedGroup is not { } referenced)
            return rule.Cidrs.Where(c => c.Family == family).Select(Interval.Of);
        var members = Model.MembersOf(referenced)
            .SelectMany(Model.AddressesOf).Where(a => a.Family == family).Select(a => Interval.Single(a.Value));
        return client.Holds(referenced) ? members.Concat(client.Addresses(family)) : members;
    }
}
