using IsolationChecks.Aws.Calls;
using IsolationChecks.Collection;
using IsolationChecks.Posture;

namespace IsolationChecks.Running;

/// <summary>What a posture makes the collector read beyond what every scope reads.</summary>
public static class CollectionPlan
{
    public static CollectionOptions For(PostureDocument posture, string? endpointUrl) => new(endpointUrl, Requests: RequestsFor(posture));

    public static CollectionRequests RequestsFor(PostureDocument posture)
    {
        var requests = new List<CollectionRequest>();
        // ECR Public is read in every scope: a public repository anywhere the posture covers is a finding.
        if (posture.Ecrs.Count > 0)
            requests.Add(new(AwsCalls.Plans.EcrPublic));
        requests.AddRange(posture.ConnectionSections.Select(c => new CollectionRequest(AwsCalls.Plans.Connections, c.Account)));
        if (posture.GitLab is { } gitLab)
        {
            // GL-2 asks how GitLab can be entered from outside: load balancers and Client VPN endpoints of every scope
            // (a load balancer in another account can target GitLab across a peering or transit gateway).
            requests.Add(new(AwsCalls.Plans.Ingress));
            requests.AddRange(gitLab.Hosts.Select(h => h.EcsService).OfType<EcsServiceRef>()
                .Select(e => new CollectionRequest(AwsCalls.Plans.EcsServices, gitLab.Account, new PlanItem($"{e.Cluster}/{e.Service}"))));
        }

        return new CollectionRequests(requests);
    }
}
