using System.Text.Json;
using System.Text.Json.Serialization;

namespace IsolationChecks.Probes;

/// <summary>
/// What the in-VPC probes (NET-1..NET-3) did and saw from the machine they ran on, written into the snapshot at
/// <see cref="SnapshotPath"/> so the controls judge it the same way live and offline.
/// </summary>
/// <param name="Source">Where the probes ran: the controls trust them only from inside the build network.</param>
public sealed record InVpcProbeRecord(
    string Format,
    DateTimeOffset StartedAt,
    ProbeSource Source,
    int TimeoutSeconds,
    IReadOnlyList<CanaryProbe> Canaries,
    IReadOnlyList<ServiceHostProbe> ServiceHosts)
{
    public const string CurrentFormat = "isolationchecks-in-vpc-probe/1";

    public const string SnapshotPath = "probes/in-vpc.json";

    /// <summary>Service and operation names under which the probe run is recorded in the manifest.</summary>
    public const string Service = "probe";

    public const string Operation = "InVpcProbes";

    // Strict numbers and named enum values only: a record read back as evidence must be exactly what was written.
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);
}

/// <param name="Addresses">The machine's own unicast addresses (loopback and link-local left out).</param>
/// <param name="CodeBuildBuildArn">CODEBUILD_BUILD_ARN when the probes ran in a CodeBuild build.</param>
public sealed record ProbeSource(string HostName, IReadOnlyList<string> Addresses, string? CodeBuildBuildArn);

public enum ConnectOutcome
{
    /// <summary>A TCP connection was established: the canary is reachable.</summary>
    Connected,

    /// <summary>No answer within the timeout (what a VPC without a route to the internet does).</summary>
    Timeout,

    /// <summary>The network stack reported no route (network or host unreachable).</summary>
    Unreachable,

    /// <summary>A TCP reset came back: something on the path answered for the address.</summary>
    Refused,

    /// <summary>The resolver answered that the name does not exist, so no address was tried.</summary>
    NameNotResolved,

    /// <summary>The resolver did not answer (timeout, server failure): nothing was tried and nothing is known.</summary>
    ResolverFailed,

    /// <summary>Anything else (the detail says what).</summary>
    Error,
}

/// <param name="Target">host:port as declared.</param>
/// <param name="Resolved">The addresses the name resolved to; every one was tried.</param>
/// <param name="Address">The address that connected, when one did.</param>
public sealed record CanaryProbe(string Target, IReadOnlyList<string> Resolved, ConnectOutcome Outcome, string? Address, string Detail, long ElapsedMs);

public enum ResolutionOutcome
{
    Resolved,

    /// <summary>The resolver answered that the name does not exist (or has no address).</summary>
    NotFound,

    /// <summary>No answer (timeout, server failure): nothing is known.</summary>
    Failed,
}

public enum TlsOutcome
{
    /// <summary>A TLS handshake on 443 completed and the certificate validated for the name.</summary>
    Succeeded,

    Failed,

    /// <summary>There was no address to connect to.</summary>
    NotAttempted,
}

public sealed record ServiceHostProbe(string Host, Resolution Resolution, TlsHandshake Tls);

public sealed record Resolution(ResolutionOutcome Outcome, IReadOnlyList<string> Addresses, string? Detail);

/// <param name="Address">The address the handshake was made with.</param>
public sealed record TlsHandshake(TlsOutcome Outcome, string? Address, string? Protocol, string? CertificateSubject, string? Detail, long ElapsedMs);
