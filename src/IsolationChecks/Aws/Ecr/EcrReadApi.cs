using System.Text.Json.Nodes;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Ecr;

/// <summary>ECR reads over the thin JSON 1.1 client (AWSSDK.ECR is not on the mirror).</summary>
internal sealed class EcrReadApi(JsonProtocolCaller caller, int? pageSize) : IEcrReadApi, IDisposable
{
    public const string TargetPrefix = "AmazonEC2ContainerRegistry_V20150921";

    public static IReadOnlySet<string> TimestampMembers { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "createdAt", "lastEvaluatedAt", "updatedAt",
    };

    public Task<ApiCallResult> DescribeRepositoriesAsync(CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        if (pageSize is { } size)
            body["maxResults"] = size;
        return caller.CallPagedAsync("DescribeRepositories", body, "repositories", cancellationToken);
    }

    public Task<ApiCallResult> GetRepositoryPolicyAsync(string repositoryName, CancellationToken cancellationToken) =>
        caller.CallAsync("GetRepositoryPolicy", new JsonObject { ["repositoryName"] = repositoryName }, cancellationToken);

    public Task<ApiCallResult> GetLifecyclePolicyAsync(string repositoryName, CancellationToken cancellationToken) =>
        caller.CallAsync("GetLifecyclePolicy", new JsonObject { ["repositoryName"] = repositoryName }, cancellationToken);

    public Task<ApiCallResult> GetRegistryScanningConfigurationAsync(CancellationToken cancellationToken) =>
        caller.CallAsync("GetRegistryScanningConfiguration", [], cancellationToken);

    public void Dispose() => caller.Dispose();
}
