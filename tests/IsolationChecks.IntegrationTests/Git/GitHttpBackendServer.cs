using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IsolationChecks.IntegrationTests.Git;

/// <summary>How the test server decides who may push.</summary>
public enum PushPolicy
{
    /// <summary>Like CodeCommit with a GitPull-only reader: reader 403 on receive-pack, writer allowed.</summary>
    WritersOnly,
    /// <summary>A misconfigured server: receive-pack discovery answers 200 to every authenticated user.</summary>
    EveryoneMayPush,
    /// <summary>A server that refuses everything with 403 (e.g. a source-IP condition that does not match).</summary>
    ForbidEverything,
}

/// <summary>
/// Git smart HTTP for tests: git's own git-http-backend run as CGI behind Kestrel, Basic auth,
/// 401 with WWW-Authenticate when unauthenticated, 403 on receive-pack for non-writers.
/// Every request is logged (method, path, user, status) so tests can see what the probe did.
/// </summary>
public sealed class GitHttpBackendServer : IAsyncDisposable
{
    public const string Backend = "/usr/lib/git-core/git-http-backend";

    private readonly WebApplication _app;
    private readonly IReadOnlyDictionary<string, (string Password, bool CanPush)> _users;
    private readonly string _reposRoot;
    private readonly PushPolicy _policy;

    private GitHttpBackendServer(string reposRoot, IReadOnlyDictionary<string, (string, bool)> users, PushPolicy policy)
    {
        _reposRoot = reposRoot;
        _users = users;
        _policy = policy;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => { k.Listen(IPAddress.Loopback, 0); k.Limits.MaxRequestBodySize = null; });
        _app = builder.Build();
        _app.Map("/{**path}", HandleAsync);
    }

    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<GitHttpBackendServer> StartAsync(string reposRoot, IReadOnlyDictionary<string, (string Password, bool CanPush)> users, PushPolicy policy = PushPolicy.WritersOnly)
    {
        var server = new GitHttpBackendServer(reposRoot, users.ToDictionary(u => u.Key, u => (u.Value.Password, u.Value.CanPush)), policy);
        await server._app.StartAsync();
        server.BaseUrl = new Uri(server._app.Urls.First());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var user = Authenticate(request);
        if (user is null)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
            Log(request, "-", 401);
            return;
        }

        var isPush = request.Query["service"] == "git-receive-pack" || path.EndsWith("/git-receive-pack", StringComparison.Ordinal);
        var allowed = _policy switch
        {
            PushPolicy.ForbidEverything => false,
            PushPolicy.EveryoneMayPush => true,
            _ => !isPush || _users[user].CanPush,
        };
        if (!allowed)
        {
            context.Response.StatusCode = 403;
            await context.Response.WriteAsync($"user '{user}' may not {(isPush ? "push" : "read")}\n");
            Log(request, user, 403);
            return;
        }

        if (path.Contains("..", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 400;
            return;
        }

        await RunBackendAsync(context, user, path);
    }

    private string? Authenticate(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return null;
        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)).Split(':', 2);
        return pair.Length == 2 && _users.TryGetValue(pair[0], out var known) && known.Password == pair[1] ? pair[0] : null;
    }

    // A SigV4 Git user name is "<access key id>%<session token>": log the key id only, as AWS would.
    private void Log(HttpRequest request, string user, int status) =>
        Requests.Enqueue($"{request.Method} {request.Path}{request.QueryString} user={user.Split('%')[0]} -> {status}");

    private async Task RunBackendAsync(HttpContext context, string user, string path)
    {
        var request = context.Request;
        var start = new ProcessStartInfo(Backend)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var env = start.Environment;
        env["GIT_PROJECT_ROOT"] = _reposRoot;
        env["GIT_HTTP_EXPORT_ALL"] = "1";
        env["GATEWAY_INTERFACE"] = "CGI/1.1";
        env["SERVER_PROTOCOL"] = "HTTP/1.1";
        env["REQUEST_METHOD"] = request.Method;
        env["PATH_INFO"] = path;
        env["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        env["REMOTE_USER"] = user; // git-http-backend enables receive-pack only for authenticated users
        env["REMOTE_ADDR"] = context.Connection.RemoteIpAddress?.ToString() ?? "";
        if (request.ContentType is not null) env["CONTENT_TYPE"] = request.ContentType;
        if (request.ContentLength is { } length) env["CONTENT_LENGTH"] = length.ToString(); // unset for chunked bodies: read to EOF
        if (request.Headers.ContentEncoding.Count > 0) env["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        if (request.Headers.TryGetValue("Git-Protocol", out var protocol)) env["GIT_PROTOCOL"] = protocol.ToString();

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdin = Task.Run(async () =>
        {
            try { await request.Body.CopyToAsync(process.StandardInput.BaseStream); }
            finally { process.StandardInput.Close(); }
        });
        var output = process.StandardOutput.BaseStream;
        var status = 200;
        foreach (var line in await ReadCgiHeadersAsync(output))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase)) status = int.Parse(value.Split(' ')[0]);
            else context.Response.Headers.Append(name, value);
        }

        context.Response.StatusCode = status;
        await output.CopyToAsync(context.Response.Body);
        await stdin;
        await process.WaitForExitAsync();
        await stderr;
        Log(request, user, status);
    }

    /// <summary>CGI headers up to the empty line, read byte by byte so the body stays binary-safe.</summary>
    private static async Task<IReadOnlyList<string>> ReadCgiHeadersAsync(Stream output)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await output.ReadAsync(one) == 1)
        {
            bytes.Add(one[0]);
            var n = bytes.Count;
            if (n >= 2 && bytes[n - 1] == '\n' && (bytes[n - 2] == '\n' || (n >= 4 && bytes[n - 2] == '\r' && bytes[n - 3] == '\n')))
                break;
        }

        return Encoding.ASCII.GetString(bytes.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
