using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace IsolationChecks.Aws.CodeCommit;

/// <summary>AWS credentials as the SigV4 Git password derivation needs them.</summary>
public sealed record AwsKeyCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    public override string ToString() => $"AwsKeyCredentials {{ AccessKeyId = {CodeCommitGitPassword.MaskAccessKeyId(AccessKeyId)} }}";
}

/// <summary>
/// The Git user name and password CodeCommit accepts over HTTPS in place of HTTPS Git credentials,
/// derived from IAM credentials with SigV4.
/// <para>
/// Algorithm as implemented by AWS's own tools (read from their source, not from a blog):
/// <c>aws/aws-cli</c> <c>awscli/customizations/codecommit.py</c> (<c>CodeCommitGetCommand.sign_request</c>,
/// <c>write_git_parameters</c>) and <c>aws/git-remote-codecommit</c> <c>git_remote_codecommit/__init__.py</c>
/// (<c>sign</c>, <c>git_url</c>), both on top of botocore's <c>SigV4Auth.string_to_sign</c>/<c>signature</c>:
/// </para>
/// <list type="bullet">
/// <item>user name = access key id, followed by "%" and the session token when there is one;</item>
/// <item>canonical request = "GIT\n{path}\n\nhost:{host without port}\n\nhost\n";</item>
/// <item>string to sign = "AWS4-HMAC-SHA256\n{yyyyMMddTHHmmss}\n{yyyyMMdd}/{region}/codecommit/aws4_request\n{hex sha256(canonical request)}"
/// (botocore puts the timestamp there without a trailing "Z");</item>
/// <item>signature = the usual SigV4 key chain (AWS4+secret, date, region, "codecommit", "aws4_request"), hex;</item>
/// <item>password = "{yyyyMMddTHHmmss}Z{signature}".</item>
/// </list>
/// </summary>
public static partial class CodeCommitGitPassword
{
    public const string Service = "codecommit";

    public static (string Username, string Password) Derive(AwsKeyCredentials credentials, Uri repositoryUrl, DateTimeOffset now, string? region = null)
    {
        var effectiveRegion = RegionOf(repositoryUrl.Host) ?? region
            ?? throw new ArgumentException($"cannot tell the AWS region of {repositoryUrl.Host}: it is not a git-codecommit.<region>.amazonaws.com host and no region was given");
        var timestamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var date = timestamp[..8];
        var canonicalRequest = $"GIT\n{repositoryUrl.AbsolutePath}\n\nhost:{repositoryUrl.Host}\n\nhost\n";
        var stringToSign = $"AWS4-HMAC-SHA256\n{timestamp}\n{date}/{effectiveRegion}/{Service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date);
        key = Hmac(key, effectiveRegion);
        key = Hmac(key, Service);
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, stringToSign));

        var username = string.IsNullOrEmpty(credentials.SessionToken) ? credentials.AccessKeyId : $"{credentials.AccessKeyId}%{credentials.SessionToken}";
        return (username, $"{timestamp}Z{signature}");
    }

    /// <summary>The region of a CodeCommit Git host, with the same pattern the AWS CLI credential helper uses (FIPS and VPC endpoint hosts included).</summary>
    public static string? RegionOf(string host)
    {
        var match = CodeCommitHost().Match(host);
        return match.Success ? match.Groups["region"].Value : null;
    }

    /// <summary>"AKIAIOSFODNN7EXAMPLE" -> "AKIA****MPLE": enough to tell keys apart in evidence, not enough to use one.</summary>
    public static string MaskAccessKeyId(string accessKeyId) =>
        accessKeyId.Length <= 8 ? "****" : $"{accessKeyId[..4]}****{accessKeyId[^4..]}";

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    [GeneratedRegex(@"^(vpce-.+\.)?git-codecommit(-fips)?\.(?<region>[^.]+)\.(vpce\.)?amazonaws\.com", RegexOptions.IgnoreCase)]
    private static partial Regex CodeCommitHost();
}
