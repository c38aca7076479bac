using System.Text.Json.Nodes;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.CodeBuild;

/// <summary>CodeBuild reads over the thin JSON 1.1 client (AWSSDK.CodeBuild is not on the mirror).</summary>
internal sealed class CodeBuildReadApi(JsonProtocolCaller caller) : ICodeBuildReadApi, IDisposable
{
    public const string TargetPrefix = "CodeBuild_20161006";

    public static IReadOnlySet<string> TimestampMembers { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "created", "lastModified", "lastModifiedSecret",
    };

    public Task<ApiCallResult> ListProjectsAsync(CancellationToken cancellationToken) =>
        caller.CallPagedAsync("ListProjects", [], "projects", cancellationToken);

    public async Task<ApiCallResult> BatchGetProjectsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        if (names.Count > 100)
            throw new ArgumentException("BatchGetProjects takes at most 100 names.", nameof(names));
        var result = await caller.CallAsync("BatchGetProjects", new JsonObject { ["names"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray()) }, cancellationToken).ConfigureAwait(false);
        var output = new JsonObject
        {
            ["projects"] = result.Output["projects"]?.DeepClone() ?? new JsonArray(),
            ["projectsNotFound"] = result.Output["projectsNotFound"]?.DeepClone() ?? new JsonArray(),
        };
        return result with { Output = output };
    }

    public void Dispose() => caller.Dispose();
}
