using System.Text;
using IsolationChecks.Git;
using IsolationChecks.Posture;

namespace IsolationChecks.Tests.Git;

public class GitCredentialTests
{
    [Test]
    public void Redact_removes_the_password_in_every_form_it_can_travel_in()
    {
        var credential = new GitCredential("reader", "p@ss/w0rd+x", "reader", "env:U/P", ["aws-secret-value", "session-token-value"]);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("reader:p@ss/w0rd+x"));
        var text = $"raw p@ss/w0rd+x, url {Uri.EscapeDataString("p@ss/w0rd+x")}, header Basic {basic}, aws-secret-value, session-token-value";

        var redacted = credential.Redact(text);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(redacted, Does.Not.Contain("p@ss/w0rd+x").And.Not.Contain(Uri.EscapeDataString("p@ss/w0rd+x")).And.Not.Contain(basic));
            Assert.That(redacted, Does.Not.Contain("aws-secret-value").And.Not.Contain("session-token-value"));
            Assert.That(redacted, Does.StartWith("raw ***"));
            Assert.That(credential.ToString(), Is.EqualTo("reader (env:U/P)"));
        }
    }

    [TestCase("https://user:secret@git.example.com/app.git", "https://git.example.com/app.git")]
    [TestCase("fatal: unable to access 'https://u:p@h/r/': error", "fatal: unable to access 'https://h/r/': error")]
    public void User_info_is_removed_from_urls_in_text(string text, string expected) =>
        Assert.That(GitPushRefusalProbe.RedactUserInfo(text), Is.EqualTo(expected));

    [Test]
    public void Urls_lose_their_credentials_and_non_http_urls_are_refused()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(GitPushRefusalProbe.WithoutCredentials("https://u:p@git.example.com/app.git")!.ToString(), Is.EqualTo("https://git.example.com/app.git"));
            Assert.That(GitPushRefusalProbe.WithoutCredentials("ssh://git@git.example.com/app.git"), Is.Null);
            Assert.That(GitPushRefusalProbe.WithoutCredentials("app.git"), Is.Null);
        }
    }

    [TestCase("unexpected http status code: 403", GitErrorClass.Forbidden, 403)]
    [TestCase("unexpected http status code: 401", GitErrorClass.Unauthorized, 401)]
    [TestCase("unexpected http status code: 404", GitErrorClass.NotFound, 404)]
    [TestCase("unexpected http status code: 502", GitErrorClass.HttpStatus, 502)]
    [TestCase("too many redirects or authentication replays", GitErrorClass.Unauthorized, 401)]
    [TestCase("failed to resolve address for git.invalid: Name or service not known", GitErrorClass.Dns, null)]
    [TestCase("failed to connect to 127.0.0.1: Connection refused", GitErrorClass.Connection, null)]
    [TestCase("SSL error: certificate verify failed", GitErrorClass.Tls, null)]
    [TestCase("failed to connect to 10.0.0.1: Operation timed out", GitErrorClass.Timeout, null)]
    [TestCase("something else", GitErrorClass.Other, null)]
    public void Libgit2_errors_are_sorted_into_classes(string message, GitErrorClass expected, int? status) =>
        Assert.That(GitPushRefusalProbe.Classify(message), Is.EqualTo((expected, status)));

    [Test]
    public async Task Credentials_from_environment_variables_are_resolved_by_name()
    {
        var env = new Dictionary<string, string> { ["PULL_USER"] = "isolated-pull-at-222222222222", ["PULL_PASSWORD"] = "pw-value" };
        var resolver = new GitCredentialResolver(name => env.GetValueOrDefault(name), (_, _) => throw new AssertionException("no profile expected"), TimeProvider.System);

        var credential = await resolver.ResolveAsync(new GitCredentialsRef("PULL_USER", "PULL_PASSWORD"), new Uri("https://h/r"), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(credential.Username, Is.EqualTo("isolated-pull-at-222222222222"));
            Assert.That(credential.Password, Is.EqualTo("pw-value"));
            Assert.That(credential.Principal, Is.EqualTo("isolated-pull-at-222222222222"));
            Assert.That(credential.Source, Is.EqualTo("env:PULL_USER/PULL_PASSWORD"));
        }
    }

    [Test]
    public void Unset_variables_and_an_empty_reference_are_named_without_values()
    {
        var env = new Dictionary<string, string> { ["PULL_USER"] = "someone" };
        var resolver = new GitCredentialResolver(name => env.GetValueOrDefault(name), (_, _) => throw new AssertionException("no profile expected"), TimeProvider.System);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => resolver.ResolveAsync(new GitCredentialsRef("PULL_USER", "PULL_PASSWORD"), new Uri("https://h/r"), CancellationToken.None),
                Throws.TypeOf<GitCredentialsUnavailableException>().With.Message.Contains("PULL_PASSWORD").And.Message.Not.Contains("someone"));
            Assert.That(() => resolver.ResolveAsync(new GitCredentialsRef(), new Uri("https://h/r"), CancellationToken.None),
                Throws.TypeOf<GitCredentialsUnavailableException>().With.Message.Contains("awsProfile"));
        }
    }

    [Test]
    public async Task An_aws_profile_yields_a_sigv4_git_password_with_a_masked_principal()
    {
        var clock = new StoppedClock(new DateTimeOffset(2026, 11, 24, 1, 2, 3, TimeSpan.Zero));
        var resolver = new GitCredentialResolver(_ => null,
            (profile, _) => Task.FromResult(new IsolationChecks.Aws.CodeCommit.AwsKeyCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "tok")),
            clock);

        var credential = await resolver.ResolveAsync(new GitCredentialsRef(AwsProfile: "isolated-pull"),
            new Uri("https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/app"), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(credential.Username, Is.EqualTo("AKIAIOSFODNN7EXAMPLE%tok"));
            Assert.That(credential.Password, Is.EqualTo("20261124T010203Ze1765b0033376677eb9d10b3124ac03860ffb14c04ed14f6c3e0349695e905ef"));
            Assert.That(credential.Principal, Is.EqualTo("AKIA****MPLE"));
            Assert.That(credential.Source, Does.Contain("aws-profile:isolated-pull"));
            Assert.That(credential.Redact("x wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY y"), Is.EqualTo("x *** y"));
        }
    }

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public class GitCredentialProfileTests
{
    [Test]
    public async Task A_named_profile_is_read_from_a_credentials_file_with_its_session_token()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("gitprobe-profile-").FullName, "credentials");
        await File.WriteAllTextAsync(file, """
            [isolated-pull]
            aws_access_key_id = AKIAIOSFODNN7EXAMPLE
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            aws_session_token = FwoGZXIvYXdzEXAMPLETOKEN
            """);
        try
        {
            var load = GitCredentialResolver.ProfileLoader(file);

            var credentials = await load("isolated-pull", CancellationToken.None);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(credentials.AccessKeyId, Is.EqualTo("AKIAIOSFODNN7EXAMPLE"));
                Assert.That(credentials.SecretAccessKey, Is.EqualTo("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
                Assert.That(credentials.SessionToken, Is.EqualTo("FwoGZXIvYXdzEXAMPLETOKEN"));
                Assert.That(() => load("absent", CancellationToken.None),
                    Throws.TypeOf<GitCredentialsUnavailableException>().With.Message.Contains("'absent'"));
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
