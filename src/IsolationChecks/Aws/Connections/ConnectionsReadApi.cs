using System.Text.Json.Nodes;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws
{
    /// <summary>CodeConnections (CONN-1): the hosts through which CodePipeline reaches a self-managed GitLab.</summary>
    public interface IConnectionsReadApi
    {
        /// <summary>ListHosts, every page merged under "Hosts", as `aws codeconnections list-hosts` prints it.</summary>
        Task<ApiCallResult> ListHostsAsync(CancellationToken cancellationToken);
    }
}

namespace IsolationChecks.Aws.Connections
{
    /// <summary>
    /// CodeConnections reads over the thin client: AWS JSON 1.0, target prefix and member names as in the service model
    /// the AWS CLI uses (codeconnections 2023-12-01), paged by NextToken.
    /// </summary>
    internal sealed class ConnectionsReadApi(JsonProtocolCaller caller, int? pageSize) : IConnectionsReadApi, IDisposable
    {
        public const string TargetPrefix = "com.amazonaws.codeconnections.CodeConnections_20231201";

        public const string JsonVersion = "1.0";

        public const string TokenMember = "NextToken";

        /// <summary>ListHosts allows at most 100 results per page.</summary>
        public const int MaxPageSize = 100;

        public static ThinServiceDescription Service { get; } = new("CodeConnections", "codeconnections", "codeconnections", "2023-12-01", "codeconnections");

        /// <summary>Host has no timestamp member.</summary>
        public static IReadOnlySet<string> TimestampMembers { get; } = new HashSet<string>(StringComparer.Ordinal);

        public static JsonProtocolCaller Caller(ThinServiceClient client, TimeSpan? retryDelay) =>
            new(client, TargetPrefix, TimestampMembers, retryDelay, JsonVersion, TokenMember);

        public Task<ApiCallResult> ListHostsAsync(CancellationToken cancellationToken)
        {
            var body = new JsonObject();
            if (pageSize is { } size)
                body["MaxResults"] = Math.Min(size, MaxPageSize);
            return caller.CallPagedAsync("ListHosts", body, "Hosts", cancellationToken);
        }

        public void Dispose() => caller.Dispose();
    }
}
