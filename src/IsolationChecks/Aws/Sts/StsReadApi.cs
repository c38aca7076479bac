using System.Text.Json.Nodes;
using Amazon.SecurityToken.Model;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Sts;

internal sealed class StsReadApi(GuardedStsClient client, TimeSpan? retryDelay = null) : IStsReadApi, IDisposable
{
    private readonly AwsCallRunner _runner = new("sts", client.Attempts, retryDelay);

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
