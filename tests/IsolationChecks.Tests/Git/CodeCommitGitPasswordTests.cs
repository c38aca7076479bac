using IsolationChecks.Aws.CodeCommit;

namespace IsolationChecks.Tests.Git;

/// <summary>
/// The CodeCommit SigV4 Git password. The expected values were computed independently of this code with
/// botocore 1.43's SigV4Auth, driven the way the AWS CLI credential helper drives it
/// (awscli/customizations/codecommit.py, CodeCommitGetCommand.sign_request):
/// <code>
/// creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
/// signer = SigV4Auth(creds, "codecommit", "ap-northeast-1"); request.context["timestamp"] = "20261124T010203"
/// canonical = "GIT\n/v1/repos/app\n\nhost:git-codecommit.ap-northeast-1.amazonaws.com\n\nhost\n"
/// "20261124T010203Z" + signer.signature(signer.string_to_sign(request, canonical), request)
/// </code>
/// The integration tests re-run botocore live on more inputs (CodeCommitGitPasswordBotocoreTests).
/// </summary>
public class CodeCommitGitPasswordTests
{
    private static readonly AwsKeyCredentials Example = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset At = new(2026, 11, 24, 1, 2, 3, TimeSpan.Zero);
    private static readonly Uri App = new("https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/app");

    [Test]
    public void Password_matches_the_worked_example()
    {
        var (username, password) = CodeCommitGitPassword.Derive(Example, App, At);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(username, Is.EqualTo("AKIAIOSFODNN7EXAMPLE"));
            Assert.That(password, Is.EqualTo("20261124T010203Ze1765b0033376677eb9d10b3124ac03860ffb14c04ed14f6c3e0349695e905ef"));
        }
    }

    [Test]
    public void A_session_token_goes_into_the_user_name_and_leaves_the_signature_alone()
    {
        var (username, password) = CodeCommitGitPassword.Derive(Example with { SessionToken = "FwoGZXIvYXdzEXAMPLETOKEN" }, App, At);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(username, Is.EqualTo("AKIAIOSFODNN7EXAMPLE%FwoGZXIvYXdzEXAMPLETOKEN"));
            Assert.That(password, Is.EqualTo("20261124T010203Ze1765b0033376677eb9d10b3124ac03860ffb14c04ed14f6c3e0349695e905ef"));
        }
    }

    [Test]
    public void The_port_is_not_signed_and_the_local_time_zone_does_not_matter()
    {
        var withPort = new Uri("https://git-codecommit.ap-northeast-1.amazonaws.com:443/v1/repos/app");
        var tokyo = At.ToOffset(TimeSpan.FromHours(9));

        Assert.That(CodeCommitGitPassword.Derive(Example, withPort, tokyo), Is.EqualTo(CodeCommitGitPassword.Derive(Example, App, At)));
    }

    [Test]
    public void Another_repository_or_second_gives_another_password()
    {
        var other = CodeCommitGitPassword.Derive(Example, new Uri("https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/other"), At).Password;
        var later = CodeCommitGitPassword.Derive(Example, App, At.AddSeconds(1)).Password;
        var reference = CodeCommitGitPassword.Derive(Example, App, At).Password;

        Assert.That(new[] { other, later }, Has.None.EqualTo(reference));
    }

    [TestCase("git-codecommit.ap-northeast-1.amazonaws.com", "ap-northeast-1")]
    [TestCase("git-codecommit-fips.us-east-2.amazonaws.com", "us-east-2")]
    [TestCase("vpce-0123abc-xyz.git-codecommit.eu-west-1.vpce.amazonaws.com", "eu-west-1")]
    [TestCase("git-codecommit.cn-north-1.amazonaws.com.cn", "cn-north-1")]
    [TestCase("gitlab.example.com", null)]
    public void Region_is_read_from_the_host_like_the_aws_cli_helper(string host, string? region) =>
        Assert.That(CodeCommitGitPassword.RegionOf(host), Is.EqualTo(region));

    [Test]
    public void A_host_without_a_region_needs_one_given()
    {
        var gitlab = new Uri("https://gitlab.example.com/group/app.git");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => CodeCommitGitPassword.Derive(Example, gitlab, At), Throws.ArgumentException.With.Message.Contains("region"));
            Assert.That(CodeCommitGitPassword.Derive(Example, gitlab, At, "ap-northeast-1").Password, Does.StartWith("20261124T010203Z"));
        }
    }

    [Test]
    public void Access_key_ids_are_masked_and_credentials_never_print_their_secret()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CodeCommitGitPassword.MaskAccessKeyId("AKIAIOSFODNN7EXAMPLE"), Is.EqualTo("AKIA****MPLE"));
            Assert.That(CodeCommitGitPassword.MaskAccessKeyId("short"), Is.EqualTo("****"));
            Assert.That((Example with { SessionToken = "tok-123456" }).ToString(),
                Does.Not.Contain("wJalr").And.Not.Contain("tok-123456").And.Not.Contain("AKIAIOSFODNN7EXAMPLE"));
        }
    }
}
