using System.Collections;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Ec2;
using IsolationChecks.Aws.Pipeline;
using IsolationChecks.Aws.Sts;

namespace IsolationChecks.Aws.Clients;

/// <summary>How a catalog call is made through an official AWSSDK client: the typed request, response and list.</summary>
internal delegate Task<ApiCallResult> SdkBinding(IAwsServiceClient client, CallArgs args, CancellationToken cancellationToken);

/// <summary>Catalog calls over the official EC2 client, every page merged, converted into the JSON the CLI prints.</summary>
internal sealed class Ec2ServiceClient(GuardedEc2Client client, int? pageSize, TimeSpan? retryDelay = null) : IAwsServiceClient
{
    private readonly AwsCallRunner _runner = new("ec2", client.Attempts, retryDelay);
    private readonly SdkModelToCliJson _json = new();

    public AwsService Service => AwsServices.Ec2;

    public int? PageSize => pageSize;

    public GuardedEc2Client Client => client;

    public Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken) =>
        (call.Sdk ?? throw new InvalidOperationException($"{call} declares no EC2 binding"))(this, args, cancellationToken);

    /// <summary>Sends every page of one describe call and merges its list under <paramref name="listMember"/>.</summary>
    /// <param name="wireListElement">The list's element in the EC2 XML response (e.g. "vpcSet"), read for what the SDK loses.</param>
    public async Task<ApiCallResult> PagedAsync<TRequest, TResponse>(
        string operation,
        string listMember,
        string wireListElement,
        Func<string?, TRequest> newRequest,
        Func<TRequest, CancellationToken, Task<TResponse>> send,
        Func<TResponse, (IEnumerable? Items, string? NextToken)> page,
        Func<TResponse, JsonObject>? extra,
        CancellationToken cancellationToken)
        where TRequest : AmazonWebServiceRequest
    {
        var call = _runner.Begin(operation);
        var merged = new JsonArray();
        var output = new JsonObject();
        string? token = null;
        do
        {
            var request = newRequest(token);
            var (items, next, members) = await call.PageAsync(request, send, response => ConvertPage(request, response, page, wireListElement, extra), cancellationToken).ConfigureAwait(false);
            CliJson.AppendItems(merged, new JsonObject { ["items"] = items }, "items");
            foreach (var (name, value) in members?.ToList() ?? [])
            {
                members!.Remove(name);
                output[name] = value;
            }

            token = call.Next(next);
        }
        while (token is not null);

        output[listMember] = merged;
        return call.Result(output);
    }

    private (JsonArray Items, string? NextToken, JsonObject? Members) ConvertPage<TResponse>(
        AmazonWebServiceRequest request, TResponse response, Func<TResponse, (IEnumerable? Items, string? NextToken)> page, string wireListElement,
        Func<TResponse, JsonObject>? extra)
    {
        var (items, next) = page(response);
        var body = client.Bodies.BodyOf(request);
        var wireList = body is null ? null : XDocument.Load(new MemoryStream(body)).Root?.Elements().FirstOrDefault(e => e.Name.LocalName == wireListElement);
        return (_json.ConvertList(items, wireList), next, extra?.Invoke(response));
    }

    public void Dispose() => client.Dispose();
}

/// <summary>Catalog calls over the official STS client.</summary>
internal sealed class StsServiceClient(GuardedStsClient client, TimeSpan? retryDelay = null) : IAwsServiceClient
{
    private readonly AwsCallRunner _runner = new("sts", client.Attempts, retryDelay);

    public AwsService Service => AwsServices.Sts;

    public Task<ApiCallResult> CallAsync(AwsCall call, CallArgs args, CancellationToken cancellationToken) =>
        (call.Sdk ?? throw new InvalidOperationException($"{call} declares no STS binding"))(this, args, cancellationToken);

    public async Task<ApiCallResult> GetCallerIdentityAsync(CancellationToken cancellationToken)
    {
        var call = _runner.Begin("GetCallerIdentity");
        var output = await call.PageAsync(
            new GetCallerIdentityRequest(),
            client.GetCallerIdentityAsync,
            r => new JsonObject { ["UserId"] = r.UserId, ["Account"] = r.Account, ["Arn"] = r.Arn },
            cancellationToken).ConfigureAwait(false);
        return call.Result(output);
    }

    public void Dispose() => client.Dispose();
}

/// <summary>The typed bindings the catalog's EC2 and STS entries declare.</summary>
internal static class SdkBindings
{
    /// <summary>A paged EC2 describe call: NextToken/MaxResults on the typed request, the list read from the typed response.</summary>
    public static SdkBinding Ec2<TRequest, TResponse>(
        string listMember,
        string wireListElement,
        Func<CallArgs, string?, int?, TRequest> newRequest,
        Func<GuardedEc2Client, TRequest, CancellationToken, Task<TResponse>> send,
        Func<TResponse, (IEnumerable? Items, string? NextToken)> page,
        Func<TResponse, JsonObject>? extra = null)
        where TRequest : AmazonWebServiceRequest =>
        (client, args, cancellationToken) =>
        {
            var ec2 = (Ec2ServiceClient)client;
            return ec2.PagedAsync(
                OperationOf<TRequest>(), listMember, wireListElement,
                token => newRequest(args, token, ec2.PageSize), (r, t) => send(ec2.Client, r, t), page, extra, cancellationToken);
        };

    public static SdkBinding CallerIdentity { get; } = (client, _, cancellationToken) => ((StsServiceClient)client).GetCallerIdentityAsync(cancellationToken);

    private static string OperationOf<TRequest>() => typeof(TRequest).Name[..^"Request".Length];
}
