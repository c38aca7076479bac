using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using IsolationChecks.Posture;
using LibGit2Sharp;
using LibGit2Sharp.Handlers;

namespace IsolationChecks.Git;

/// <param name="GitCliSecondOpinion">Also run <c>git push --dry-run</c> with the git CLI (needs git on PATH).</param>
/// <param name="DefaultTimeout">Per step, when the posture gives no timeoutSeconds.</param>
public sealed record GitProbeOptions(bool GitCliSecondOpinion = false, string GitExecutable = "git", TimeSpan? DefaultTimeout = null)
{
    public TimeSpan TimeoutFor(GitProbePosture posture) =>
        posture.TimeoutSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : DefaultTimeout ?? TimeSpan.FromSeconds(30);
}

/// <summary>
/// GIT-1's live probe. Proves the pull credentials can read the mirror (upload-pack discovery through
/// libgit2, expected branch advertised), then asks the server whether they may push
/// (<c>GET info/refs?service=git-receive-pack</c>), which must be refused with 403. It never pushes:
/// libgit2 has no dry-run push, so LibGit2Sharp only lists references here, and the optional git CLI
/// second opinion uses <c>--dry-run</c>, which stops after the same discovery. Nothing is written on the server.
/// Every outcome, including failures, becomes a <see cref="GitProbeRecord"/>; secrets never enter it.
/// </summary>
public sealed partial class GitPushRefusalProbe(GitCredentialResolver credentials, TimeProvider clock, GitProbeOptions? options = null)
{
    private readonly GitProbeOptions _options = options ?? new GitProbeOptions();

    public static GitPushRefusalProbe CreateDefault(GitProbeOptions? options = null) =>
        new(GitCredentialResolver.Default(TimeProvider.System), TimeProvider.System, options);

    public async Task<GitProbeRecord> RunAsync(GitProbePosture posture, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var repository = WithoutCredentials(posture.RepositoryUrl);
        var shown = repository?.AbsoluteUri.TrimEnd('/') ?? RedactUserInfo(posture.RepositoryUrl);
        var record = new GitProbeRecord(GitProbeRecord.CurrentFormat, shown, posture.ExpectedBranch, null, null, null, startedAt, null, null, null);
        if (repository is null)
            return record with { SetupError = $"gitProbe.repositoryUrl '{shown}' is not an absolute http(s) URL" };
        if (repository.Scheme == Uri.UriSchemeHttp && !repository.IsLoopback)
            return record with { SetupError = $"gitProbe.repositoryUrl '{shown}' is plain http: the probe does not send credentials unencrypted (use https)" };

        GitCredential credential;
        try
        {
            credential = await credentials.ResolveAsync(posture.Credentials, repository, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Expired SSO tokens, unreachable STS, an unknown region...: the probe did not run, which is inconclusive.
            // The SDK's messages name profiles and files, not secret values; scrub URLs anyway.
            return record with { SetupError = $"cannot resolve the probe's credentials: {RedactUserInfo(e.Message)}" };
        }

        record = record with { Principal = credential.Principal, CredentialSource = credential.Source };
        var timeout = _options.TimeoutFor(posture);
        var read = await ReadAsync(repository, posture.ExpectedBranch, credential, timeout, cancellationToken);
        var (discovery, sourceAddress) = await ReceivePackDiscoveryAsync(repository, credential, timeout, cancellationToken);
        var cli = _options.GitCliSecondOpinion
            ? await new GitCliSecondOpinion(_options.GitExecutable).RunAsync(repository, credential, timeout, cancellationToken)
            : null;
        return record with { SourceAddress = sourceAddress, Read = read, ReceivePackDiscovery = discovery, CliSecondOpinion = cli };
    }

    private static async Task<GitReadStep> ReadAsync(Uri repository, string expectedBranch, GitCredential credential, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = repository.AbsoluteUri.TrimEnd('/');
        var shownUrl = $"{url}/info/refs?service=git-upload-pack";
        var expectedRef = expectedBranch.StartsWith("refs/", StringComparison.Ordinal) ? expectedBranch : $"refs/heads/{expectedBranch}";
        var offered = 0;
        // Offer the credentials once: a second request for them means they were rejected, and replaying
        // them (libgit2 would, up to 15 times) only hammers a production server with a wrong password.
        CredentialsHandler handler = (_, _, _) => Interlocked.Increment(ref offered) == 1
            ? new UsernamePasswordCredentials { Username = credential.Username, Password = credential.Password }
            : throw new CredentialsRejectedException();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            // libgit2 has no cancellation or per-call timeout: bound the wait; a stuck call is abandoned on its thread.
            var refs = await Task.Run(() => Repository.ListRemoteReferences(url, handler).Select(r => r.CanonicalName).ToList(), cancellationToken)
                .WaitAsync(timeout, cancellationToken);
            var shown = refs.Where(r => r == "HEAD" || r.StartsWith("refs/heads/", StringComparison.Ordinal)).Take(GitReadStep.MaxRefsRecorded).ToList();
            return new GitReadStep("GET", shownUrl, "libgit2", true, 200, stopwatch.ElapsedMilliseconds, refs.Count, shown, refs.Contains(expectedRef),
                CredentialsRequested: Volatile.Read(ref offered) > 0);
        }
        catch (TimeoutException)
        {
            return Failed(GitErrorClass.Timeout, null, $"no answer within {timeout.TotalSeconds:0}s");
        }
        catch (Exception e) when (e is LibGit2SharpException or CredentialsRejectedException)
        {
            var rejected = Volatile.Read(ref offered) > 1 || e is CredentialsRejectedException || e.InnerException is CredentialsRejectedException;
            var (errorClass, status) = rejected ? (GitErrorClass.Unauthorized, 401) : Classify(e.Message);
            var message = rejected ? "the server asked for credentials again after they were sent (401): they were not accepted" : e.Message;
            return Failed(errorClass, status, credential.Redact(RedactUserInfo(message)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // e.g. the native libgit2 library cannot load: the read was not done, which is inconclusive, not a crash of the run.
            return Failed(GitErrorClass.Other, null, credential.Redact(RedactUserInfo($"libgit2 could not run: {e.GetType().Name}: {e.Message}")));
        }

        GitReadStep Failed(GitErrorClass errorClass, int? status, string error) =>
            new("GET", shownUrl, "libgit2", false, status, stopwatch.ElapsedMilliseconds, 0, [], false, errorClass, error, Volatile.Read(ref offered) > 0);
    }

    private static async Task<(GitHttpStep Step, string? LocalAddress)> ReceivePackDiscoveryAsync(
        Uri repository, GitCredential credential, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = $"{repository.AbsoluteUri.TrimEnd('/')}/info/refs?service=git-receive-pack";
        string? localAddress = null;
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    localAddress = socket.LocalEndPoint is IPEndPoint local
                        ? (local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address).ToString()
                        : null;
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler) { Timeout = timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicAuthorizationParameter);
        request.Headers.UserAgent.ParseAdd("git/2.39 (isolationchecks-git-probe)");
        var stopwatch = Stopwatch.StartNew();
        try
        {
            // Headers only: the body of a 200 is a reference advertisement we do not need.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return (new GitHttpStep("GET", url, status, response.Content.Headers.ContentType?.MediaType, stopwatch.ElapsedMilliseconds,
                status is >= 300 and < 400 ? GitErrorClass.Redirect : null,
                status is >= 300 and < 400 ? $"redirected to {RedactUserInfo(response.Headers.Location?.ToString() ?? "(no Location)")}" : null), localAddress);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var errorClass = e switch
            {
                TaskCanceledException => GitErrorClass.Timeout,
                HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => GitErrorClass.Dns,
                HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => GitErrorClass.Tls,
                HttpRequestException { InnerException: AuthenticationException } => GitErrorClass.Tls,
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => GitErrorClass.Connection,
                _ => GitErrorClass.Other,
            };
            var message = e is TaskCanceledException ? $"no answer within {timeout.TotalSeconds:0}s" : e.Message;
            return (new GitHttpStep("GET", url, null, null, stopwatch.ElapsedMilliseconds, errorClass, credential.Redact(RedactUserInfo(message))), localAddress);
        }
    }

    /// <summary>libgit2 reports HTTP and transport failures only as text: sort them into classes a verdict can name.</summary>
    internal static (GitErrorClass Class, int? Status) Classify(string message)
    {
        if (HttpStatusInMessage().Match(message) is { Success: true } match)
        {
            var status = int.Parse(match.Groups["status"].Value);
            return (status switch { 401 => GitErrorClass.Unauthorized, 403 => GitErrorClass.Forbidden, 404 => GitErrorClass.NotFound, _ => GitErrorClass.HttpStatus }, status);
        }

        var lower = message.ToLowerInvariant();
        if (lower.Contains("authentication replays") || lower.Contains("authentication required")) return (GitErrorClass.Unauthorized, 401);
        if (lower.Contains("resolve") || lower.Contains("name or service not known") || lower.Contains("getaddrinfo")) return (GitErrorClass.Dns, null);
        if (lower.Contains("ssl") || lower.Contains("tls") || lower.Contains("certificate")) return (GitErrorClass.Tls, null);
        if (lower.Contains("timed out") || lower.Contains("timeout")) return (GitErrorClass.Timeout, null);
        if (lower.Contains("connect") || lower.Contains("connection")) return (GitErrorClass.Connection, null);
        if (lower.Contains("redirect")) return (GitErrorClass.Redirect, null);
        return (GitErrorClass.Other, null);
    }

    /// <summary>The URL with any user:password@ removed; null when it is not an absolute http(s) URL.</summary>
    internal static Uri? WithoutCredentials(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return null;
        return new UriBuilder(uri) { UserName = "", Password = "" }.Uri;
    }

    internal static string RedactUserInfo(string text) => UserInfoInUrl().Replace(text, "://");

    [GeneratedRegex(@"(status code|HTTP status|returned error)\D{0,4}(?<status>[1-5]\d\d)\b", RegexOptions.IgnoreCase)]
    private static partial Regex HttpStatusInMessage();

    [GeneratedRegex(@"://[^/@\s'""]+@")]
    private static partial Regex UserInfoInUrl();

    private sealed class CredentialsRejectedException() : Exception("credentials rejected");
}
