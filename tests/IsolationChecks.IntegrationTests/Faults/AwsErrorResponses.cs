using System.Security;
using System.Text;
using System.Text.Json;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>An HTTP answer the proxy makes up instead of asking upstream.</summary>
public sealed record SyntheticResponse(int Status, string ContentType, byte[] Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// AWS's documented error shapes, per wire protocol.
/// EC2 Query: &lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;/Errors&gt;&lt;RequestID/&gt;&lt;/Response&gt;
/// (EC2 API Reference, "Error codes" / "Example error response"; Smithy ec2Query protocol tests), no Type element.
/// AWS Query: &lt;ErrorResponse xmlns=...&gt;&lt;Error&gt;&lt;Type&gt;Sender|Receiver&lt;/Type&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;&lt;/ErrorResponse&gt;
/// (Smithy awsQuery protocol tests). JSON 1.1: {"__type": shape name, "message": ...} (Smithy AWS JSON 1.1 protocol),
/// status codes from each service's "Common Errors" (ThrottlingException 400, InternalFailure 500, ServiceUnavailable 503).
/// </summary>
public static class AwsErrorResponses
{
    private sealed record ErrorCode(int Status, string Code, string Message, bool ServerSide);

    public static SyntheticResponse For(FaultKind kind, int serverStatus, AwsCallIdentity call)
    {
        var error = Choose(kind, serverStatus, call);
        var requestId = Guid.NewGuid().ToString();
        return call.Protocol switch
        {
            AwsWireProtocol.Ec2Query => new SyntheticResponse(
                error.Status,
                "text/xml;charset=UTF-8",
                Utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     + $"<Response><Errors><Error><Code>{error.Code}</Code><Message>{Xml(error.Message)}</Message></Error></Errors>"
                     + $"<RequestID>{requestId}</RequestID></Response>"),
                new Dictionary<string, string>()),
            AwsWireProtocol.AwsQuery => new SyntheticResponse(
                error.Status,
                "text/xml",
                Utf8($"<ErrorResponse{QueryNamespaceAttribute(call.Service)}><Error><Type>{(error.ServerSide ? "Receiver" : "Sender")}</Type>"
                     + $"<Code>{error.Code}</Code><Message>{Xml(error.Message)}</Message></Error>"
                     + $"<RequestId>{requestId}</RequestId></ErrorResponse>"),
                new Dictionary<string, string> { ["x-amzn-RequestId"] = requestId }),
            AwsWireProtocol.Json11 => new SyntheticResponse(
                error.Status,
                "application/x-amz-json-1.1",
                JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["__type"] = error.Code, ["message"] = error.Message }),
                new Dictionary<string, string> { ["x-amzn-RequestId"] = requestId }),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call.Protocol, "unknown protocol"),
        };
    }

    /// <summary>HTTP 200 with a document that starts like the protocol's answer and then breaks off mid-element.</summary>
    public static byte[] MalformedBody(AwsCallIdentity call) => call.Protocol switch
    {
        AwsWireProtocol.Json11 => Utf8("{\"" + JsonEncodedText.Encode(call.Operation) + "\":[{\"name\":\"proj"),
        _ => Utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  + $"<{XmlName(call.Operation)}Response><requestId>{Guid.NewGuid()}</requestId><item><broken attr=</item>"),
    };

    private static ErrorCode Choose(FaultKind kind, int serverStatus, AwsCallIdentity call) => (kind, call.Protocol, serverStatus) switch
    {
        (FaultKind.Throttle, AwsWireProtocol.Ec2Query, _) => new(503, "RequestLimitExceeded", "Request limit exceeded.", false),
        (FaultKind.Throttle, AwsWireProtocol.AwsQuery, _) => new(400, "Throttling", "Rate exceeded", false),
        (FaultKind.Throttle, AwsWireProtocol.Json11, _) => new(400, "ThrottlingException", "Rate exceeded", false),
        (FaultKind.DenyAccess, AwsWireProtocol.Ec2Query, _) => new(403, "UnauthorizedOperation", "You are not authorized to perform this operation.", false),
        (FaultKind.DenyAccess, AwsWireProtocol.AwsQuery, _) => new(403, "AccessDenied", NotAuthorized(call), false),
        (FaultKind.DenyAccess, AwsWireProtocol.Json11, _) => new(400, "AccessDeniedException", NotAuthorized(call), false),
        (FaultKind.ServerError, AwsWireProtocol.Ec2Query, 503) => new(503, "Unavailable", "The server is overloaded and can't handle the request.", true),
        (FaultKind.ServerError, AwsWireProtocol.Ec2Query, _) => new(500, "InternalError", "An internal error has occurred.", true),
        (FaultKind.ServerError, _, 503) => new(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.", true),
        (FaultKind.ServerError, _, _) => new(500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", true),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an error fault"),
    };

    private static string NotAuthorized(AwsCallIdentity call) =>
        $"User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: {call.Service}:{call.Operation}";

    private static string QueryNamespaceAttribute(string service) => service.ToLowerInvariant() switch
    {
        "iam" => " xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"",
        "sts" => " xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"",
        _ => "",
    };

    private static string XmlName(string operation) =>
        operation.Length > 0 && operation.All(char.IsAsciiLetterOrDigit) && char.IsAsciiLetter(operation[0]) ? operation : "Unknown";

    private static string Xml(string text) => SecurityElement.Escape(text);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
