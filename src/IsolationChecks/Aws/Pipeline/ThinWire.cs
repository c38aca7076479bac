using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using Amazon.Util;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>A request of a thin client: it names its action, which the read-only guard checks.</summary>
internal interface IThinRequest
{
    string Action { get; }
}

/// <summary>An AWS Query protocol request (IAM): Action, Version and form parameters.</summary>
internal sealed class QueryRequest : AmazonWebServiceRequest, IThinRequest
{
    public required string Action { get; init; }

    public required string Version { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];
}

/// <summary>An AWS JSON 1.1 request (CodeBuild, ECR), or JSON 1.0 (CodeConnections).</summary>
internal sealed class JsonRequest : AmazonWebServiceRequest, IThinRequest
{
    public required string TargetPrefix { get; init; }

    /// <summary>"1.1" or "1.0": the two AWS JSON protocols differ on the wire only in this content type.</summary>
    public string JsonVersion { get; init; } = "1.1";

    public required string Action { get; init; }

    public string Body { get; init; } = "{}";
}

/// <summary>The undecoded body of a successful response; the caller parses it.</summary>
internal sealed class RawResponse : AmazonWebServiceResponse
{
    public string Body { get; init; } = "";
}

internal sealed class QueryMarshaller : IMarshaller<IRequest, AmazonWebServiceRequest>
{
    public static QueryMarshaller Instance { get; } = new();

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var query = (QueryRequest)input;
        var request = new DefaultRequest(query, "IsolationChecks.Thin") { HttpMethod = "POST", ResourcePath = "/" };
        request.Parameters.Add("Action", query.Action);
        request.Parameters.Add("Version", query.Version);
        foreach (var (name, value) in query.Parameters)
            request.Parameters.Add(name, value);
        ((IRequest)request).ContentStream = AWSSDKUtils.WriteParametersToPooledStream(request);
        return request;
    }
}

internal sealed class JsonMarshaller : IMarshaller<IRequest, AmazonWebServiceRequest>
{
    public static JsonMarshaller Instance { get; } = new();

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var json = (JsonRequest)input;
        var request = new DefaultRequest(json, "IsolationChecks.Thin") { HttpMethod = "POST", ResourcePath = "/" };
        request.Headers["X-Amz-Target"] = $"{json.TargetPrefix}.{json.Action}";
        request.Headers["Content-Type"] = $"application/x-amz-json-{json.JsonVersion}";
        request.Content = Encoding.UTF8.GetBytes(json.Body);
        return request;
    }
}

internal sealed class RawXmlUnmarshaller : XmlResponseUnmarshaller
{
    public static RawXmlUnmarshaller Instance { get; } = new();

    public override AmazonWebServiceResponse Unmarshall(XmlUnmarshallerContext context) =>
        new RawResponse { Body = ReadAll(context.Stream) };

    public override AmazonServiceException UnmarshallException(XmlUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
    {
        // Handles both <ErrorResponse><Error> (IAM, STS) and EC2's <Response><Errors><Error>.
        var error = XmlErrorResponseUnmarshaller.GetInstance().Unmarshall(context);
        return new AmazonServiceException(error.Message, innerException, error.Type, error.Code, error.RequestId, statusCode);
    }

    internal static string ReadAll(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, false, 4096, leaveOpen: true);
        return reader.ReadToEnd();
    }
}

internal sealed class RawJsonUnmarshaller : JsonResponseUnmarshaller
{
    public static RawJsonUnmarshaller Instance { get; } = new();

    public override AmazonWebServiceResponse Unmarshall(JsonUnmarshallerContext context) =>
        new RawResponse { Body = RawXmlUnmarshaller.ReadAll(context.Stream) };

    public override AmazonServiceException UnmarshallException(JsonUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
    {
        var body = RawXmlUnmarshaller.ReadAll(context.Stream);
        var (code, message) = JsonError.Parse(context.ResponseData.GetHeaderValue("x-amzn-ErrorType"), body);
        var type = (int)statusCode >= 500 ? ErrorType.Receiver : ErrorType.Sender;
        return new AmazonServiceException(message ?? body, innerException, type, code, context.ResponseData.GetHeaderValue("x-amzn-RequestId"), statusCode);
    }
}

/// <summary>Reads the error code and message of an AWS JSON protocol error.</summary>
internal static class JsonError
{
    public static (string? Code, string? Message) Parse(string? errorTypeHeader, string body)
    {
        // GetHeaderValue answers "" rather than null for a missing header: empty means absent.
        var code = string.IsNullOrEmpty(errorTypeHeader) ? null : errorTypeHeader;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (code is null && document.RootElement.TryGetProperty("__type", out var type) && type.ValueKind == JsonValueKind.String)
                    code = type.GetString();
                foreach (var name in (string[])["message", "Message", "errorMessage"])
                {
                    if (document.RootElement.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        message = text.GetString();
                        break;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the raw body becomes the message.
        }

        return (Normalise(code), message);
    }

    // "aws.protocoltests#FooError:http://..." -> "FooError"
    private static string? Normalise(string? code)
    {
        if (string.IsNullOrEmpty(code))
            return null;
        code = code.Split(':')[0];
        return code[(code.LastIndexOf('#') + 1)..];
    }
}
