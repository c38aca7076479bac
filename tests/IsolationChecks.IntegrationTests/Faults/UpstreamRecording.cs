using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>
/// moto's answers, recorded byte for byte the first time each distinct request (method, target, operation, body) is
/// asked, and replayed after: many fault proxies in front of one unchanging environment ask moto each question once.
/// Only answers moto gave successfully are kept; the proxies' faults apply to a replayed answer as to a fresh one.
/// </summary>
public sealed class UpstreamRecording
{
    private readonly ConcurrentDictionary<string, Lazy<Task<FaultProxy.UpstreamAnswer>>> _answers = new(StringComparer.Ordinal);

    /// <summary>How many distinct requests reached the upstream.</summary>
    public int Asked => _answers.Count;

    internal async Task<FaultProxy.UpstreamAnswer> AnswerAsync(HttpContext context, byte[] body, Func<Task<FaultProxy.UpstreamAnswer>> ask)
    {
        var request = context.Request;
        var key = $"{request.Method} {context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget} {request.Headers["X-Amz-Target"]} {Encoding.UTF8.GetString(body)}";
        var answer = _answers.GetOrAdd(key, _ => new Lazy<Task<FaultProxy.UpstreamAnswer>>(ask));
        try
        {
            var result = await answer.Value;
            if (result.Status == StatusCodes.Status200OK)
                return result;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            // Another proxy's request, which was abandoned or failed, was asking: ask again for this one.
        }

        _answers.TryRemove(KeyValuePair.Create(key, answer));
        return await ask();
    }
}
