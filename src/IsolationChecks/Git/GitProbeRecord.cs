using System.Text.Json;
using System.Text.Json.Serialization;

namespace IsolationChecks.Git;

/// <summary>
/// What the GIT-1 push-refusal probe did and saw, written into the snapshot at <see cref="SnapshotPath"/>.
/// URLs carry no credentials; the principal is a user name or a masked access key id; no secret is ever stored.
/// </summary>
/// <param name="RepositoryUrl">The probed repository, without credentials.</param>
/// <param name="Principal">Who the probe authenticated as (e.g. "isolated-pull-at-222222222222", "AKIA****WXYZ"); null when no credentials could be resolved.</param>
/// <param name="CredentialSource">By reference: "env:NAME/NAME" or "aws-profile:NAME (...)".</param>
/// <param name="SourceAddress">The local address of the probe's connection when known; behind a NAT the server sees the NAT's public address instead.</param>
/// <param name="Read">Step 1, upload-pack discovery with the pull credentials (must succeed).</param>
/// <param name="ReceivePackDiscovery">Step 2, receive-pack discovery with the same credentials (must be refused with 403); null when not attempted.</param>
/// <param name="CliSecondOpinion">Optional step 3, <c>git push --dry-run</c> with the git CLI; null when not run.</param>
/// <param name="SetupError">Why the probe could not start (credentials not resolvable), if it could not.</param>
public sealed record GitProbeRecord(
    string Format,
    string RepositoryUrl,
    string ExpectedBranch,
    string? Principal,
    string? CredentialSource,
    string? SourceAddress,
    DateTimeOffset StartedAt,
    GitReadStep? Read,
    GitHttpStep? ReceivePackDiscovery,
    GitCliStep? CliSecondOpinion,
    string? SetupError = null)
{
    public const string CurrentFormat = "isolationchecks-git-probe/1";

    /// <summary>Where the record lives in a snapshot folder.</summary>
    public const string SnapshotPath = "probes/git-push-refusal.json";

    /// <summary>Service and operation names under which a failed probe is recorded in the manifest.</summary>
    public const string Service = "git";
    public const string Operation = "PushRefusalProbe";

    // Strict numbers and named enum values only: a record read back as evidence must be exactly what was written.
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    public static GitProbeRecord FromJson(byte[] json) =>
        JsonSerializer.Deserialize<GitProbeRecord>(json, JsonOptions) ?? throw new JsonException("null git probe record");
}

/// <summary>How a request ended, as a class a verdict can rest on.</summary>
public enum GitErrorClass
{
    /// <summary>401: the credentials were not accepted.</summary>
    Unauthorized,
    /// <summary>403 where a success was needed.</summary>
    Forbidden,
    NotFound,
    /// <summary>Another unexpected HTTP status.</summary>
    HttpStatus,
    Dns,
    Connection,
    Tls,
    Timeout,
    Redirect,
    Other,
}

/// <summary>Step 1: upload-pack discovery through libgit2 (<c>Repository.ListRemoteReferences</c>).</summary>
/// <param name="Succeeded">The references were listed.</param>
/// <param name="Status">The HTTP status when known (libgit2 reports it only in its error text).</param>
/// <param name="RefCount">How many references the server advertised.</param>
/// <param name="Refs">The advertised branch and HEAD names (at most <see cref="MaxRefsRecorded"/>).</param>
/// <param name="CredentialsRequested">Whether the server asked for the credentials; a server that lets anyone read proves nothing about them.</param>
public sealed record GitReadStep(
    string Method,
    string Url,
    string Client,
    bool Succeeded,
    int? Status,
    long DurationMs,
    int RefCount,
    IReadOnlyList<string> Refs,
    bool ExpectedBranchPresent,
    GitErrorClass? ErrorClass = null,
    string? Error = null,
    bool? CredentialsRequested = null)
{
    public const int MaxRefsRecorded = 50;
}

/// <summary>Step 2: one HTTP request made by the probe itself.</summary>
public sealed record GitHttpStep(
    string Method,
    string Url,
    int? Status,
    string? ContentType,
    long DurationMs,
    GitErrorClass? ErrorClass = null,
    string? Error = null);

/// <summary>Step 3: <c>git push --dry-run</c> to a reference that cannot exist; the stderr line has every credential redacted.</summary>
public sealed record GitCliStep(
    string Command,
    int? ExitCode,
    string? StderrLine,
    bool RefusedWith403,
    long DurationMs,
    string? Error = null);
