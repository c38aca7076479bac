using System.Net;
using System.Net.Sockets;
using IsolationChecks.Aws.CodeCommit;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Git.GIT1_PushRefused;
using IsolationChecks.Git;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.IntegrationTests.Git;

/// <summary>A bare mirror served by git-http-backend, and the pieces to probe it and judge the result like a live run.</summary>
public sealed class GitProbeHarness : IAsyncDisposable
{
    public const string UsernameEnv = "TEST_GIT_PULL_USERNAME";
    public const string PasswordEnv = "TEST_GIT_PULL_PASSWORD";
    public const string RepositoryName = "mirror.git";

    private readonly DirectoryInfo _root;

    private GitProbeHarness(DirectoryInfo root, BareRepository repository, GitHttpBackendServer? server)
    {
        _root = root;
        Repository = repository;
        Server = server;
    }

    public BareRepository Repository { get; }

    public GitHttpBackendServer? Server { get; }

    public Dictionary<string, string> Environment { get; } = [];

    public Func<string, CancellationToken, Task<AwsKeyCredentials>> AwsProfiles { get; set; } =
        (profile, _) => throw new GitCredentialsUnavailableException($"no AWS profile {profile} in this test");

    public static async Task<GitProbeHarness> StartAsync(IReadOnlyDictionary<string, (string Password, bool CanPush)> users, PushPolicy policy = PushPolicy.WritersOnly)
    {
        var root = Directory.CreateTempSubdirectory("gitprobe-test-");
        var repository = BareRepository.Create(root.FullName, RepositoryName);
        return new GitProbeHarness(root, repository, await GitHttpBackendServer.StartAsync(root.FullName, users, policy));
    }

    /// <summary>A repository and no server: its URL points at a loopback port nobody listens on.</summary>
    public static GitProbeHarness WithoutServer()
    {
        var root = Directory.CreateTempSubdirectory("gitprobe-test-");
        return new GitProbeHarness(root, BareRepository.Create(root.FullName, RepositoryName), null);
    }

    public string RepositoryUrl => Server is null
        ? $"http://127.0.0.1:{UnusedPort()}/{RepositoryName}"
        : new Uri(Server.BaseUrl, RepositoryName).ToString();

    public GitProbePosture Posture(string? url = null, GitCredentialsRef? credentials = null) =>
        new(url ?? RepositoryUrl, "main", credentials ?? new GitCredentialsRef(UsernameEnv, PasswordEnv), TimeoutSeconds: 10);

    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public GitPushRefusalProbe Probe(bool gitCli = false) =>
        new(new GitCredentialResolver(name => Environment.GetValueOrDefault(name), AwsProfiles, Clock),
            Clock, new GitProbeOptions(GitCliSecondOpinion: gitCli));

    public async Task<GitProbeRecord> RunAsUserAsync(string username, string password, bool gitCli = false)
    {
        Environment[UsernameEnv] = username;
        Environment[PasswordEnv] = password;
        return await Probe(gitCli).RunAsync(Posture(), CancellationToken.None);
    }

    /// <summary>Writes the record into a snapshot exactly where the collection puts it, and evaluates GIT-1 on it.</summary>
    public static Finding Judge(GitProbeRecord record, GitProbePosture? posture)
    {
        var files = new Dictionary<string, byte[]> { [GitProbeRecord.SnapshotPath] = record.ToJson() };
        var snapshot = new Snapshot("test", null, [], IntegrityReport.Unverified, new SnapshotFiles("test", files, null));
        var context = new EvaluationContext(snapshot,
            new PostureDocument(1, "test", new Dictionary<string, AccountTarget>(), GitProbe: posture), TimeProvider.System);
        var findings = new PushRefused().EvaluateAsync(context, CancellationToken.None).GetAwaiter().GetResult();
        Assert.That(findings, Has.Count.EqualTo(1));
        return findings[0];
    }

    public static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        try { _root.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
