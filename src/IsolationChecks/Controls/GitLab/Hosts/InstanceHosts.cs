using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.GitLab.Hosts;

/// <summary>GitLab on EC2, found by instance id or tag: every interface attached to each running instance.</summary>
internal static class InstanceHosts
{
    public static IReadOnlyList<Finding> Resolve(GitLabHostRef host, HostResolution resolution)
    {
        var (placeholder, scope, verdict, _) = resolution;
        var ec2 = scope.Ec2;
        if (!ec2.Reservations.TryGet(out var reservations, out var gap)) return [verdict.Unavailable(placeholder, gap)];
        var reservationsFile = scope.PathOf(AwsCalls.DescribeInstances.File);
        var instances = reservations.SelectMany(r => r.Instances)
            .Where(i => i.State?.Name is not ("terminated" or "shutting-down")).ToList();
        var selected = host.InstanceId is { } id
            ? instances.Where(i => i.InstanceId == id).ToList()
            : instances.Where(i => (i.Tags ?? []).Any(t => t.Key == host.Tag!.Key && t.Value == host.Tag.Value)).ToList();
        if (selected.Count == 0)
            return [verdict.Inconclusive(placeholder,
                $"cannot verify {placeholder.Name}: describe-instances in account {scope.AccountId} lists no running instance {(host.InstanceId is not null ? "with that id" : "with that tag")}",
                EvidenceRemedies.NotListed("gitLab.hosts", "running instance", scope.AccountId, scope.Region),
                new EvidenceFact("ec2 instances", $"{instances.Count} instance(s) listed: {string.Join(", ", instances.Select(i => i.InstanceId))}", reservationsFile))];

        if (!ec2.NetworkInterfaces.TryGet(out var interfaces, out gap)) return selected.Select(i => verdict.Unavailable(ResourceOf(i, scope), gap)).ToList();

        var findings = new List<Finding>();
        foreach (var instance in selected)
        {
            var resource = ResourceOf(instance, scope);
            var declaredIds = instance.NetworkInterfaces.Select(n => n.NetworkInterfaceId).ToHashSet(StringComparer.Ordinal);
            var attached = interfaces.Where(n => n.Attachment?.InstanceId == instance.InstanceId || declaredIds.Contains(n.NetworkInterfaceId)).ToList();
            var absent = declaredIds.Except(attached.Select(n => n.NetworkInterfaceId)).ToList();
            if (absent.Count > 0 || attached.Count == 0)
            {
                findings.Add(verdict.Inconclusive(resource,
                    $"cannot verify {instance.InstanceId}: " + (absent.Count > 0
                        ? $"its network interface(s) {string.Join(", ", absent)} are not in describe-network-interfaces"
                        : "describe-network-interfaces lists no interface attached to it"),
                    EvidenceRemedies.Recollect(AwsCalls.DescribeNetworkInterfaces, scope.PathOf(AwsCalls.DescribeNetworkInterfaces.File)),
                    new EvidenceFact(instance.InstanceId, $"network interfaces per describe-instances: {string.Join(", ", declaredIds)}", reservationsFile)));
                continue;
            }

            var instanceFact = new EvidenceFact(instance.InstanceId,
                $"{instance.State?.Name ?? "state unknown"}, interfaces {string.Join(", ", attached.Select(n => n.NetworkInterfaceId))}", reservationsFile);
            findings.AddRange(resolution.Audit(resource, $"instance {instance.InstanceId}", attached,
                instance.SecurityGroups.Select(g => g.GroupId), [instanceFact], _ => $"attached to {instance.InstanceId}"));
        }

        return findings;
    }

    private static ResourceRef ResourceOf(Instance instance, ScopeSnapshot scope) =>
        new(instance.InstanceId, instance.InstanceId, scope.AccountId, scope.Region);
}
