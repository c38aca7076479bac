using IsolationChecks.Collection;
using IsolationChecks.Posture;

namespace IsolationChecks.Running;

/// <summary>What a posture makes the collector read beyond what every scope reads.</summary>
public static class CollectionPlan
{
    public static CollectionOptions For(PostureDocument posture, string? endpointUrl) => new(
        endpointUrl,
        IncludeEcrPublic: posture.Ecr is not null,
        IncludeConnections: posture.Connections is not null,
        GitLabHosts: GitLabHostDiscovery(posture.GitLab));

    /// <summary>GitLab hosts named by load balancer or ECS service need those services read in the GitLab account.</summary>
    private static IReadOnlyList<HostDiscovery> GitLabHostDiscovery(GitLabPosture? gitLab) => gitLab is null ? [] :
    [
        new HostDiscovery(
            gitLab.Account,
            gitLab.Hosts.Any(h => h.LoadBalancerArn is not null),
            gitLab.Hosts.Select(h => h.EcsService).OfType<EcsServiceRef>().Select(e => new EcsServiceName(e.Cluster, e.Service)).Distinct().ToList()),
    ];
}
