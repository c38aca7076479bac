namespace IsolationChecks.Aws.Pipeline;

/// <summary>What a thin client needs to know about a service to reach and sign for it.</summary>
/// <param name="ServiceId">The SDK service id; drives AWS_ENDPOINT_URL_&lt;SERVICE_ID&gt;.</param>
/// <param name="SigningName">SigV4 service name.</param>
/// <param name="EndpointPrefix">Host prefix of the regional endpoint.</param>
/// <param name="IamPrefix">Prefix of the IAM action names, for the read-only guard.</param>
/// <param name="GlobalEndpoint">A partition-global endpoint (IAM); signing then uses us-east-1.</param>
internal sealed record ThinServiceDescription(
    string ServiceId,
    string SigningName,
    string EndpointPrefix,
    string ApiVersion,
    string IamPrefix,
    string? GlobalEndpoint = null);
