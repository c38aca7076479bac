using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Collection;

/// <summary>Collects one scope: confirms the account with STS, then every service in parallel.</summary>
internal sealed class ScopeCollector(
    CollectionRun run, ScopeContext scope, bool includeEcrPublic = false, bool includeConnections = false, HostDiscovery? gitLabHosts = null)
{
    private static readonly IReadOnlySet<string> NoRepositoryPolicy = new HashSet<string>(StringComparer.Ordinal) { "RepositoryPolicyNotFoundException" };
    private static readonly IReadOnlySet<string> NoLifecyclePolicy = new HashSet<string>(StringComparer.Ordinal) { "LifecyclePolicyNotFoundException" };

    public const int BatchGetProjectsLimit = 100;

    private static readonly PlannedCall CallerIdentity = new("sts", "GetCallerIdentity", null, SnapshotLayout.StsCallerIdentity);
    private static readonly PlannedCall ListProjects = new("codebuild", "ListProjects", null, SnapshotLayout.CodeBuildListProjects);
    private static readonly PlannedCall BatchGetProjects = new("codebuild", "BatchGetProjects", null, SnapshotLayout.CodeBuildBatchGetProjects);
    private static readonly PlannedCall DescribeRepositories = new("ecr", "DescribeRepositories", null, SnapshotLayout.EcrDescribeRepositories);
    private static readonly PlannedCall RegistryScanning = new("ecr", "GetRegistryScanningConfiguration", null, SnapshotLayout.EcrRegistryScanningConfiguration);
    private static readonly PlannedCall AuthorizationDetails = new("iam", "GetAccountAuthorizationDetails", null, SnapshotLayout.IamAccountAuthorizationDetails);
    private static readonly PlannedCall PublicRepositories = new("ecr-public", "DescribeRepositories", null, SnapshotLayout.EcrPublicDescribeRepositories);
    private static readonly PlannedCall ListHosts = new("codeconnections", "ListHosts", null, SnapshotLayout.CodeConnectionsListHosts);
    private static readonly PlannedCall DescribeLoadBalancers = new("elasticloadbalancing", "DescribeLoadBalancers", null, SnapshotLayout.Elbv2DescribeLoadBalancers);

    /// <summary>The calls every scope makes regardless of what it finds (per-resource calls come on top).</summary>
    public static IReadOnlyList<PlannedCall> TopLevelCalls { get; } =
    [
        CallerIdentity,
        .. Enum.GetValues<Ec2Listing>().Select(ListingCall),
        ListProjects,
        DescribeRepositories,
        RegistryScanning,
        AuthorizationDetails,
    ];

    public async Task CollectAsync(IAwsClientFactory clients, CancellationToken scopeToken)
    {
        AwsServiceSet services;
        try
        {
            services = clients.Create(scope.Scope);
        }
        catch (Exception e) when (e is not OperationCanceledException and not InputException)
        {
            // A bad profile name is the user's to fix and stops the run; anything else becomes a recorded gap.
            foreach (var call in TopLevelCalls)
                run.RecordNotSent(scope, call, "NoClient", $"The clients for {scope.Name} could not be created: {e.Message}");
            return;
        }

        using (services)
        {
            if (!await ConfirmAccountAsync(services, scopeToken).ConfigureAwait(false))
                return;
            await Task.WhenAll(
                CollectEc2Async(services.Ec2, scopeToken),
                CollectCodeBuildAsync(services.CodeBuild, scopeToken),
                CollectEcrAsync(services.Ecr, scopeToken),
                run.RunAsync(scope, AuthorizationDetails, services.Iam.GetAccountAuthorizationDetailsAsync, scopeToken),
                CollectEcrPublicAsync(services.EcrPublic, scopeToken),
                CollectConnectionsAsync(services.Connections, scopeToken),
                CollectLoadBalancersAsync(services.LoadBalancers, scopeToken),
                CollectEcsServicesAsync(services.Ecs, scopeToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Nothing is collected unless STS confirms the credentials reach the scope's account: evidence from
    /// another account must never be judged as this one's.
    /// </summary>
    private async Task<bool> ConfirmAccountAsync(AwsServiceSet services, CancellationToken scopeToken)
    {
        ApiCallResult identity;
        var started = run.Timestamp();
        try
        {
            identity = await run.LimitedAsync(services.Sts.GetCallerIdentityAsync, scopeToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AwsCallException || (e is OperationCanceledException && scope.BudgetExpired))
        {
            var (code, message) = e is AwsCallException a ? (a.ErrorCode, a.ErrorMessage) : ("TimeBudgetExceeded", "The time budget ran out.");
            run.RecordFailed(scope, CallerIdentity, code, message, e is AwsCallException f ? f.Attempts : 0, started);
            foreach (var call in TopLevelCalls.Skip(1))
                run.RecordNotSent(scope, call, "AccountUnverified", $"sts:GetCallerIdentity failed ({code}), so the account could not be confirmed.");
            return false;
        }

        var account = identity.Output["Account"]?.GetValue<string>();
        scope.CallerArn = identity.Output["Arn"]?.GetValue<string>();
        if (account != scope.Scope.AccountId)
        {
            var message = $"The credentials for {scope.Name} reach account {account ?? "(unknown)"} as {scope.CallerArn ?? "(unknown)"}, not {scope.Scope.AccountId}: nothing of this scope was collected.";
            foreach (var call in TopLevelCalls)
                run.RecordNotSent(scope, call, "WrongAccount", message);
            return false;
        }

        run.RecordMerged(scope, CallerIdentity, identity.Output, identity.Pages, identity.Attempts, started);
        return true;
    }

    private static PlannedCall ListingCall(Ec2Listing listing) => new("ec2", OperationOf(listing), null, FileOf(listing));

    private Task CollectEc2Async(IEc2ReadApi ec2, CancellationToken token) =>
        Task.WhenAll(Enum.GetValues<Ec2Listing>().Select(async listing =>
        {
            var output = await run.RunAsync(scope, ListingCall(listing), t => ec2.DescribeAsync(listing, t), token).ConfigureAwait(false);
            if (listing == Ec2Listing.ManagedPrefixLists && output?["PrefixLists"] is JsonArray lists)
            {
                var ids = lists.Select(l => l?["PrefixListId"]?.GetValue<string>()).OfType<string>().Distinct().Order(StringComparer.Ordinal);
                await Task.WhenAll(ids.Select(id => run.RunAsync(
                    scope,
                    new PlannedCall("ec2", "GetManagedPrefixListEntries", id, SnapshotLayout.PrefixListEntries(id)),
                    t => ec2.GetManagedPrefixListEntriesAsync(id, t),
                    token))).ConfigureAwait(false);
            }
        }));

    private async Task CollectCodeBuildAsync(ICodeBuildReadApi codeBuild, CancellationToken token)
    {
        var list = await run.RunAsync(scope, ListProjects, codeBuild.ListProjectsAsync, token).ConfigureAwait(false);
        if (list?["projects"] is not JsonArray names)
        {
            // The project inventory is BatchGetProjects' file: its gap must quote why it was never asked for.
            var cause = run.Outcome(scope, ListProjects);
            run.RecordNotSent(scope, BatchGetProjects, cause?.ErrorCode ?? "NotSent",
                $"not sent because ListProjects failed: {cause?.ErrorMessage ?? "no project listing"}");
            return;
        }

        var batches = names.Select(n => n!.GetValue<string>()).Chunk(BatchGetProjectsLimit).ToList();
        await run.RunBatchesAsync(scope, BatchGetProjects, batches, (batch, t) => codeBuild.BatchGetProjectsAsync(batch, t), ["projects", "projectsNotFound"], token).ConfigureAwait(false);
    }

    private Task CollectEcrPublicAsync(IEcrPublicReadApi? ecrPublic, CancellationToken token)
    {
        if (!includeEcrPublic)
            return Task.CompletedTask;
        if (ecrPublic is null)
        {
            run.RecordNotSent(scope, PublicRepositories, "NoClient", "no ECR Public client was configured for this scope");
            return Task.CompletedTask;
        }

        return run.RunAsync(scope, PublicRepositories, ecrPublic.DescribeRepositoriesAsync, token);
    }

    private Task CollectConnectionsAsync(IConnectionsReadApi? connections, CancellationToken token)
    {
        if (!includeConnections)
            return Task.CompletedTask;
        if (connections is null)
        {
            run.RecordNotSent(scope, ListHosts, "NoClient", "no CodeConnections client was configured for this scope");
            return Task.CompletedTask;
        }

        return run.RunAsync(scope, ListHosts, connections.ListHostsAsync, token);
    }

    private Task CollectLoadBalancersAsync(ILoadBalancersReadApi? loadBalancers, CancellationToken token)
    {
        if (gitLabHosts is not { LoadBalancers: true })
            return Task.CompletedTask;
        if (loadBalancers is null)
        {
            run.RecordNotSent(scope, DescribeLoadBalancers, "NoClient", "no Elastic Load Balancing client was configured for this scope");
            return Task.CompletedTask;
        }

        return run.RunAsync(scope, DescribeLoadBalancers, loadBalancers.DescribeLoadBalancersAsync, token);
    }

    /// <summary>
    /// For each ECS service GitLab runs as: the service (its network configuration), the tasks it runs and their
    /// descriptions (their network interfaces). One file per service and call, so each is one AWS CLI command's output.
    /// </summary>
    private Task CollectEcsServicesAsync(IEcsReadApi? ecs, CancellationToken token) =>
        Task.WhenAll((gitLabHosts?.EcsServices ?? []).Distinct().Select(async target =>
        {
            var key = $"{target.Cluster}/{target.Service}";
            var describeServices = new PlannedCall("ecs", "DescribeServices", key, SnapshotLayout.EcsDescribeServices(target.Cluster, target.Service));
            var listTasks = new PlannedCall("ecs", "ListTasks", key, SnapshotLayout.EcsListTasks(target.Cluster, target.Service));
            var describeTasks = new PlannedCall("ecs", "DescribeTasks", key, SnapshotLayout.EcsDescribeTasks(target.Cluster, target.Service));
            if (ecs is null)
            {
                foreach (var call in new[] { describeServices, listTasks, describeTasks })
                    run.RecordNotSent(scope, call, "NoClient", "no ECS client was configured for this scope");
                return;
            }

            var service = run.RunAsync(scope, describeServices, t => ecs.DescribeServicesAsync(target.Cluster, [target.Service], t), token);
            var listed = await run.RunAsync(scope, listTasks, t => ecs.ListServiceTasksAsync(target.Cluster, target.Service, t), token).ConfigureAwait(false);
            if (listed?["taskArns"] is not JsonArray arns)
            {
                var cause = run.Outcome(scope, listTasks);
                run.RecordNotSent(scope, describeTasks, cause?.ErrorCode ?? "NotSent", $"not sent because ListTasks failed: {cause?.ErrorMessage ?? "no task listing"}");
            }
            else if (arns.Count > 0)
            {
                var batches = arns.Select(a => a!.GetValue<string>()).Chunk(Aws.Ecs.EcsReadApi.DescribeTasksLimit).ToList();
                await run.RunBatchesAsync(scope, describeTasks, batches, (batch, t) => ecs.DescribeTasksAsync(target.Cluster, batch, t), ["tasks", "failures"], token).ConfigureAwait(false);
            }

            await service.ConfigureAwait(false);
        }));

    private async Task CollectEcrAsync(IEcrReadApi ecr, CancellationToken token)
    {
        var scanning = run.RunAsync(scope, RegistryScanning, ecr.GetRegistryScanningConfigurationAsync, token);
        var repositories = await run.RunAsync(scope, DescribeRepositories, ecr.DescribeRepositoriesAsync, token).ConfigureAwait(false);
        var names = (repositories?["repositories"] as JsonArray ?? [])
            .Select(r => r?["repositoryName"]?.GetValue<string>()).OfType<string>().Order(StringComparer.Ordinal).ToList();
        await Task.WhenAll(names.SelectMany(name => new[]
        {
            run.RunAsync(scope, new PlannedCall("ecr", "GetRepositoryPolicy", name, SnapshotLayout.EcrRepositoryPolicy(name), NoRepositoryPolicy), t => ecr.GetRepositoryPolicyAsync(name, t), token),
            run.RunAsync(scope, new PlannedCall("ecr", "GetLifecyclePolicy", name, SnapshotLayout.EcrLifecyclePolicy(name), NoLifecyclePolicy), t => ecr.GetLifecyclePolicyAsync(name, t), token),
        }).Append(scanning)).ConfigureAwait(false);
    }

    private static string OperationOf(Ec2Listing listing) => listing switch
    {
        Ec2Listing.Reservations => "DescribeInstances",
        _ => $"Describe{listing}",
    };

    private static string FileOf(Ec2Listing listing) => listing switch
    {
        Ec2Listing.Vpcs => SnapshotLayout.Vpcs,
        Ec2Listing.Subnets => SnapshotLayout.Subnets,
        Ec2Listing.RouteTables => SnapshotLayout.RouteTables,
        Ec2Listing.NetworkAcls => SnapshotLayout.NetworkAcls,
        Ec2Listing.SecurityGroups => SnapshotLayout.SecurityGroups,
        Ec2Listing.NatGateways => SnapshotLayout.NatGateways,
        Ec2Listing.InternetGateways => SnapshotLayout.InternetGateways,
        Ec2Listing.EgressOnlyInternetGateways => SnapshotLayout.EgressOnlyInternetGateways,
        Ec2Listing.VpcEndpoints => SnapshotLayout.VpcEndpoints,
        Ec2Listing.NetworkInterfaces => SnapshotLayout.NetworkInterfaces,
        Ec2Listing.Reservations => SnapshotLayout.Reservations,
        Ec2Listing.ManagedPrefixLists => SnapshotLayout.ManagedPrefixLists,
        Ec2Listing.Addresses => SnapshotLayout.Addresses,
        _ => throw new ArgumentOutOfRangeException(nameof(listing), listing, null),
    };
}
