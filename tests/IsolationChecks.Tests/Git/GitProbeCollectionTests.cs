using IsolationChecks.Git;
using IsolationChecks.Posture;

namespace IsolationChecks.Tests.Git;

public class GitProbeCollectionTests
{
    private static GitPushRefusalProbe ProbeWithEmptyEnvironment() =>
        new(new GitCredentialResolver(_ => null, (_, _) => throw new GitCredentialsUnavailableException("no profiles here"), TimeProvider.System),
            TimeProvider.System);

    [Test]
    public async Task Nothing_is_collected_without_a_git_probe_section()
    {
        var collected = await GitProbeCollection.CollectAsync(null, ProbeWithEmptyEnvironment(), CancellationToken.None);

        Assert.That(collected, Is.Null);
    }

    [Test]
    public async Task A_probe_that_cannot_start_still_yields_its_record_at_the_snapshot_path()
    {
        var posture = new GitProbePosture("https://u:p@git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/app", "main", new GitCredentialsRef("NOPE_USER", "NOPE_PASSWORD"));

        var collected = await GitProbeCollection.CollectAsync(posture, ProbeWithEmptyEnvironment(), CancellationToken.None);

        Assert.That(collected, Is.Not.Null);
        var record = GitProbeRecord.FromJson(collected!.Value.Json);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(collected.Value.Path, Is.EqualTo("probes/git-push-refusal.json"));
            Assert.That(record.Format, Is.EqualTo(GitProbeRecord.CurrentFormat));
            Assert.That(record.RepositoryUrl, Is.EqualTo("https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/app"));
            Assert.That(record.SetupError, Does.Contain("NOPE_USER").And.Contain("NOPE_PASSWORD"));
            Assert.That(record.Read, Is.Null);
        }
    }

    [Test]
    public async Task A_url_that_is_not_http_is_recorded_as_a_setup_error()
    {
        var posture = new GitProbePosture("ssh://git@gitlab.example.com/group/app.git", "main", new GitCredentialsRef("U", "P"));

        var record = await ProbeWithEmptyEnvironment().RunAsync(posture, CancellationToken.None);

        Assert.That(record.SetupError, Does.Contain("not an absolute http(s) URL"));
    }

    [Test]
    public async Task Credentials_are_never_sent_over_plain_http_except_to_loopback()
    {
        var probe = new GitPushRefusalProbe(new GitCredentialResolver(_ => "value-that-must-not-travel", (_, _) => throw new GitCredentialsUnavailableException("none"), TimeProvider.System),
            TimeProvider.System, new GitProbeOptions(DefaultTimeout: TimeSpan.FromSeconds(1)));

        var record = await probe.RunAsync(new GitProbePosture("http://git.example.invalid/app.git", "main", new GitCredentialsRef("U", "P")), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(record.SetupError, Does.Contain("plain http"));
            Assert.That(record.Read, Is.Null);
            Assert.That(record.ReceivePackDiscovery, Is.Null);
        }
    }
}
