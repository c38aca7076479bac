using System.Text.Json.Nodes;

namespace IsolationChecks.Aws;

// What a call of the catalog returns, or how it failed (Clients/IAwsServiceClient.cs sends them).

/// <summary>The merged output of one logical call and what it took to get it.</summary>
/// <param name="Output">CLI-shaped JSON, e.g. {"Vpcs":[...]}.</param>
public sealed record ApiCallResult(JsonObject Output, int Pages, int Attempts, TimeSpan Duration);

/// <summary>A call that AWS (or the network) refused after the SDK's own retries.</summary>
public sealed class AwsCallException(string service, string operation, string errorCode, string message, int? httpStatus, int attempts, Exception? inner = null)
    : Exception($"{service}:{operation} failed with {errorCode}: {message}", inner)
{
    public string Service { get; } = service;

    public string Operation { get; } = operation;

    public string ErrorCode { get; } = errorCode;

    public string ErrorMessage { get; } = message;

    public int? HttpStatus { get; } = httpStatus;

    public int Attempts { get; } = attempts;
}
