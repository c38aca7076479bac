using System.Diagnostics;
using System.Text.Json;
using IsolationChecks.Aws.CodeCommit;

namespace IsolationChecks.IntegrationTests.Git;

/// <summary>
/// The SigV4 Git password against the code AWS ships: botocore's SigV4Auth driven exactly the way the AWS CLI's
/// credential helper (awscli/customizations/codecommit.py, CodeCommitGetCommand.sign_request) drives it.
/// </summary>
public class CodeCommitGitPasswordBotocoreTests
{
    // Mirrors sign_request/write_git_parameters of the AWS CLI helper; inputs arrive on stdin as JSON.
    private const string Script = """
        import json, sys
        try:
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            from botocore.compat import urlsplit
        except ImportError:
            print("MISSING-BOTOCORE"); sys.exit(3)
        a = json.load(sys.stdin)
        creds = Credentials(a["accessKey"], a["secretKey"], a.get("token"))
        signer = SigV4Auth(creds, "codecommit", a["region"])
        request = AWSRequest()
        request.url = a["url"]
        request.method = "GIT"
        request.context["timestamp"] = a["timestamp"]
        split = urlsplit(request.url)
        hostname = split.netloc.split(":")[0]
        canonical_request = f"{request.method}\n{split.path}\n\nhost:{hostname}\n\nhost\n"
        string_to_sign = signer.string_to_sign(request, canonical_request)
        signature = signer.signature(string_to_sign, request)
        username = creds.access_key + ("%" + creds.token if creds.token else "")
        print(json.dumps({"username": username, "password": "{0}Z{1}".format(request.context["timestamp"], signature)}))
        """;

    [TestCase("https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/app", null, null)]
    [TestCase("https://git-codecommit.us-east-2.amazonaws.com/v1/repos/My-Repo.2", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ", null)]
    [TestCase("https://git-codecommit-fips.us-west-2.amazonaws.com:443/v1/repos/mirror", null, null)]
    [TestCase("https://vpce-0123-abcd.git-codecommit.eu-west-1.vpce.amazonaws.com/v1/repos/app", "tok+en/with=chars", null)]
    [TestCase("http://127.0.0.1:8080/v1/repos/app", null, "ap-northeast-1")]
    public async Task Derivation_matches_botocore_driven_like_the_aws_cli_helper(string url, string? token, string? region)
    {
        var credentials = new AwsKeyCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", token);
        var now = new DateTimeOffset(2026, 11, 24, 1, 2, 3, TimeSpan.Zero);
        var uri = new Uri(url);

        var (username, password) = CodeCommitGitPassword.Derive(credentials, uri, now, region);
        var expected = await BotocoreAsync(credentials, url, region ?? CodeCommitGitPassword.RegionOf(uri.Host)!, "20261124T010203");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(username, Is.EqualTo(expected.GetProperty("username").GetString()));
            Assert.That(password, Is.EqualTo(expected.GetProperty("password").GetString()));
            Assert.That(password, Does.Match("^20261124T010203Z[0-9a-f]{64}$"));
        }
    }

    private static async Task<JsonElement> BotocoreAsync(AwsKeyCredentials credentials, string url, string region, string timestamp)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(new
        {
            accessKey = credentials.AccessKeyId, secretKey = credentials.SecretAccessKey, token = credentials.SessionToken, region, url, timestamp,
        }));
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(output, Does.Not.Contain("MISSING-BOTOCORE"),
            "botocore is not importable: python3 -m pip install botocore (it comes with 'moto[server]')");
        Assert.That(process.ExitCode, Is.Zero, error);
        return JsonDocument.Parse(output).RootElement;
    }
}
