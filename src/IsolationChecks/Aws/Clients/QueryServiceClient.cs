using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Clients;

/// <summary>
/// Sends catalog calls to an AWS Query service (IAM, ELBv2) through a thin client: request members serialised as
/// Query parameters (lists as <c>Name.member.N</c>, structures as <c>Name.Member</c>), the XML result converted into
/// the JSON the AWS CLI prints, and Marker pages merged.
/// </summary>
internal sealed class QueryServiceClient(ThinServiceClient client, AwsService service, int? pageSize, TimeSpan? retryDelay = null) : IAwsServiceClient
{
    private readonly AwsCallRunner _runner = new(service.IamPrefix, client.Attempts, retryDelay);
    private readonly QueryXmlToCliJson _converter = new(service.XmlShape ?? throw new ArgumentException($"{service} declares no XML shape", nameof(service)));

    public AwsService Service => service;

    public async Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken)
    {
        var tracker = _runner.Begin(call.Operation);
        var parameters = Flatten(call.Request(args));
        if (call.Paging is not Paging.Markers paging)
            return tracker.Result(await PageAsync(tracker, call, parameters, cancellationToken).ConfigureAwait(false));

        if (paging.MaxMember is { } max && PageSizes.For(pageSize, paging.MaxPage) is { } size)
            parameters.Add(new(max, size.ToString(CultureInfo.InvariantCulture)));
        var merged = paging.Lists.ToDictionary(l => l, _ => new JsonArray(), StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var pageParameters = marker is null ? parameters : [.. parameters, new("Marker", marker)];
            var page = await PageAsync(tracker, call, pageParameters, cancellationToken).ConfigureAwait(false);
            foreach (var (list, items) in merged)
                CliJson.AppendItems(items, page, list);
            var truncated = paging.Truncated is null || page[paging.Truncated] is JsonValue flag && flag.GetValueKind() == JsonValueKind.True;
            marker = tracker.Next(truncated && page[paging.NextMarker] is JsonValue next ? next.GetValue<string>() : null);
        }
        while (!string.IsNullOrEmpty(marker));

        var output = new JsonObject();
        foreach (var (list, items) in merged)
            output[list] = items;
        return tracker.Result(output);
    }

    private Task<JsonObject> PageAsync(AwsCallRunner.CallTracker tracker, AwsCall call, List<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
        tracker.PageAsync(
            new QueryRequest { Action = call.Operation, Version = service.ApiVersion, Parameters = parameters },
            client.QueryAsync,
            r => _converter.ConvertResult(r.Body, call.Operation),
            cancellationToken);

    /// <summary>The AWS Query serialisation of request members.</summary>
    internal static List<KeyValuePair<string, string>> Flatten(JsonObject request)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in request)
            Flatten(name, value, parameters);
        return parameters;
    }

    private static void Flatten(string prefix, JsonNode? value, List<KeyValuePair<string, string>> parameters)
    {
        switch (value)
        {
            case null:
                return;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                    Flatten($"{prefix}.member.{i + 1}", list[i], parameters);
                return;
            case JsonObject structure:
                foreach (var (name, member) in structure)
                    Flatten($"{prefix}.{name}", member, parameters);
                return;
            case JsonValue scalar when scalar.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                parameters.Add(new(prefix, scalar.GetValue<bool>() ? "true" : "false"));
                return;
            default:
                parameters.Add(new(prefix, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()));
                return;
        }
    }

    public void Dispose() => client.Dispose();
}
