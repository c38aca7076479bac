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

public sealed record StubRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body);

public sealed record StubAnswer(int Status, string ContentType, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>A tiny HTTP server standing in for moto in the proxy's own tests: it records what reached it and answers as told.</summary>
public sealed class StubUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StubRequest> _received = new();

    private StubUpstream(Func<StubRequest, StubAnswer> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var received = new StubRequest(
                context.Request.Method,
                context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray());
            _received.Enqueue(received);
            var reply = answer(received);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
                context.Response.Headers[name] = value;
            context.Response.ContentLength = reply.Body.Length;
            await context.Response.Body.WriteAsync(reply.Body, context.RequestAborted);
        });
    }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<StubRequest> Received => [.. _received];

    public static async Task<StubUpstream> StartAsync(Func<StubRequest, StubAnswer> answer, CancellationToken cancellationToken)
    {
        var stub = new StubUpstream(answer);
        await stub._app.StartAsync(cancellationToken);
        stub.Url = new Uri(stub._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
