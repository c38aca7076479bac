using Amazon.Runtime.CredentialManagement;
using IsolationChecks.Aws.CodeCommit;
using IsolationChecks.Posture;

namespace IsolationChecks.Git;

/// <summary>Why the probe has no credentials to run with; the message names references only, never values.</summary>
public sealed class GitCredentialsUnavailableException(string message) : Exception(message);

/// <summary>
/// Turns the posture's credential references into a <see cref="GitCredential"/>: HTTPS Git credentials
/// (or a GitLab token) from two environment variables, or a CodeCommit SigV4 Git password derived from
/// an AWS profile, the way <c>git-remote-codecommit</c> and the AWS CLI credential helper do.
/// </summary>
public sealed class GitCredentialResolver(
    Func<string, string?> environment,
    Func<string, CancellationToken, Task<AwsKeyCredentials>> awsProfileCredentials,
    TimeProvider clock)
{
    public static GitCredentialResolver Default(TimeProvider clock) =>
        new(Environment.GetEnvironmentVariable, ProfileLoader(), clock);

    /// <summary>Reads a named profile the way the SDK does (credentials and config files, SSO, role_arn, ...).</summary>
    /// <param name="profilesLocation">A credentials file to read instead of the default ones (tests).</param>
    public static Func<string, CancellationToken, Task<AwsKeyCredentials>> ProfileLoader(string? profilesLocation = null) =>
        (profile, cancellationToken) => LoadProfileAsync(profilesLocation, profile, cancellationToken);

    public async Task<GitCredential> ResolveAsync(GitCredentialsRef reference, Uri repositoryUrl, CancellationToken cancellationToken)
    {
        if (reference.AwsProfile is { Length: > 0 } profile)
        {
            var aws = await awsProfileCredentials(profile, cancellationToken);
            // The region comes from a CodeCommit host name; for other hosts (a VPC endpoint alias, a test server) from AWS_REGION.
            var region = environment("AWS_REGION") is { Length: > 0 } r ? r : environment("AWS_DEFAULT_REGION");
            var (username, password) = CodeCommitGitPassword.Derive(aws, repositoryUrl, clock.GetUtcNow(), region);
            return new GitCredential(username, password, CodeCommitGitPassword.MaskAccessKeyId(aws.AccessKeyId),
                $"aws-profile:{profile} (CodeCommit SigV4 Git password)",
                [aws.SecretAccessKey, .. aws.SessionToken is { Length: > 0 } token ? new[] { token } : []]);
        }

        if (reference is { UsernameEnv: { Length: > 0 } userVar, PasswordEnv: { Length: > 0 } passwordVar })
        {
            var user = environment(userVar);
            var secret = environment(passwordVar);
            var unset = new[] { (userVar, user), (passwordVar, secret) }.Where(p => string.IsNullOrEmpty(p.Item2)).Select(p => p.Item1).ToList();
            if (unset.Count > 0)
                throw new GitCredentialsUnavailableException($"environment variable(s) {string.Join(", ", unset)} named by gitProbe.credentials are not set");
            return new GitCredential(user!, secret!, user!, $"env:{userVar}/{passwordVar}");
        }

        throw new GitCredentialsUnavailableException(
            "gitProbe.credentials names neither usernameEnv and passwordEnv nor awsProfile");
    }

    private static async Task<AwsKeyCredentials> LoadProfileAsync(string? profilesLocation, string profile, CancellationToken cancellationToken)
    {
        var chain = profilesLocation is null ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(profilesLocation);
        if (!chain.TryGetAWSCredentials(profile, out var credentials))
            throw new GitCredentialsUnavailableException($"AWS profile '{profile}' named by gitProbe.credentials.awsProfile was not found");
        cancellationToken.ThrowIfCancellationRequested();
        var immutable = await credentials.GetCredentialsAsync();
        return new AwsKeyCredentials(immutable.AccessKey, immutable.SecretKey, immutable.UseToken ? immutable.Token : null);
    }
}
