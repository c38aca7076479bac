using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>How a service speaks on the wire; it decides the shape of an injected error.</summary>
public enum AwsWireProtocol
{
    /// <summary>EC2 Query: form body, errors as &lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;.</summary>
    Ec2Query,

    /// <summary>AWS Query (IAM, STS): form body, errors as &lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type&gt;.</summary>
    AwsQuery,

    /// <summary>AWS JSON 1.1 (CodeBuild, ECR): X-Amz-Target header, errors as {"__type": ...}.</summary>
    Json11,
}

/// <summary>Which AWS call a request is, read from the wire as a service would read it.</summary>
/// <param name="Service">The signing name from the SigV4 credential scope (ec2, iam, sts, codebuild, ecr); "" when unsigned.</param>
/// <param name="Operation">Query: the Action parameter; JSON: the part of X-Amz-Target after the dot; "" when absent.</param>
/// <param name="Region">The signing region from the SigV4 credential scope; "" when unsigned.</param>
public sealed record AwsCallIdentity(string Service, string Operation, AwsWireProtocol Protocol, string Region = "")
{
    public static AwsCallIdentity Read(string? authorization, string? amzTarget, string? contentType, string? queryString, byte[] body)
    {
        var scope = ScopeFromAuthorization(authorization) ?? QueryField(queryString, "X-Amz-Credential");
        var service = ScopePart(scope, 3) ?? "";
        var region = ScopePart(scope, 2) ?? "";
        if (!string.IsNullOrEmpty(amzTarget))
        {
            var dot = amzTarget.LastIndexOf('.');
            return new AwsCallIdentity(service, dot >= 0 ? amzTarget[(dot + 1)..] : amzTarget, AwsWireProtocol.Json11, region);
        }

        var action = FormField(contentType, body, "Action") ?? QueryField(queryString, "Action") ?? "";
        var protocol = string.Equals(service, "ec2", StringComparison.OrdinalIgnoreCase) ? AwsWireProtocol.Ec2Query : AwsWireProtocol.AwsQuery;
        return new AwsCallIdentity(service, action, protocol, region);
    }

    // AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/ec2/aws4_request, SignedHeaders=..., Signature=...
    private static string? ScopeFromAuthorization(string? authorization)
    {
        if (authorization is null)
            return null;
        const string marker = "Credential=";
        var start = authorization.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
            return null;
        start += marker.Length;
        var end = authorization.IndexOfAny([',', ' '], start);
        return end < 0 ? authorization[start..] : authorization[start..end];
    }

    /// <summary>AKID/date/region/service/aws4_request: part 2 is the region, part 3 the service.</summary>
    private static string? ScopePart(string? credential, int index) =>
        credential?.Split('/') is { Length: >= 5 } parts ? parts[index] : null;

    private static string? FormField(string? contentType, byte[] body, string name)
    {
        if (contentType is null || !contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return null;
        return QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)).TryGetValue(name, out var values) ? values.ToString() : null;
    }

    private static string? QueryField(string? queryString, string name) =>
        string.IsNullOrEmpty(queryString) ? null
        : QueryHelpers.ParseQuery(queryString).TryGetValue(name, out var values) ? values.ToString() : null;
}
