using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Clients;

/// <summary>
/// Sends catalog calls to an AWS JSON 1.0/1.1 service through a thin client: the declared request members, the
/// paging token merged away as the CLI does, nulls dropped and epoch timestamps printed as ISO 8601.
/// </summary>
internal sealed class JsonServiceClient(ThinServiceClient client, AwsService service, int? pageSize, TimeSpan? retryDelay = null) : IAwsServiceClient
{
    private readonly AwsCallRunner _runner = new(service.IamPrefix, client.Attempts, retryDelay);

    public AwsService Service => service;

    public async Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken)
    {
        var tracker = _runner.Begin(call.Operation);
        var body = call.Request(args);
        if (call.Paging is not Paging.Tokens paging)
            return tracker.Result(await PageAsync(tracker, call, body, cancellationToken).ConfigureAwait(false));

        if (paging.MaxMember is { } max && PageSizes.For(pageSize, paging.MaxPage) is { } size)
            body[max] = size;
        var merged = paging.Lists.ToDictionary(l => l, _ => new JsonArray(), StringComparer.Ordinal);
        string? token = null;
        do
        {
            var pageBody = body.DeepClone().AsObject();
            if (token is not null)
                pageBody[paging.Token] = token;
            var page = await PageAsync(tracker, call, pageBody, cancellationToken).ConfigureAwait(false);
            foreach (var (list, items) in merged)
                CliJson.AppendItems(items, page, list);
            token = tracker.Next(page[paging.Token] is JsonValue next ? next.GetValue<string>() : null);
        }
        while (!string.IsNullOrEmpty(token));

        var output = new JsonObject();
        foreach (var (list, items) in merged)
            output[list] = items;
        return tracker.Result(output);
    }

    private Task<JsonObject> PageAsync(AwsCallRunner.CallTracker tracker, AwsCall call, JsonObject body, CancellationToken cancellationToken) =>
        tracker.PageAsync(
            new JsonRequest { TargetPrefix = service.JsonTargetPrefix!, Action = call.Operation, Body = body.ToJsonString(), JsonVersion = service.JsonVersion },
            client.JsonAsync,
            Parse,
            cancellationToken);

    private JsonObject Parse(RawResponse response)
    {
        var page = CliJson.ParseObject(response.Body);
        CliJson.RemoveNulls(page);
        CliJson.ConvertEpochTimestamps(page, service.TimestampMembers ?? new HashSet<string>());
        return page;
    }

    public void Dispose() => client.Dispose();
}
