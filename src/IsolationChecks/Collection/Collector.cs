using System.Reflection;
using IsolationChecks.Aws;
using IsolationChecks.Snapshots;
using Polly;

namespace IsolationChecks.Collection;

/// <summary>One account and region to collect, with how to reach it.</summary>
/// <param name="Name">The posture's name for the account ("dev", "prd").</param>
public sealed record CollectionScope(string Name, string AccountId, string Region, string? Profile = null, string? RoleArn = null);

/// <param name="EndpointUrl">Overrides every service endpoint (else AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_&lt;SERVICE&gt;).</param>
/// <param name="MaxConcurrency">Calls in flight at once, across services and accounts.</param>
/// <param name="TimeBudgetPerScope">Wall-clock budget for one scope; calls not finished by then are recorded as failed.</param>
/// <param name="PageSize">MaxResults for paginated calls (null: the service default).</param>
/// <param name="IncludeEcrPublic">Also list the account's ECR Public repositories (us-east-1), which ECR-5 judges.</param>
/// <param name="IncludeConnections">Also list the account's CodeConnections hosts, which CONN-1 judges.</param>
/// <param name="GitLabHosts">The GitLab hosts that need more than EC2 to find (load balancers, ECS services), per scope.</param>
public sealed record CollectionOptions(
    string? EndpointUrl = null,
    int MaxConcurrency = 8,
    TimeSpan? TimeBudgetPerScope = null,
    int? PageSize = null,
    bool IncludeEcrPublic = false,
    bool IncludeConnections = false,
    IReadOnlyList<HostDiscovery>? GitLabHosts = null);

/// <summary>What to read in one scope (by its posture name) to find GitLab hosts that are not plain instances.</summary>
/// <param name="LoadBalancers">List the scope's ELBv2 load balancers (a host is named by load balancer ARN).</param>
/// <param name="EcsServices">ECS services whose tasks' interfaces are the host: each service, its running tasks and their interfaces.</param>
public sealed record HostDiscovery(string Scope, bool LoadBalancers, IReadOnlyList<EcsServiceName> EcsServices);

/// <summary>An ECS service by cluster name and service name.</summary>
public sealed record EcsServiceName(string Cluster, string Service);

/// <summary>A line of progress for the console: what is being collected, counts, elapsed time.</summary>
/// <param name="Attempts">For a finished call: the HTTP attempts it took (more than one: the SDK retried it).</param>
/// <param name="ErrorCode">For a failed or absent call: the error it ended with (Throttling, AccessDenied, ...).</param>
public sealed record CollectionProgress(
    string Scope, string Operation, string State, int CallsDone, int CallsFailed, TimeSpan Elapsed, int Attempts = 0, string? ErrorCode = null)
{
    public override string ToString() =>
        $"[{Elapsed.TotalSeconds,6:0.0}s] {Scope}: {Operation} {State}{Outcome()} ({CallsDone} calls done, {CallsFailed} failed)";

    /// <summary>" with Throttling after 4 attempts (3 retries, throttled)": what a retried or failed call went through.</summary>
    private string Outcome()
    {
        var retries = Attempts > 1 ? $"after {Attempts} attempts ({Attempts - 1} retries{(IsThrottling(ErrorCode) ? ", throttled" : "")})" : "";
        var error = ErrorCode is null ? "" : $" with {ErrorCode}";
        return retries.Length == 0 ? error : $"{error} {retries}";
    }

    /// <summary>The throttling error codes of the AWS protocols the collector speaks (EC2, Query, JSON).</summary>
    public static bool IsThrottling(string? errorCode) => errorCode is "Throttling" or "ThrottlingException" or "RequestLimitExceeded"
        or "TooManyRequestsException" or "RequestThrottled" or "RequestThrottledException" or "SlowDown" or "ThrottledException";
}

/// <summary>Creates the per-service read APIs for one scope (credentials, region, endpoints, read-only guard).</summary>
public interface IAwsClientFactory
{
    AwsServiceSet Create(CollectionScope scope);
}

public sealed record AwsServiceSet(
    IEc2ReadApi Ec2, ICodeBuildReadApi CodeBuild, IEcrReadApi Ecr, IIamReadApi Iam, IStsReadApi Sts, IEcrPublicReadApi? EcrPublic = null,
    IConnectionsReadApi? Connections = null, ILoadBalancersReadApi? LoadBalancers = null, IEcsReadApi? Ecs = null) : IDisposable
{
    public void Dispose()
    {
        foreach (var api in new object?[] { Ec2, CodeBuild, Ecr, Iam, Sts, EcrPublic, Connections, LoadBalancers, Ecs })
            (api as IDisposable)?.Dispose();
    }
}

/// <summary>
/// Gathers the environment once per run: every scope, every service in parallel (bounded), every page.
/// One failed call never aborts the run: it is recorded in the manifest and its data becomes a gap.
/// </summary>
public sealed class Collector(IAwsClientFactory clients, CollectionOptions options, TimeProvider clock)
{
    public async Task<SnapshotFiles> CollectAsync(IReadOnlyList<CollectionScope> scopes, IProgress<CollectionProgress>? progress, CancellationToken cancellationToken)
    {
        var collectedAt = clock.GetUtcNow();
        using var limiterStrategy = new ConcurrencyLimiterStrategy(options.MaxConcurrency);
        var limiter = new ResiliencePipelineBuilder().AddStrategy(_ => limiterStrategy).Build();
        var run = new CollectionRun(clock, limiter, progress);
        var contexts = scopes
            .Select(s => new ScopeContext(s, scopes.Count > 1 ? SnapshotLayout.ScopeFolder(s.AccountId, s.Region) : "", options.TimeBudgetPerScope, cancellationToken))
            .ToList();

        await Task.WhenAll(contexts.Select(scope => CollectScopeAsync(run, scope, cancellationToken))).ConfigureAwait(false);

        var files = new SortedDictionary<string, byte[]>(run.Files.ToDictionary(), StringComparer.Ordinal);
        var manifest = new SnapshotManifest(
            SnapshotManifest.CurrentFormat,
            ToolName,
            collectedAt,
            contexts.Select(c => new ManifestScope(c.Scope.AccountId, c.Scope.Region, c.Folder, c.CallerArn)).ToList(),
            run.Calls,
            new SortedDictionary<string, string>(files.ToDictionary(f => f.Key, f => FileDigest.Sha256Hex(f.Value)), StringComparer.Ordinal));
        return new SnapshotFiles("live", files, manifest);
    }

    /// <summary>"IsolationChecks &lt;informational version&gt;".</summary>
    public static string ToolName { get; } =
        $"IsolationChecks {typeof(Collector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown"}";

    private async Task CollectScopeAsync(CollectionRun run, ScopeContext scope, CancellationToken cancellationToken)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (options.TimeBudgetPerScope is { } budget)
            builder.AddTimeout(budget);
        var budgetPipeline = builder.Build();
        try
        {
            await budgetPipeline.ExecuteAsync(
                async token =>
                {
                    scope.ScopeToken = token;
                    await new ScopeCollector(run, scope, options.IncludeEcrPublic, options.IncludeConnections, options.GitLabHosts?.FirstOrDefault(h => h.Scope == scope.Scope.Name)).CollectAsync(clients, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            // Every call still running was recorded as TimeBudgetExceeded by the run.
        }
    }
}
