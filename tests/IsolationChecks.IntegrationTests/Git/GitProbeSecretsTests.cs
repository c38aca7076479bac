using System.Text;
using IsolationChecks.Aws.CodeCommit;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Git;
using IsolationChecks.Posture;

namespace IsolationChecks.IntegrationTests.Git;

/// <summary>
/// Runs every kind of probe with distinctive secrets and greps everything the run produced for them:
/// the records, findings (message, evidence, remediation), exception texts, the server's request log
/// and this test's own output.
/// </summary>
public class GitProbeSecretsTests
{
    private const string ReaderPassword = "Zebra-Reader-Secret-5f1c9e";
    private const string WriterPassword = "Okapi-Writer-Secret-83b2d1";
    private const string WrongPassword = "Quokka-Wrong-Secret-11aa77";
    private const string AccessKeyId = "AKIAZZTESTKEYWXYZ";
    private const string SecretAccessKey = "Narwhal/Secret+Key=0a9f3c";
    private const string SessionToken = "Axolotl-Session-Token-77e0d4";

    [Test]
    public async Task No_secret_appears_in_records_findings_logs_or_output()
    {
        var now = new DateTimeOffset(2026, 11, 24, 1, 2, 3, TimeSpan.Zero);
        var aws = new AwsKeyCredentials(AccessKeyId, SecretAccessKey, SessionToken);
        var sigv4User = $"{AccessKeyId}%{SessionToken}";
        // The server is told the derived password in advance (fixed clock), so the AWS-profile path really authenticates.
        var users = new Dictionary<string, (string Password, bool CanPush)>
        {
            ["reader"] = (ReaderPassword, false),
            ["writer"] = (WriterPassword, true),
        };
        await using var harness = await GitProbeHarness.StartAsync(users);
        var (_, derivedPassword) = CodeCommitGitPassword.Derive(aws, new Uri(harness.RepositoryUrl), now, "ap-northeast-1");
        await using var sigv4Harness = await GitProbeHarness.StartAsync(new Dictionary<string, (string, bool)> { [sigv4User] = (derivedPassword, false) });

        var output = new StringBuilder();
        var produced = new StringBuilder();
        void Log(string text)
        {
            output.AppendLine(text);
            TestContext.Out.WriteLine(text);
        }

        async Task<Finding> Run(GitProbeHarness on, GitProbePosture posture)
        {
            var record = await on.Probe(gitCli: true).RunAsync(posture, CancellationToken.None);
            var finding = GitProbeHarness.Judge(record, posture);
            var json = Encoding.UTF8.GetString(record.ToJson());
            produced.AppendLine(json).AppendLine(finding.TestName).AppendLine(finding.Message).AppendLine(finding.EffectiveRemediation);
            foreach (var fact in finding.Evidence) produced.AppendLine(fact.ToString());
            Log($"{finding.Status}: {finding.Message}");
            Log(json);
            return finding;
        }

        harness.Environment[GitProbeHarness.UsernameEnv] = "reader";
        harness.Environment[GitProbeHarness.PasswordEnv] = ReaderPassword;
        var reader = await Run(harness, harness.Posture());
        harness.Environment[GitProbeHarness.UsernameEnv] = "writer";
        harness.Environment[GitProbeHarness.PasswordEnv] = WriterPassword;
        var writer = await Run(harness, harness.Posture());
        harness.Environment[GitProbeHarness.UsernameEnv] = "reader";
        harness.Environment[GitProbeHarness.PasswordEnv] = WrongPassword;
        var wrong = await Run(harness, harness.Posture());

        sigv4Harness.Clock = new FixedClock(now);
        sigv4Harness.Environment["AWS_REGION"] = "ap-northeast-1";
        sigv4Harness.AwsProfiles = (_, _) => Task.FromResult(aws);
        var sigv4 = await Run(sigv4Harness, sigv4Harness.Posture(credentials: new GitCredentialsRef(AwsProfile: "isolated-pull")));

        // An AWS profile that cannot be loaded: its exception text goes into the record.
        sigv4Harness.AwsProfiles = (profile, _) => throw new GitCredentialsUnavailableException($"AWS profile '{profile}' was not found");
        var missingProfile = await Run(sigv4Harness, sigv4Harness.Posture(credentials: new GitCredentialsRef(AwsProfile: "absent")));

        var credential = new GitCredential("reader", ReaderPassword, "reader", "env:X/Y", [SecretAccessKey, SessionToken]);
        produced.AppendLine(credential.ToString()).AppendLine(aws.ToString());
        foreach (var line in harness.Server!.Requests.Concat(sigv4Harness.Server!.Requests)) Log(line);

        using (Assert.EnterMultipleScope())
        {
            // The runs did what they should, so the grep below covers real passes, fails and inconclusives.
            Assert.That(reader.Status, Is.EqualTo(Status.Pass), reader.Message);
            Assert.That(writer.Status, Is.EqualTo(Status.Fail), writer.Message);
            Assert.That(wrong.Status, Is.EqualTo(Status.Inconclusive), wrong.Message);
            Assert.That(sigv4.Status, Is.EqualTo(Status.Pass), sigv4.Message);
            Assert.That(sigv4.Message, Does.Contain("AKIA****WXYZ"));
            Assert.That(missingProfile.Status, Is.EqualTo(Status.Inconclusive));

            var everything = produced.ToString() + output;
            string[] secrets = [ReaderPassword, WriterPassword, WrongPassword, SecretAccessKey, SessionToken, derivedPassword, derivedPassword[16..]];
            foreach (var secret in secrets.SelectMany(s => new[] { s, Uri.EscapeDataString(s) }))
                Assert.That(everything, Does.Not.Contain(secret), "a secret leaked");
            foreach (var (user, password) in new[] { ("reader", ReaderPassword), ("writer", WriterPassword), ("reader", WrongPassword), (sigv4User, derivedPassword) })
                Assert.That(everything, Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))), "a Basic header leaked");
        }
    }
}
