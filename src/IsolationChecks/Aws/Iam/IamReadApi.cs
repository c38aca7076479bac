using System.Globalization;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Iam;

/// <summary>IAM reads over the thin Query client (AWSSDK.IdentityManagement is not on the mirror).</summary>
internal sealed class IamReadApi(ThinServiceClient client, int? pageSize, TimeSpan? retryDelay = null) : IIamReadApi, IDisposable
{
    private static readonly string[] DetailLists = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"];

    private readonly AwsCallRunner _runner = new(client.Service.IamPrefix, client.Attempts, retryDelay);

    public async Task<ApiCallResult> GetAccountAuthorizationDetailsAsync(CancellationToken cancellationToken)
    {
        const string action = "GetAccountAuthorizationDetails";
        var call = _runner.Begin(action);
        var merged = DetailLists.ToDictionary(name => name, _ => new JsonArray());
        string? marker = null;
        do
        {
            var parameters = new List<KeyValuePair<string, string>>();
            if (pageSize is { } size)
                parameters.Add(new("MaxItems", size.ToString(CultureInfo.InvariantCulture)));
            if (marker is not null)
                parameters.Add(new("Marker", marker));
            var request = new QueryRequest { Action = action, Version = client.Service.ApiVersion, Parameters = parameters };
            var page = await call.PageAsync(request, client.QueryAsync, r => IamXmlToCliJson.ConvertResult(r.Body, action), cancellationToken).ConfigureAwait(false);
            foreach (var name in DetailLists)
                CliJson.AppendItems(merged[name], page, name);
            marker = page["IsTruncated"]?.GetValue<bool>() == true ? page["Marker"]?.GetValue<string>() : null;
        }
        while (!string.IsNullOrEmpty(marker));

        var output = new JsonObject();
        foreach (var name in DetailLists)
            output[name] = merged[name];
        return call.Result(output);
    }

    public void Dispose() => client.Dispose();
}
