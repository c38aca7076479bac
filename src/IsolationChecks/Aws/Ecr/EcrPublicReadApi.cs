using System.Text.Json.Nodes;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws
{
    /// <summary>ECR Public (ECR-5). The service exists only in us-east-1, whatever the scope's region.</summary>
    public interface IEcrPublicReadApi
    {
        /// <summary>DescribeRepositories, every page merged under "repositories", as `aws ecr-public describe-repositories --region us-east-1` prints it.</summary>
        Task<ApiCallResult> DescribeRepositoriesAsync(CancellationToken cancellationToken);
    }
}

namespace IsolationChecks.Aws.Ecr
{
    /// <summary>ECR Public reads over the thin JSON 1.1 client (api.ecr-public.us-east-1.amazonaws.com, target SpencerFrontendService).</summary>
    internal sealed class EcrPublicReadApi(JsonProtocolCaller caller, int? pageSize) : IEcrPublicReadApi, IDisposable
    {
        public const string TargetPrefix = "SpencerFrontendService";

        /// <summary>The only region ECR Public answers in.</summary>
        public const string Region = "us-east-1";

        public static ThinServiceDescription Service { get; } = new("ECR PUBLIC", "ecr-public", "api.ecr-public", "2020-10-30", "ecr-public");

        public static IReadOnlySet<string> TimestampMembers { get; } = new HashSet<string>(StringComparer.Ordinal) { "createdAt" };

        public Task<ApiCallResult> DescribeRepositoriesAsync(CancellationToken cancellationToken)
        {
            var body = new JsonObject();
            if (pageSize is { } size)
                body["maxResults"] = size;
            return caller.CallPagedAsync("DescribeRepositories", body, "repositories", cancellationToken);
        }

        public void Dispose() => caller.Dispose();
    }
}
