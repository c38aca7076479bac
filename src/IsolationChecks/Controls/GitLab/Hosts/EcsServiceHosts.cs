using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.GitLab.Hosts;

/// <summary>
/// GitLab as an ECS service (the Fargate variant): the host is every task network interface of the tasks the service runs,
/// with the security groups on them and those the service's network configuration puts on new tasks.
/// </summary>
internal static class EcsServiceHosts
{
    private const string TaskInterface = "ElasticNetworkInterface";

    public static IReadOnlyList<Finding> Resolve(EcsServiceRef ecs, EvaluationContext context, HostResolution resolution)
    {
        var (placeholder, scope, verdict, _) = resolution;
        var key = $"{ecs.Cluster}/{ecs.Service}";
        var servicesFile = scope.PathOf(AwsCalls.DescribeServices.FileFor($"{ecs.Cluster}/{ecs.Service}"));
        if (!scope.Read<EcsServices>(AwsCalls.DescribeServices, key).TryGet(out var described, out var gap))
            return [verdict.Unavailable(placeholder, gap)];

        var service = described.Services.FirstOrDefault(s => s.ServiceName == ecs.Service);
        if (service is null)
        {
            var failure = described.Failures.FirstOrDefault();
            return [verdict.Inconclusive(placeholder,
                $"cannot verify {key}: describe-services in account {scope.AccountId} ({scope.Region}) does not describe service {ecs.Service} of cluster {ecs.Cluster}" +
                (failure is null ? "" : $" (failure: {failure.Reason ?? "?"}{(failure.Detail is null ? "" : $", {failure.Detail}")})") + " (is it in this account and region?)",
                EvidenceRemedies.NotListed("gitLab.hosts[].ecsService", "ECS service", scope.AccountId, scope.Region),
                new EvidenceFact(key, $"{described.Services.Count} service(s), {described.Failures.Count} failure(s)", servicesFile))];
        }

        var resource = new ResourceRef(service.ServiceArn ?? placeholder.Id, key, scope.AccountId, scope.Region);
        var configured = service.NetworkConfiguration?.AwsvpcConfiguration;
        var serviceFact = new EvidenceFact(key,
            $"service {service.Status}, launch type {service.LaunchType ?? "?"}, desired {service.DesiredCount?.ToString() ?? "?"} / running {service.RunningCount?.ToString() ?? "?"} task(s); " +
            (configured is null
                ? "no awsvpc network configuration"
                : $"new tasks get security groups {string.Join(", ", configured.SecurityGroups ?? [])} in subnets {string.Join(", ", configured.Subnets)}, public IP {configured.AssignPublicIp ?? "?"}"),
            servicesFile);
        if (service.Status is not "ACTIVE")
            return [verdict.Inconclusive(resource, $"cannot verify {key}: the service is {service.Status}, not ACTIVE",
                $"Run again once {key} is ACTIVE, or, if GitLab no longer runs there, point gitLab.hosts at where it runs now.", serviceFact)];

        var tasksListFile = scope.PathOf(AwsCalls.ListTasks.FileFor($"{ecs.Cluster}/{ecs.Service}"));
        if (!scope.Read<EcsTaskList>(AwsCalls.ListTasks, key).TryGet(out var listed, out gap))
            return [verdict.Unavailable(resource, gap)];
        var taskArns = listed.TaskArns.ToHashSet(StringComparer.Ordinal);
        if (taskArns.Count == 0)
            return [verdict.Inconclusive(resource,
                $"cannot verify {key}: list-tasks shows no running task, so the service has no network interface to judge (desired count {service.DesiredCount?.ToString() ?? "?"})",
                $"Run again while {key} has running tasks (its network interfaces exist only then), or collect while it is scaled up.",
                serviceFact, new EvidenceFact(key, "list-tasks --desired-status RUNNING returned no task", tasksListFile))];

        var listedFact = new EvidenceFact(key, $"list-tasks --desired-status RUNNING: {taskArns.Count} task(s)", tasksListFile);
        var tasksFile = scope.PathOf(AwsCalls.DescribeTasks.FileFor($"{ecs.Cluster}/{ecs.Service}"));
        if (!scope.Read<EcsTasks>(AwsCalls.DescribeTasks, key).TryGet(out var tasks, out gap))
            return [verdict.Unavailable(resource, gap)];

        // ListTasks filters by service already; the task group ("service:NAME") guards against a listing that did not.
        var group = $"service:{ecs.Service}";
        var ofService = tasks.Tasks.Where(t => taskArns.Contains(t.TaskArn) && t.Group == group).ToList();
        var others = tasks.Tasks.Count(t => taskArns.Contains(t.TaskArn) && t.Group != group);
        var tasksFact = new EvidenceFact(key,
            $"{ofService.Count} task(s) of group {group}: {string.Join(", ", ofService.Select(t => $"{ShortId(t.TaskArn)} {t.LastStatus ?? "?"}"))}" +
            (others > 0 ? $"; {others} listed task(s) of other groups ignored" : ""), tasksFile);
        if (ofService.Count == 0)
            return [verdict.Inconclusive(resource,
                $"cannot verify {key}: describe-tasks describes none of the {taskArns.Count} listed task(s) as a task of {group}",
                EvidenceRemedies.Recollect(AwsCalls.DescribeTasks, tasksFile), serviceFact, tasksFact)];

        var interfaceIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var task in ofService)
        {
            var attachments = task.Attachments.Where(a => a.Type == TaskInterface && a.Status is not ("DELETED" or "DELETING")).ToList();
            var ids = attachments.Select(a => a.Detail("networkInterfaceId")).OfType<string>().ToList();
            if (ids.Count == 0 && attachments.Count > 0)
                return [verdict.Inconclusive(resource,
                    $"cannot verify {key}: task {ShortId(task.TaskArn)}'s network interface is not created yet (attachment status " +
                    $"{string.Join(", ", attachments.Select(a => a.Status ?? "?"))}); run again once the task is running",
                    $"Run again once the tasks of {key} are running (their network interfaces are attached then).", serviceFact, tasksFact)];
            if (ids.Count == 0)
                return [verdict.Inconclusive(resource,
                    $"cannot verify {key}: task {ShortId(task.TaskArn)} has no task network interface (awsvpc network mode), so GitLab listens on its container " +
                    "instance's interfaces, which this suite does not resolve; run the service in awsvpc mode or declare the container instances as hosts",
                    "Declare the container instances GitLab runs on as gitLab.hosts (instance ids), which the suite can resolve, then run again.", serviceFact, tasksFact)];
            foreach (var id in ids)
                interfaceIds[id] = task.TaskArn;
        }

        if (!scope.Ec2.NetworkInterfaces.TryGet(out var interfaces, out gap)) return [verdict.Unavailable(resource, gap)];
        var attached = interfaces.Where(n => interfaceIds.ContainsKey(n.NetworkInterfaceId)).ToList();
        var absent = interfaceIds.Keys.Except(attached.Select(n => n.NetworkInterfaceId)).ToList();
        if (absent.Count > 0)
            return [verdict.Inconclusive(resource,
                $"cannot verify {key}: the task network interface(s) {string.Join(", ", absent)} are not in describe-network-interfaces",
                EvidenceRemedies.Recollect(AwsCalls.DescribeNetworkInterfaces, scope.PathOf(AwsCalls.DescribeNetworkInterfaces.File)), serviceFact, tasksFact)];

        return resolution.Audit(resource, $"ECS service {key}", attached, configured?.SecurityGroups ?? [], [serviceFact, listedFact, tasksFact],
            n => $"task {ShortId(interfaceIds[n.NetworkInterfaceId])}");
    }

    /// <summary>The task id, the last segment of its ARN.</summary>
    private static string ShortId(string taskArn) => taskArn[(taskArn.LastIndexOf('/') + 1)..];
}
