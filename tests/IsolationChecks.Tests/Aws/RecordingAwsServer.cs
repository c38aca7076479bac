using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IsolationChecks.Tests.Aws;

/// <summary>A request as the local server saw it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>"Action" of a Query request or the operation of an X-Amz-Target header.</summary>
    public string? Operation =>
        Headers.TryGetValue("X-Amz-Target", out var target) ? target[(target.IndexOf('.') + 1)..]
        : Body.Split('&').Select(p => p.Split('=')).Where(p => p[0] == "Action").Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault();

    /// <summary>The access key id from the SigV4 Authorization header.</summary>
    public string? AccessKeyId => CredentialScope?.Split('/')[0];

    /// <summary>The region of the SigV4 credential scope.</summary>
    public string? SigningRegion => CredentialScope?.Split('/')[2];

    public string? SigningService => CredentialScope?.Split('/')[3];

    private string? CredentialScope =>
        Headers.TryGetValue("Authorization", out var authorization) && authorization.Contains("Credential=", StringComparison.Ordinal)
            ? authorization.Split("Credential=")[1].Split(',')[0]
            : null;
}

/// <summary>What the local server answers.</summary>
public sealed record CannedResponse(int Status, string Body, string ContentType = "application/x-amz-json-1.1", IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A local stand-in for AWS on 127.0.0.1 (Kestrel on a free port): records every request and answers
/// with whatever the test's responder returns.
/// </summary>
public sealed class RecordingAwsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private RecordingAwsServer(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public static async Task<RecordingAwsServer> StartAsync(Func<RecordedRequest, CannedResponse> responder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new RecordingAwsServer(app);
        app.Run(async context => await server.HandleAsync(context, responder));
        await app.StartAsync();
        server.Endpoint = app.Urls.Single().Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        return server;
    }

    private async Task HandleAsync(HttpContext context, Func<RecordedRequest, CannedResponse> responder)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body);
        _requests.Enqueue(request);
        var response = responder(request);
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
        await context.Response.WriteAsync(response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Canned AWS answers for the operations the tests call.</summary>
public static class AwsAnswers
{
    public const string Account = "123456789012";

    public static CannedResponse For(RecordedRequest request) => request.Operation switch
    {
        "GetCallerIdentity" => Xml($"<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::{Account}:user/{request.AccessKeyId}</Arn><UserId>AIDAEXAMPLE</UserId><Account>{Account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>"),
        "AssumeRole" => Xml($"<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken><Expiration>{DateTime.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::{Account}:assumed-role/audit/isolationchecks-audit</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>"),
        "DescribeVpcs" => Xml("<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId><vpcSet><item><vpcId>vpc-1</vpcId><state>available</state><cidrBlock>10.0.0.0/16</cidrBlock></item></vpcSet></DescribeVpcsResponse>"),
        "ListProjects" => new(200, "{\"projects\":[\"p1\"]}"),
        "GetAccountAuthorizationDetails" => Xml("<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult><IsTruncated>false</IsTruncated><UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>"),
        _ => new(400, "{\"__type\":\"UnknownOperationException\"}"),
    };

    public static CannedResponse Xml(string body, int status = 200) => new(status, body, "text/xml");
}
