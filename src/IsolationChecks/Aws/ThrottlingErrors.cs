namespace IsolationChecks.Aws;

/// <summary>
/// The answers by which AWS says "slow down": the throttling error codes the AWS SDKs' standard retry mode classifies as
/// throttling (the cross-SDK list: EC2's RequestLimitExceeded, Query's Throttling, JSON's ThrottlingException, S3's SlowDown,
/// ...) and HTTP 429. One list for the collector's adaptive rate, its retries, the progress and the remedies.
/// </summary>
public static class ThrottlingErrors
{
    public static IReadOnlySet<string> Codes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException", "RequestLimitExceeded",
        "TooManyRequestsException", "SlowDown", "BandwidthLimitExceeded", "ProvisionedThroughputExceededException", "EC2ThrottledException",
    };

    public const int TooManyRequests = 429;

    /// <summary>Whether an error is AWS throttling the caller: a throttling code, or HTTP 429 whatever the code.</summary>
    public static bool Is(string? errorCode, int? httpStatus = null) =>
        httpStatus == TooManyRequests || (errorCode is not null && Codes.Contains(errorCode));
}
