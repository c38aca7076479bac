using Amazon.Runtime;
using Amazon.SecurityToken.Model;

namespace IsolationChecks.Aws.Sts;

/// <summary>
/// Credentials of the scope's audit role, assumed with STS from the source credentials and refreshed
/// before they expire. The STS client is guarded to AssumeRole only.
/// </summary>
internal sealed class AssumedRoleCredentials(GuardedStsClient sts, string roleArn) : RefreshingAWSCredentials
{
    public const string SessionName = "isolationchecks-audit";

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = SessionName }).ConfigureAwait(false);
        var credentials = response.Credentials;
        return new CredentialsRefreshState(
            new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
            credentials.Expiration ?? DateTime.UtcNow.AddMinutes(15));
    }
}
