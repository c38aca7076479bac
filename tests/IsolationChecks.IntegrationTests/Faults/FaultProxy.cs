using System.Text;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>One request the proxy answered.</summary>
/// <param name="Status">The status line sent to the client (for a truncated body: the upstream status, before the abort).</param>
/// <param name="Injected">The fault applied, or null when the upstream answer went through unchanged.</param>
public sealed record ProxiedRequest(long Sequence, string Service, string Operation, int Status, FaultKind? Injected);

/// <summary>When a request reached the proxy (since it started), the region it was signed for, and the fault it was given: rates on the wire.</summary>
public sealed record ProxiedArrival(string Service, string Operation, string Region, TimeSpan At, FaultKind? Injected);

/// <summary>
/// A reverse proxy on 127.0.0.1 in front of an AWS-wire upstream (moto). Requests go upstream byte for byte,
/// answers come back byte for byte, except where a rule added with <c>Inject(...).On(...)</c> says otherwise.
/// Every request is recorded for assertions.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    // Not forwarded: they describe one hop, not the message.
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection",
        "Proxy-Authorization", "Proxy-Authenticate", "Expect", "Content-Length",
    };

    private static readonly TimeSpan TruncationDrainTime = TimeSpan.FromMilliseconds(250);

    private readonly WebApplication _app;
    private readonly HttpClient _upstreamClient;
    private readonly Uri _upstream;
    private readonly List<FaultRule> _rules = [];
    private readonly Lock _rulesLock = new();
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();
    private readonly ConcurrentDictionary<(string Service, string Operation), Func<byte[], LocalAnswer>> _standIns = new();
    private readonly UpstreamRecording? _recording;
    private readonly ConcurrentQueue<ProxiedArrival> _arrivals = new();
    private readonly System.Diagnostics.Stopwatch _since = System.Diagnostics.Stopwatch.StartNew();
    private long _sequence;
    private Func<AwsCallIdentity, byte[], byte[]?>? _answer;

    private FaultProxy(Uri upstream, UpstreamRecording? recording)
    {
        _upstream = upstream;
        _recording = recording;
        _upstreamClient = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = Timeout.InfiniteTimeSpan };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>http://127.0.0.1:PORT, for AwsAccessSettings.EndpointUrl.</summary>
    public string Url { get; private set; } = "";

    public Uri Upstream => _upstream;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<ProxiedRequest> Requests => [.. _requests.OrderBy(r => r.Sequence)];

    /// <summary>Every request as it arrived, in arrival order.</summary>
    public IReadOnlyList<ProxiedArrival> Arrivals => [.. _arrivals.OrderBy(a => a.At)];

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_rulesLock)
                return [.. _rules];
        }
    }

    /// <param name="recording">Shared by proxies in front of one unchanging upstream: each distinct request is asked of it once.</param>
    public static async Task<FaultProxy> StartAsync(Uri upstream, CancellationToken cancellationToken, UpstreamRecording? recording = null)
    {
        var proxy = new FaultProxy(upstream, recording);
        await proxy._app.StartAsync(cancellationToken);
        var addresses = proxy._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        proxy.Url = addresses.Single().TrimEnd('/');
        return proxy;
    }

    public FaultTargeting Inject(Fault fault) => new(this, fault);

    /// <summary>
    /// Answers calls the upstream does not serve (moto has no Client VPN) with the body <paramref name="answer"/> gives
    /// (HTTP 200, XML); a null body lets the call through to the upstream.
    /// </summary>
    public void Answer(Func<AwsCallIdentity, byte[], byte[]?> answer) => _answer = answer;

    public void ClearFaults()
    {
        lock (_rulesLock)
            _rules.Clear();
    }

    public void ClearRequests()
    {
        _requests.Clear();
        _arrivals.Clear();
    }

    /// <summary>
    /// Answers one operation here instead of upstream: a stand-in for an API the upstream lacks (moto has no
    /// SimulatePrincipalPolicy), written to the AWS API reference's response shape.
    /// </summary>
    public void Answer(string service, string operation, Func<byte[], LocalAnswer> standIn) =>
        _standIns[(service.ToLowerInvariant(), operation)] = standIn;

    /// <summary>Requests seen for one operation of one service.</summary>
    public IReadOnlyList<ProxiedRequest> RequestsFor(string service, string operation) =>
        [.. Requests.Where(r => string.Equals(r.Service, service, StringComparison.OrdinalIgnoreCase) && r.Operation == operation)];

    internal FaultRule AddRule(FaultRule rule)
    {
        lock (_rulesLock)
            _rules.Add(rule);
        return rule;
    }

    public async ValueTask DisposeAsync()
    {
        // Clients keep idle keep-alive connections open; waiting for them to close (Kestrel's graceful shutdown) would cost
        // the whole shutdown timeout at every dispose, so connections still open after a moment are aborted.
        using var grace = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
        _upstreamClient.Dispose();
    }

    private Fault? ClaimFault(AwsCallIdentity call, byte[] body)
    {
        lock (_rulesLock)
        {
            foreach (var rule in _rules)
            {
                if (rule.Matches(call, body) && rule.TryClaim())
                    return rule.Fault;
            }
        }

        return null;
    }

    private void Record(AwsCallIdentity call, int status, FaultKind? injected) =>
        _requests.Enqueue(new ProxiedRequest(Interlocked.Increment(ref _sequence), call.Service, call.Operation, status, injected));

    private async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var request = context.Request;
        using var bodyBuffer = new MemoryStream();
        await request.Body.CopyToAsync(bodyBuffer, cancellationToken);
        var body = bodyBuffer.ToArray();

        var call = AwsCallIdentity.Read(
            request.Headers.Authorization.FirstOrDefault(),
            request.Headers["X-Amz-Target"].FirstOrDefault(),
            request.ContentType,
            request.QueryString.Value,
            body);
        var fault = ClaimFault(call, body);
        _arrivals.Enqueue(new ProxiedArrival(call.Service, call.Operation, call.Region, _since.Elapsed, fault?.Kind));
        if (fault is null && _answer?.Invoke(call, body) is { } answered)
        {
            Record(call, StatusCodes.Status200OK, null);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/xml;charset=UTF-8";
            context.Response.ContentLength = answered.Length;
            await context.Response.Body.WriteAsync(answered, cancellationToken);
            return;
        }

        if (fault is { Kind: FaultKind.Throttle or FaultKind.DenyAccess or FaultKind.ServerError })
        {
            var error = AwsErrorResponses.For(fault.Kind, fault.HttpStatus, call);
            Record(call, error.Status, fault.Kind);
            context.Response.StatusCode = error.Status;
            context.Response.ContentType = error.ContentType;
            foreach (var (name, value) in error.Headers)
                context.Response.Headers[name] = value;
            context.Response.ContentLength = error.Body.Length;
            await context.Response.Body.WriteAsync(error.Body, cancellationToken);
            return;
        }

        if (fault is { Kind: FaultKind.Delay })
            await Task.Delay(fault.DelayBy, cancellationToken);

        if (fault is { Kind: FaultKind.Hang })
        {
            // Accepted, never answered: only the client's own time limit ends the request.
            Record(call, 0, FaultKind.Hang);
            using var stopping = Stopping(cancellationToken);
            await Task.Delay(Timeout.Infinite, stopping.Token);
            return;
        }

        if (fault is { Kind: FaultKind.EndlessPages } && fault.Pages!.Repeat(call) is { } repeated)
        {
            Record(call, repeated.Status, FaultKind.EndlessPages);
            await WriteAsync(context, repeated, cancellationToken);
            return;
        }

        UpstreamAnswer answer;
        try
        {
            // A stand-in's answer meets the same faults as moto's.
            answer = _standIns.TryGetValue((call.Service.ToLowerInvariant(), call.Operation), out var standIn)
                ? Local(standIn(body))
                : _recording is null
                    ? await ForwardAsync(context, body, cancellationToken)
                    : await _recording.AnswerAsync(context, body, () => ForwardAsync(context, body, cancellationToken));
        }
        catch (HttpRequestException e)
        {
            Record(call, StatusCodes.Status502BadGateway, fault?.Kind);
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync($"fault proxy: upstream {_upstream} failed: {e.Message}", cancellationToken);
            return;
        }

        if (fault is { Kind: FaultKind.EndlessPages })
        {
            var first = fault.Pages!.First(call, answer);
            Record(call, first.Status, FaultKind.EndlessPages);
            await WriteAsync(context, first, cancellationToken);
            return;
        }

        context.Response.StatusCode = answer.Status;
        foreach (var (name, values) in answer.Headers)
            context.Response.Headers[name] = values;

        switch (fault?.Kind)
        {
            case FaultKind.Trickle:
                // Headers at once, then the body a byte at a time: a connection that stays alive and never finishes in time.
                Record(call, answer.Status, FaultKind.Trickle);
                using (var stopping = Stopping(cancellationToken))
                {
                    context.Response.ContentLength = answer.Body.Length;
                    for (var i = 0; i < answer.Body.Length; i++)
                    {
                        await context.Response.Body.WriteAsync(answer.Body.AsMemory(i, 1), stopping.Token);
                        await context.Response.Body.FlushAsync(stopping.Token);
                        await Task.Delay(fault.DelayBy, stopping.Token);
                    }
                }

                return;
            case FaultKind.TruncateBody:
                Record(call, answer.Status, FaultKind.TruncateBody);
                context.Response.ContentLength = answer.Body.Length;
                await context.Response.Body.WriteAsync(answer.Body.AsMemory(0, answer.Body.Length / 2), cancellationToken);
                await context.Response.Body.FlushAsync(cancellationToken);
                // A flush hands the bytes to Kestrel's transport, not to the socket; aborting at once can drop them.
                await Task.Delay(TruncationDrainTime, cancellationToken);
                context.Abort();
                return;
            case FaultKind.MalformedBody:
                var malformed = AwsErrorResponses.MalformedBody(call);
                Record(call, StatusCodes.Status200OK, FaultKind.MalformedBody);
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentLength = malformed.Length;
                await context.Response.Body.WriteAsync(malformed, cancellationToken);
                return;
            default:
                Record(call, answer.Status, fault?.Kind);
                context.Response.ContentLength = answer.Body.Length;
                await context.Response.Body.WriteAsync(answer.Body, cancellationToken);
                return;
        }
    }

    /// <summary>What a stand-in answers: status, content type and body.</summary>
    public sealed record LocalAnswer(int Status, string ContentType, string Body);

    /// <summary>An answer as it came from upstream (or a stand-in): status, headers, body.</summary>
    public sealed record UpstreamAnswer(int Status, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body);

    /// <summary>The request's own token, also cancelled when the proxy stops: a held or trickling answer never delays disposal.</summary>
    private CancellationTokenSource Stopping(CancellationToken request) =>
        CancellationTokenSource.CreateLinkedTokenSource(request, _app.Lifetime.ApplicationStopping);

    private static UpstreamAnswer Local(LocalAnswer local) =>
        new(local.Status, [KeyValuePair.Create("Content-Type", new[] { local.ContentType })], Encoding.UTF8.GetBytes(local.Body));

    private static async Task WriteAsync(HttpContext context, UpstreamAnswer answer, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = answer.Status;
        foreach (var (name, values) in answer.Headers)
            context.Response.Headers[name] = values;
        context.Response.ContentLength = answer.Body.Length;
        await context.Response.Body.WriteAsync(answer.Body, cancellationToken);
    }

    private async Task<UpstreamAnswer> ForwardAsync(HttpContext context, byte[] body, CancellationToken cancellationToken)
    {
        var request = context.Request;
        // RawTarget is the path and query exactly as the client sent them (no decoding or re-encoding).
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstream, rawTarget));
        message.Headers.Host = request.Host.Value; // the signed Host header stays the one the client signed
        if (body.Length > 0 || request.ContentLength is not null)
            message.Content = new ByteArrayContent(body);

        foreach (var (name, values) in request.Headers)
        {
            if (HopByHopHeaders.Contains(name))
                continue;
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        using var response = await _upstreamClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => !HopByHopHeaders.Contains(h.Key))
            .Select(h => KeyValuePair.Create(h.Key, h.Value.ToArray()))
            .ToList();
        return new UpstreamAnswer((int)response.StatusCode, headers, responseBody);
    }
}
