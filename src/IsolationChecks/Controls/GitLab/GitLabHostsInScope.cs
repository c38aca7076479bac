using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Snapshots.Model;

namespace IsolationChecks.Controls.GitLab;

/// <summary>A GitLab host resolved from the posture: its network interfaces and every security group on them.</summary>
public sealed record GitLabHostUnderAudit(
    ResourceRef Resource,
    string Description,
    ScopeSnapshot Scope,
    IReadOnlyList<NetworkInterface> Interfaces,
    IReadOnlyList<SecurityGroup> SecurityGroups,
    IReadOnlyList<EvidenceFact> Facts)
{
    public string SecurityGroupsFile => Scope.PathOf(SnapshotLayout.SecurityGroups);

    /// <summary>The interfaces each group is attached to, for messages ("on eni-...").</summary>
    public IEnumerable<string> InterfacesOf(string groupId) =>
        Interfaces.Where(i => (i.Groups ?? []).Any(g => g.GroupId == groupId)).Select(i => i.NetworkInterfaceId);
}

/// <summary>
/// Resolves the posture's gitLab hosts (by instance id or tag) to their network interfaces and security groups,
/// turning every reason a host cannot be judged into an inconclusive naming the missing call or the kind of host
/// the suite cannot resolve yet, so a GitLab control always says something about every declared host.
/// </summary>
public static class GitLabHostsInScope
{
    /// <summary>
    /// Every GitLab host in scope judged against the derived allowlist; an invalid posture is an error and an
    /// allowlist that cannot be derived (NAT gateways not collected) makes every host inconclusive.
    /// </summary>
    public static IEnumerable<Finding> EvaluateAgainstAllowlist(
        EvaluationContext context, FindingFactory verdict, Func<GitLabHostUnderAudit, GitLabAllowedSources, Finding> judge)
    {
        var (sources, gap, invalid) = GitLabAllowedSources.Resolve(context);
        return Evaluate(context, verdict, audit =>
        [
            invalid is not null ? verdict.Error(audit.Resource, $"the posture is invalid: {invalid}")
            : sources is null ? verdict.Unavailable(audit.Resource, gap!)
            : judge(audit, sources),
        ]);
    }

    public static IEnumerable<Finding> Evaluate(
        EvaluationContext context, FindingFactory verdict, Func<GitLabHostUnderAudit, IEnumerable<Finding>> check)
    {
        var gitLab = context.Posture.GitLab;
        if (gitLab is null)
        {
            yield return verdict.NoScope("gitLab", "GitLab host", "gitLab.hosts");
            yield break;
        }

        var target = context.Posture.Account(gitLab.Account);
        if (gitLab.Hosts.Count == 0)
        {
            yield return verdict.Inconclusive(new ResourceRef("posture:gitLab", "(no hosts)", target.AccountId, target.Region),
                "the posture's gitLab section declares no host: nothing to verify");
            yield break;
        }

        var scopeFound = context.ScopeOf(gitLab.Account).TryGet(out var scope, out var scopeGap);
        foreach (var host in gitLab.Hosts)
        {
            var placeholder = Placeholder(host, target);
            if (!scopeFound)
            {
                yield return verdict.Unavailable(placeholder, scopeGap!);
                continue;
            }

            foreach (var finding in Resolve(host, placeholder, scope!, verdict, check))
                yield return finding;
        }
    }

    private static IEnumerable<Finding> Resolve(
        GitLabHostRef host, ResourceRef placeholder, ScopeSnapshot scope, FindingFactory verdict, Func<GitLabHostUnderAudit, IEnumerable<Finding>> check)
    {
        if (host.LoadBalancerArn is { } arn)
            return LoadBalancer(arn, placeholder, scope, verdict, check);
        if (host.InstanceId is null && host.Tag is null)
        {
            var kind = host.EcsService is { } ecs ? $"an ECS service ({ecs.Cluster}/{ecs.Service})" : "an empty host reference";
            return [verdict.Inconclusive(placeholder,
                $"not yet supported: the posture finds GitLab by {kind}; this suite resolves GitLab hosts by instance id, tag or load balancer only, so its security groups were not judged")];
        }

        var ec2 = scope.Ec2;
        if (!ec2.Reservations.TryGet(out var reservations, out var gap)) return [verdict.Unavailable(placeholder, gap)];
        var reservationsFile = scope.PathOf(SnapshotLayout.Reservations);
        var instances = reservations.SelectMany(r => r.Instances ?? [])
            .Where(i => i.State?.Name is not ("terminated" or "shutting-down")).ToList();
        var selected = host.InstanceId is { } id
            ? instances.Where(i => i.InstanceId == id).ToList()
            : instances.Where(i => (i.Tags ?? []).Any(t => t.Key == host.Tag!.Key && t.Value == host.Tag.Value)).ToList();
        if (selected.Count == 0)
            return [verdict.Inconclusive(placeholder,
                $"cannot verify {placeholder.Name}: describe-instances in account {scope.AccountId} lists no running instance {(host.InstanceId is not null ? "with that id" : "with that tag")}",
                new EvidenceFact("ec2 instances", $"{instances.Count} instance(s) listed: {string.Join(", ", instances.Select(i => i.InstanceId))}", reservationsFile))];

        if (!ec2.NetworkInterfaces.TryGet(out var interfaces, out gap)) return selected.Select(i => verdict.Unavailable(ResourceOf(i, scope), gap)).ToList();
        if (!ec2.SecurityGroups.TryGet(out var groups, out gap)) return selected.Select(i => verdict.Unavailable(ResourceOf(i, scope), gap)).ToList();

        var findings = new List<Finding>();
        foreach (var instance in selected)
        {
            var resource = ResourceOf(instance, scope);
            var interfacesFile = scope.PathOf(SnapshotLayout.NetworkInterfaces);
            var declaredIds = (instance.NetworkInterfaces ?? []).Select(n => n.NetworkInterfaceId).ToHashSet(StringComparer.Ordinal);
            var attached = interfaces.Where(n => n.Attachment?.InstanceId == instance.InstanceId || declaredIds.Contains(n.NetworkInterfaceId)).ToList();
            var absent = declaredIds.Except(attached.Select(n => n.NetworkInterfaceId)).ToList();
            if (absent.Count > 0 || attached.Count == 0)
            {
                findings.Add(verdict.Inconclusive(resource,
                    $"cannot verify {instance.InstanceId}: " + (absent.Count > 0
                        ? $"its network interface(s) {string.Join(", ", absent)} are not in describe-network-interfaces"
                        : "describe-network-interfaces lists no interface attached to it"),
                    new EvidenceFact(instance.InstanceId, $"network interfaces per describe-instances: {string.Join(", ", declaredIds)}", reservationsFile)));
                continue;
            }

            var groupIds = attached.SelectMany(n => n.Groups ?? []).Select(g => g.GroupId)
                .Concat((instance.SecurityGroups ?? []).Select(g => g.GroupId)).Distinct(StringComparer.Ordinal).ToList();
            var missing = groupIds.Where(g => groups.All(s => s.GroupId != g)).ToList();
            if (missing.Count > 0)
            {
                findings.Add(verdict.Inconclusive(resource,
                    $"cannot verify {instance.InstanceId}: security group(s) {string.Join(", ", missing)} on its interfaces are not in describe-security-groups",
                    new EvidenceFact("security groups", $"{groups.Count} listed", scope.PathOf(SnapshotLayout.SecurityGroups))));
                continue;
            }

            var facts = attached.Select(n => new EvidenceFact(n.NetworkInterfaceId,
                    $"attached to {instance.InstanceId}, subnet {n.SubnetId ?? "?"}, private IP {n.PrivateIpAddress ?? "?"}, public IP {n.Association?.PublicIp ?? "none"}, " +
                    $"security groups {string.Join(", ", (n.Groups ?? []).Select(g => g.GroupId))}", interfacesFile))
                .ToList();
            var audit = new GitLabHostUnderAudit(resource, $"instance {instance.InstanceId}", scope, attached,
                groupIds.Select(g => groups.First(s => s.GroupId == g)).ToList(), facts);
            findings.AddRange(check(audit));
        }

        return findings;
    }

    /// <summary>
    /// A load balancer in front of GitLab is the host the internet meets: its network interfaces are the ones EC2 describes as
    /// "ELB app/NAME/ID" (or net/...), the suffix of its ARN, and their security groups are the load balancer's.
    /// </summary>
    private static IReadOnlyList<Finding> LoadBalancer(
        string arn, ResourceRef resource, ScopeSnapshot scope, FindingFactory verdict, Func<GitLabHostUnderAudit, IEnumerable<Finding>> check)
    {
        const string marker = ":loadbalancer/";
        var at = arn.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
            return [verdict.Error(resource, $"gitLab.hosts names load balancer '{arn}', which is not an Elastic Load Balancing ARN (arn:...:loadbalancer/app/NAME/ID)")];
        var description = $"ELB {arn[(at + marker.Length)..]}";
        if (!scope.Ec2.NetworkInterfaces.TryGet(out var interfaces, out var gap)) return [verdict.Unavailable(resource, gap)];
        if (!scope.Ec2.SecurityGroups.TryGet(out var groups, out gap)) return [verdict.Unavailable(resource, gap)];
        var interfacesFile = scope.PathOf(SnapshotLayout.NetworkInterfaces);
        var attached = interfaces.Where(n => n.Description == description).ToList();
        if (attached.Count == 0)
            return [verdict.Inconclusive(resource,
                $"cannot verify {resource.Name}: describe-network-interfaces in account {scope.AccountId} ({scope.Region}) lists no interface described as '{description}', " +
                "so the load balancer's interfaces and security groups are unknown (is it in this account and region?)",
                new EvidenceFact("network interfaces", $"{interfaces.Count} listed, none with description '{description}'", interfacesFile))];
        var groupIds = attached.SelectMany(n => n.Groups ?? []).Select(g => g.GroupId).Distinct(StringComparer.Ordinal).ToList();
        var missing = groupIds.Where(g => groups.All(s => s.GroupId != g)).ToList();
        if (missing.Count > 0)
            return [verdict.Inconclusive(resource,
                $"cannot verify {resource.Name}: security group(s) {string.Join(", ", missing)} on its interfaces are not in describe-security-groups",
                new EvidenceFact("security groups", $"{groups.Count} listed", scope.PathOf(SnapshotLayout.SecurityGroups)))];
        var facts = attached.Select(n => new EvidenceFact(n.NetworkInterfaceId,
            $"'{description}', subnet {n.SubnetId ?? "?"}, private IP {n.PrivateIpAddress ?? "?"}, public IP {n.Association?.PublicIp ?? "none"}, " +
            $"security groups {string.Join(", ", (n.Groups ?? []).Select(g => g.GroupId))}", interfacesFile)).ToList();
        var audit = new GitLabHostUnderAudit(resource with { Account = scope.AccountId, Region = scope.Region }, $"load balancer {resource.Name}", scope, attached,
            groupIds.Select(g => groups.First(s => s.GroupId == g)).ToList(), facts);
        return check(audit).ToList();
    }

    private static ResourceRef ResourceOf(Instance instance, ScopeSnapshot scope) =>
        new(instance.InstanceId, instance.InstanceId, scope.AccountId, scope.Region);

    private static ResourceRef Placeholder(GitLabHostRef host, AccountTarget account)
    {
        var (id, name) = host switch
        {
            { InstanceId: { } i } => (i, i),
            { Tag: { } t } => ($"tag:{t.Key}={t.Value}", $"instances tagged {t.Key}={t.Value}"),
            { LoadBalancerArn: { } arn } => (arn, arn.Split('/').Reverse().Skip(1).FirstOrDefault() ?? arn),
            { EcsService: { } ecs } => ($"ecs:{ecs.Cluster}/{ecs.Service}", $"{ecs.Cluster}/{ecs.Service}"),
            _ => ("posture:gitLab.hosts", "(empty host reference)"),
        };
        return new ResourceRef(id, name, account.AccountId, account.Region);
    }
}
