using System.Text.Json.Nodes;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws
{
    /// <summary>Amazon ECS: the services and tasks of a GitLab that runs on ECS or Fargate (GL-1, GL-2).</summary>
    public interface IEcsReadApi
    {
        /// <summary>DescribeServices for at most 10 services of one cluster, as `aws ecs describe-services` prints it ("services", "failures").</summary>
        Task<ApiCallResult> DescribeServicesAsync(string cluster, IReadOnlyList<string> services, CancellationToken cancellationToken);

        /// <summary>ListTasks of one service whose desired status is RUNNING, every page merged under "taskArns".</summary>
        Task<ApiCallResult> ListServiceTasksAsync(string cluster, string service, CancellationToken cancellationToken);

        /// <summary>DescribeTasks for at most 100 tasks of one cluster ("tasks", "failures"); the caller batches.</summary>
        Task<ApiCallResult> DescribeTasksAsync(string cluster, IReadOnlyList<string> taskArns, CancellationToken cancellationToken);
    }
}

namespace IsolationChecks.Aws.Ecs
{
    /// <summary>ECS reads over the thin JSON 1.1 client (AWSSDK.ECS is not on the mirror), member names as in the service model.</summary>
    internal sealed class EcsReadApi(JsonProtocolCaller caller, int? pageSize) : IEcsReadApi, IDisposable
    {
        public const string TargetPrefix = "AmazonEC2ContainerServiceV20141113";

        public const int DescribeServicesLimit = 10;

        public const int DescribeTasksLimit = 100;

        /// <summary>ListTasks allows at most 100 results per page.</summary>
        public const int MaxPageSize = 100;

        public static ThinServiceDescription Service { get; } = new("ECS", "ecs", "ecs", "2014-11-13", "ecs");

        public static IReadOnlySet<string> TimestampMembers { get; } = new HashSet<string>(StringComparer.Ordinal)
        {
            "createdAt", "updatedAt", "startedAt", "stoppedAt", "stoppingAt", "pullStartedAt", "pullStoppedAt",
            "executionStoppedAt", "connectivityAt",
        };

        public static JsonProtocolCaller Caller(ThinServiceClient client, TimeSpan? retryDelay) => new(client, TargetPrefix, TimestampMembers, retryDelay);

        public async Task<ApiCallResult> DescribeServicesAsync(string cluster, IReadOnlyList<string> services, CancellationToken cancellationToken)
        {
            if (services.Count is 0 or > DescribeServicesLimit)
                throw new ArgumentException($"DescribeServices takes 1 to {DescribeServicesLimit} services.", nameof(services));
            var body = new JsonObject { ["cluster"] = cluster, ["services"] = Strings(services) };
            var result = await caller.CallAsync("DescribeServices", body, cancellationToken).ConfigureAwait(false);
            return result with { Output = Batch(result.Output, "services") };
        }

        public Task<ApiCallResult> ListServiceTasksAsync(string cluster, string service, CancellationToken cancellationToken)
        {
            var body = new JsonObject { ["cluster"] = cluster, ["serviceName"] = service, ["desiredStatus"] = "RUNNING" };
            if (pageSize is { } size)
                body["maxResults"] = Math.Min(size, MaxPageSize);
            return caller.CallPagedAsync("ListTasks", body, "taskArns", cancellationToken);
        }

        public async Task<ApiCallResult> DescribeTasksAsync(string cluster, IReadOnlyList<string> taskArns, CancellationToken cancellationToken)
        {
            if (taskArns.Count is 0 or > DescribeTasksLimit)
                throw new ArgumentException($"DescribeTasks takes 1 to {DescribeTasksLimit} tasks.", nameof(taskArns));
            var body = new JsonObject { ["cluster"] = cluster, ["tasks"] = Strings(taskArns) };
            var result = await caller.CallAsync("DescribeTasks", body, cancellationToken).ConfigureAwait(false);
            return result with { Output = Batch(result.Output, "tasks") };
        }

        /// <summary>The batch's items and failures, both always present, as the CLI prints them.</summary>
        private static JsonObject Batch(JsonObject output, string itemsMember) => new()
        {
            [itemsMember] = output[itemsMember]?.DeepClone() ?? new JsonArray(),
            ["failures"] = output["failures"]?.DeepClone() ?? new JsonArray(),
        };

        private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

        public void Dispose() => caller.Dispose();
    }
}
