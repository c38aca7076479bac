using IsolationChecks.Controls.Catalog;
using IsolationChecks.Git;

namespace IsolationChecks.IntegrationTests.Git;

/// <summary>GIT-1 end to end against git's own git-http-backend: the six outcomes of the issue, and nothing ever written.</summary>
public class GitPushRefusalProbeTests
{
    private static readonly Dictionary<string, (string Password, bool CanPush)> Users = new()
    {
        ["reader"] = ("reader-pw-7Qk2", false),
        ["writer"] = ("writer-pw-9Xm4", true),
    };

    private static async Task<(GitProbeRecord Record, Finding Finding)> ProbeAsync(GitProbeHarness harness, string user, string password, bool gitCli = false)
    {
        var before = harness.Repository.Fingerprint();
        var record = await harness.RunAsUserAsync(user, password, gitCli);
        var after = harness.Repository.Fingerprint();
        TestContext.Out.WriteLine(System.Text.Encoding.UTF8.GetString(record.ToJson()));
        foreach (var line in harness.Server?.Requests ?? []) TestContext.Out.WriteLine(line);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after.Refs, Is.EqualTo(before.Refs), "the probe changed the repository's references");
            Assert.That(after.ObjectCount, Is.EqualTo(before.ObjectCount), "the probe added objects to the repository");
        }

        return (record, GitProbeHarness.Judge(record, harness.Posture(record.RepositoryUrl)));
    }

    [Test]
    public async Task Pull_credentials_on_a_reader_account_pass()
    {
        await using var harness = await GitProbeHarness.StartAsync(Users);

        var (record, finding) = await ProbeAsync(harness, "reader", Users["reader"].Password);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.Read, Is.Not.Null);
            Assert.That(record.Read!.Succeeded, Is.True, record.Read.Error);
            Assert.That(record.Read.ExpectedBranchPresent, Is.True);
            Assert.That(record.Read.CredentialsRequested, Is.True);
            Assert.That(record.Read.Refs, Does.Contain("refs/heads/main"));
            Assert.That(record.ReceivePackDiscovery!.Status, Is.EqualTo(403));
            Assert.That(record.ReceivePackDiscovery.Url, Does.EndWith("/mirror.git/info/refs?service=git-receive-pack"));
            Assert.That(record.Principal, Is.EqualTo("reader"));
            Assert.That(record.SourceAddress, Is.EqualTo("127.0.0.1"));
            Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
            Assert.That(finding.Evidence.Select(e => e.Fact), Has.Some.Contains("HTTP 403"));
            Assert.That(harness.Server!.Requests, Has.None.Contains("POST"), "no pack may ever be sent");
        }
    }

    [Test]
    public async Task Writer_credentials_configured_as_the_pull_user_fail()
    {
        await using var harness = await GitProbeHarness.StartAsync(Users);

        var (record, finding) = await ProbeAsync(harness, "writer", Users["writer"].Password);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.Read!.Succeeded, Is.True);
            Assert.That(record.ReceivePackDiscovery!.Status, Is.EqualTo(200));
            Assert.That(record.ReceivePackDiscovery.ContentType, Is.EqualTo("application/x-git-receive-pack-advertisement"));
            Assert.That(finding.Status, Is.EqualTo(Status.Fail));
            Assert.That(finding.Message, Does.Contain("writer may push").And.Contain("200"));
            Assert.That(harness.Server!.Requests, Has.None.Contains("POST"));
        }
    }

    [Test]
    public async Task A_wrong_password_is_inconclusive_and_is_sent_only_once()
    {
        await using var harness = await GitProbeHarness.StartAsync(Users);

        var (record, finding) = await ProbeAsync(harness, "reader", "not-the-password");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.Read!.Succeeded, Is.False);
            Assert.That(record.Read.ErrorClass, Is.EqualTo(GitErrorClass.Unauthorized));
            Assert.That(record.ReceivePackDiscovery!.Status, Is.EqualTo(401));
            Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(finding.Message, Does.Contain("reading").And.Contain("failed").And.Contain("401"));
            // libgit2 alone would replay rejected credentials up to 15 times.
            Assert.That(harness.Server!.Requests.Count(r => r.Contains("git-upload-pack")), Is.LessThanOrEqualTo(2));
        }
    }

    [Test]
    public async Task A_server_that_is_down_is_inconclusive()
    {
        await using var harness = GitProbeHarness.WithoutServer();

        var (record, finding) = await ProbeAsync(harness, "reader", Users["reader"].Password);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.Read!.Succeeded, Is.False);
            Assert.That(record.Read.ErrorClass, Is.EqualTo(GitErrorClass.Connection), record.Read.Error);
            Assert.That(record.ReceivePackDiscovery!.Status, Is.Null);
            Assert.That(record.ReceivePackDiscovery.ErrorClass, Is.EqualTo(GitErrorClass.Connection));
            Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(finding.Message, Does.Contain("connection"));
        }
    }

    [Test]
    public async Task A_server_that_answers_200_to_receive_pack_discovery_fails()
    {
        await using var harness = await GitProbeHarness.StartAsync(Users, PushPolicy.EveryoneMayPush);

        var (record, finding) = await ProbeAsync(harness, "reader", Users["reader"].Password);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.Read!.Succeeded, Is.True);
            Assert.That(record.ReceivePackDiscovery!.Status, Is.EqualTo(200));
            Assert.That(finding.Status, Is.EqualTo(Status.Fail));
            Assert.That(finding.Message, Does.Contain("reader may push"));
        }
    }

    [Test]
    public async Task A_server_that_answers_403_to_both_is_inconclusive()
    {
        await using var harness = await GitProbeHarness.StartAsync(Users, PushPolicy.ForbidEverything);

        var (record, finding) = await ProbeAsync(harness, "reader", Users["reader"].Password);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.Read!.Succeeded, Is.False);
            Assert.That(record.Read.ErrorClass, Is.EqualTo(GitErrorClass.Forbidden), record.Read.Error);
            Assert.That(record.Read.Status, Is.EqualTo(403));
            Assert.That(record.ReceivePackDiscovery!.Status, Is.EqualTo(403));
            Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive), "a refusal from a server that refuses reading too proves nothing");
            Assert.That(finding.Message, Does.Contain("403"));
        }
    }

    [Test]
    public async Task The_git_cli_second_opinion_is_refused_with_403_for_the_reader()
    {
        await using var harness = await GitProbeHarness.StartAsync(Users);

        var (record, finding) = await ProbeAsync(harness, "reader", Users["reader"].Password, gitCli: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.CliSecondOpinion, Is.Not.Null);
            Assert.That(record.CliSecondOpinion!.ExitCode, Is.Not.EqualTo(0));
            Assert.That(record.CliSecondOpinion.RefusedWith403, Is.True, record.CliSecondOpinion.StderrLine);
            Assert.That(record.CliSecondOpinion.StderrLine, Does.Contain("The requested URL returned error: 403"));
            Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
            Assert.That(finding.Message, Does.Contain("git push --dry-run"));
            Assert.That(harness.Server!.Requests, Has.None.Contains("POST"));
        }
    }

    [Test]
    public async Task The_git_cli_dry_run_with_writer_credentials_fails_and_writes_nothing()
    {
        await using var harness = await GitProbeHarness.StartAsync(Users);

        var (record, finding) = await ProbeAsync(harness, "writer", Users["writer"].Password, gitCli: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.CliSecondOpinion!.ExitCode, Is.EqualTo(0), record.CliSecondOpinion.StderrLine ?? record.CliSecondOpinion.Error);
            Assert.That(record.CliSecondOpinion.RefusedWith403, Is.False);
            Assert.That(finding.Status, Is.EqualTo(Status.Fail));
            Assert.That(harness.Server!.Requests, Has.None.Contains("POST"), "a dry run must stop after discovery");
        }
    }

    [Test]
    public async Task Missing_credential_variables_make_an_inconclusive_record_naming_them()
    {
        await using var harness = await GitProbeHarness.StartAsync(Users);

        var record = await harness.Probe().RunAsync(harness.Posture(), CancellationToken.None);
        var finding = GitProbeHarness.Judge(record, harness.Posture(record.RepositoryUrl));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.Read, Is.Null);
            Assert.That(record.SetupError, Does.Contain(GitProbeHarness.UsernameEnv).And.Contain(GitProbeHarness.PasswordEnv));
            Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(harness.Server!.Requests, Is.Empty, "nothing is sent without credentials");
        }
    }
}

/// <summary>A server that accepts connections and never answers: the probe gives up within its timeout.</summary>
public class GitPushRefusalProbeTimeoutTests
{
    [Test]
    public async Task A_server_that_never_answers_times_out_and_is_inconclusive()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<System.Net.Sockets.TcpClient>();
        var accepting = Task.Run(async () =>
        {
            try { while (true) accepted.Add(await silent.AcceptTcpClientAsync()); }
            catch (Exception e) when (e is ObjectDisposedException or System.Net.Sockets.SocketException) { }
        });
        await using var harness = GitProbeHarness.WithoutServer();
        harness.Environment[GitProbeHarness.UsernameEnv] = "reader";
        harness.Environment[GitProbeHarness.PasswordEnv] = "pw-1234";
        var posture = harness.Posture($"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/mirror.git") with { TimeoutSeconds = 1 };

        var started = System.Diagnostics.Stopwatch.StartNew();
        var record = await harness.Probe().RunAsync(posture, CancellationToken.None);
        var elapsed = started.Elapsed;
        silent.Stop();
        await accepting;
        foreach (var client in accepted) client.Dispose();

        var finding = GitProbeHarness.Judge(record, posture);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.Read!.ErrorClass, Is.EqualTo(IsolationChecks.Git.GitErrorClass.Timeout));
            Assert.That(record.ReceivePackDiscovery!.ErrorClass, Is.EqualTo(IsolationChecks.Git.GitErrorClass.Timeout));
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
            Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(finding.Message, Does.Contain("timeout"));
        }
    }
}
