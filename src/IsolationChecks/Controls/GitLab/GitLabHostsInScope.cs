using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.GitLab.Hosts;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

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
    public string SecurityGroupsFile => Scope.PathOf(AwsCalls.DescribeSecurityGroups.File);

    /// <summary>The interfaces each group is attached to, for messages ("on eni-...").</summary>
    public IEnumerable<string> InterfacesOf(string groupId) =>
        Interfaces.Where(i => i.Groups.Any(g => g.GroupId == groupId)).Select(i => i.NetworkInterfaceId);
}

/// <summary>
/// Resolves the posture's gitLab hosts (instance id or tag, load balancer, ECS service) to their network interfaces
/// and security groups, turning every reason a host cannot be judged into an inconclusive naming the missing call,
/// so a GitLab control always says something about every declared host.
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
                "the posture's gitLab section declares no host: nothing to verify",
                EvidenceRemedies.DeclareInPosture("the GitLab host under gitLab.hosts (an instance id, a Name tag, a load balancer ARN or an ECS service)"));
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

            foreach (var finding in Resolve(host, placeholder, context, scope!, verdict, check))
                yield return finding;
        }
    }

    private static IReadOnlyList<Finding> Resolve(
        GitLabHostRef host, ResourceRef placeholder, EvaluationContext context, ScopeSnapshot scope, FindingFactory verdict, Func<GitLabHostUnderAudit, IEnumerable<Finding>> check)
    {
        var resolution = new HostResolution(placeholder, scope, verdict, check);
        return host switch
        {
            { LoadBalancerArn: { } arn } => LoadBalancerHosts.Resolve(arn, context, resolution),
            { EcsService: { } ecs } => EcsServiceHosts.Resolve(ecs, context, resolution),
            { InstanceId: not null } or { Tag: not null } => InstanceHosts.Resolve(host, resolution),
            _ => [verdict.Error(placeholder, "gitLab.hosts has an empty host reference: name an instanceId, tag, loadBalancerArn or ecsService")],
        };
    }

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
