namespace IsolationChecks.IntegrationTests.Faults;

public enum FaultKind
{
    /// <summary>The protocol's throttling error (EC2 RequestLimitExceeded, Query Throttling, JSON ThrottlingException).</summary>
    Throttle,

    /// <summary>The protocol's access error (EC2 UnauthorizedOperation, Query AccessDenied, JSON AccessDeniedException).</summary>
    DenyAccess,

    /// <summary>A server-side error with HTTP 500 or 503.</summary>
    ServerError,

    /// <summary>The upstream answer with a Content-Length for the full body, but only half of it sent before the connection is aborted.</summary>
    TruncateBody,

    /// <summary>HTTP 200 with a body that is not a well-formed document of the protocol.</summary>
    MalformedBody,

    /// <summary>The upstream answer, unchanged, after a pause.</summary>
    Delay,

    /// <summary>The request is accepted and never answered (a timeout, as the client sees it).</summary>
    Hang,

    /// <summary>The status line and headers at once, then the body one byte per <see cref="Fault.DelayBy"/> (slow for ever).</summary>
    Trickle,

    /// <summary>The first page as upstream answered it, with a next-page token added; every later page the same again (endless pagination).</summary>
    EndlessPages,
}

/// <summary>What to do to a matching request, and to how many of them.</summary>
/// <param name="Times">How many matching requests get the fault; null: every one, for as long as the rule is in place.</param>
/// <param name="HttpStatus">For <see cref="FaultKind.ServerError"/>: 500 or 503.</param>
/// <param name="DelayBy">For <see cref="FaultKind.Delay"/>.</param>
/// <param name="Pages">For <see cref="FaultKind.EndlessPages"/>: how the protocol carries the next-page token.</param>
public sealed record Fault(FaultKind Kind, int? Times, int HttpStatus = 0, TimeSpan DelayBy = default, EndlessPages? Pages = null)
{
    /// <summary>Throttles the first <paramref name="count"/> matching calls, then lets them through: what the SDK's retries should absorb.</summary>
    public static Fault ThrottleFirst(int count) => new(FaultKind.Throttle, Positive(count));

    /// <summary>Throttles every matching call: the SDK's retries run out.</summary>
    public static Fault ThrottleAlways() => new(FaultKind.Throttle, null);

    public static Fault DenyAccess() => new(FaultKind.DenyAccess, null);

    public static Fault ServerError(int httpStatus = 500, int? times = null) =>
        httpStatus is 500 or 503
            ? new(FaultKind.ServerError, times is null ? null : Positive(times.Value), httpStatus)
            : throw new ArgumentOutOfRangeException(nameof(httpStatus), httpStatus, "AWS's documented server errors are 500 and 503.");

    public static Fault TruncateBody(int? times = null) => new(FaultKind.TruncateBody, times is null ? null : Positive(times.Value));

    public static Fault MalformedBody(int? times = null) => new(FaultKind.MalformedBody, times is null ? null : Positive(times.Value));

    public static Fault Delay(TimeSpan by, int? times = null) =>
        by > TimeSpan.Zero
            ? new(FaultKind.Delay, times is null ? null : Positive(times.Value), DelayBy: by)
            : throw new ArgumentOutOfRangeException(nameof(by), by, "A delay must be positive.");

    public static Fault Hang() => new(FaultKind.Hang, null);

    public static Fault Trickle(TimeSpan perByte) =>
        perByte > TimeSpan.Zero ? new(FaultKind.Trickle, null, DelayBy: perByte) : throw new ArgumentOutOfRangeException(nameof(perByte), perByte, "A pause must be positive.");

    public static Fault EndlessPagesOf(EndlessPages pages) => new(FaultKind.EndlessPages, null, Pages: pages);

    private static int Positive(int count) =>
        count > 0 ? count : throw new ArgumentOutOfRangeException(nameof(count), count, "A fault applies to at least one call.");
}
