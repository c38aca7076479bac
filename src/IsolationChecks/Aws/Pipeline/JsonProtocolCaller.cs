using System.Text.Json.Nodes;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>Sends AWS JSON 1.1 (or 1.0) calls through a thin client and merges token-paged results.</summary>
/// <param name="jsonVersion">"1.1" (CodeBuild, ECR) or "1.0" (CodeConnections).</param>
/// <param name="tokenMember">The paging token's member name: "nextToken" in most JSON services, "NextToken" in CodeConnections.</param>
internal sealed class JsonProtocolCaller(
    ThinServiceClient client, string targetPrefix, IReadOnlySet<string> timestampMembers, TimeSpan? retryDelay = null,
    string jsonVersion = "1.1", string tokenMember = "nextToken") : IDisposable
{
    private readonly AwsCallRunner _runner = new(client.Service.IamPrefix, client.Attempts, retryDelay);

    public ThinServiceClient Client => client;

    /// <summary>One call, one page.</summary>
    public async Task<ApiCallResult> CallAsync(string action, JsonObject body, CancellationToken cancellationToken)
    {
        var call = _runner.Begin(action);
        var page = await call.PageAsync(NewRequest(action, body), client.JsonAsync, Parse, cancellationToken).ConfigureAwait(false);
        return call.Result(page);
    }

    /// <summary>Every page, merged under <paramref name="listMember"/>; the token is dropped as the CLI does.</summary>
    public async Task<ApiCallResult> CallPagedAsync(string action, JsonObject body, string listMember, CancellationToken cancellationToken)
    {
        var call = _runner.Begin(action);
        var merged = new JsonArray();
        string? token = null;
        do
        {
            var pageBody = body.DeepClone().AsObject();
            if (token is not null)
                pageBody[tokenMember] = token;
            var page = await call.PageAsync(NewRequest(action, pageBody), client.JsonAsync, Parse, cancellationToken).ConfigureAwait(false);
            CliJson.AppendItems(merged, page, listMember);
            token = page[tokenMember]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(token));

        return call.Result(new JsonObject { [listMember] = merged });
    }

    private JsonRequest NewRequest(string action, JsonObject body) =>
        new() { TargetPrefix = targetPrefix, Action = action, Body = body.ToJsonString(), JsonVersion = jsonVersion };

    private JsonObject Parse(RawResponse response)
    {
        var page = CliJson.ParseObject(response.Body);
        CliJson.RemoveNulls(page);
        CliJson.ConvertEpochTimestamps(page, timestampMembers);
        return page;
    }

    public void Dispose() => client.Dispose();
}
