using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using NUnit.Framework;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>The proxy itself, against a stub upstream: it must be invisible when no rule applies and exact when one does.</summary>
[TestFixture]
public sealed class FaultProxyTests
{
    private const string Ec2Version = "2016-11-15";
    private static readonly byte[] UpstreamBody =
        [.. Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeVpcsResponse><vpcSet><item><vpcId>vpc-1é✓</vpcId></item></vpcSet></DescribeVpcsResponse>"), 0xFF, 0x00, 0x80];

    private StubUpstream _upstream = null!;
    private FaultProxy _proxy = null!;
    private HttpClient _client = null!;
    private Func<StubRequest, StubAnswer> _answer = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _answer = _ => new StubAnswer(200, "text/xml;charset=UTF-8", UpstreamBody);
        _upstream = await StubUpstream.StartAsync(r => _answer(r), CancellationToken.None);
        _proxy = await FaultProxy.StartAsync(_upstream.Url, CancellationToken.None);
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Test]
    public async Task Forwards_request_and_response_byte_for_byte_when_no_rule_matches()
    {
        _answer = _ => new StubAnswer(200, "text/xml;charset=UTF-8", UpstreamBody, new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-42", ["X-Upstream-Marker"] = "m1" });
        _proxy.Inject(Fault.ThrottleAlways()).On("ec2", "DescribeSubnets");
        using var request = QueryRequest("ec2", "DescribeVpcs", pathAndQuery: "/?a=b%2Fc&empty=");
        request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", "token/with+chars==");
        var sentBody = await request.Content!.ReadAsByteArrayAsync();

        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        var received = _upstream.Received.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(received.Method, Is.EqualTo("POST"));
            Assert.That(received.RawTarget, Is.EqualTo("/?a=b%2Fc&empty="));
            Assert.That(received.Body, Is.EqualTo(sentBody));
            Assert.That(received.Headers["Authorization"], Is.EqualTo(Authorization("ec2")));
            Assert.That(received.Headers["X-Amz-Date"], Is.EqualTo("20261124T005000Z"));
            Assert.That(received.Headers["X-Amz-Security-Token"], Is.EqualTo("token/with+chars=="));
            Assert.That(received.Headers["Content-Type"], Is.EqualTo("application/x-www-form-urlencoded; charset=utf-8"));
            Assert.That(received.Headers["Host"], Is.EqualTo(new Uri(_proxy.Url).Authority), "the Host the client signed");
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(body, Is.EqualTo(UpstreamBody));
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/xml; charset=UTF-8"));
            Assert.That(response.Headers.GetValues("x-amzn-RequestId").Single(), Is.EqualTo("req-42"));
            Assert.That(response.Headers.GetValues("X-Upstream-Marker").Single(), Is.EqualTo("m1"));
            Assert.That(_proxy.Requests, Is.EqualTo(new[] { new ProxiedRequest(1, "ec2", "DescribeVpcs", 200, null) }));
        }
    }

    [Test]
    public async Task Forwards_upstream_errors_unchanged()
    {
        var errorBody = Encoding.UTF8.GetBytes("{\"__type\":\"RepositoryPolicyNotFoundException\",\"message\":\"none\"}");
        _answer = _ => new StubAnswer(400, "application/x-amz-json-1.1", errorBody);

        using var response = await _client.SendAsync(JsonRequest("ecr", "AmazonEC2ContainerRegistry_V20150921.GetRepositoryPolicy", "{\"repositoryName\":\"app\"}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(400));
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(errorBody));
            Assert.That(Encoding.UTF8.GetString(_upstream.Received.Single().Body), Is.EqualTo("{\"repositoryName\":\"app\"}"));
            Assert.That(_proxy.Requests.Single(), Is.EqualTo(new ProxiedRequest(1, "ecr", "GetRepositoryPolicy", 400, null)));
        }
    }

    [Test]
    public async Task ThrottleFirst_on_ec2_answers_RequestLimitExceeded_then_lets_calls_through()
    {
        var rule = _proxy.Inject(Fault.ThrottleFirst(2)).On("ec2", "DescribeVpcs");

        var answers = new List<(int Status, byte[] Body)>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await _client.SendAsync(QueryRequest("ec2", "DescribeVpcs"));
            answers.Add(((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync()));
        }

        using var other = await _client.SendAsync(QueryRequest("ec2", "DescribeSubnets"));
        var error = XDocument.Parse(Encoding.UTF8.GetString(answers[0].Body));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(answers.Select(a => a.Status), Is.EqualTo(new[] { 503, 503, 200 }));
            AssertEc2Error(error, "RequestLimitExceeded");
            Assert.That(answers[2].Body, Is.EqualTo(UpstreamBody));
            Assert.That((int)other.StatusCode, Is.EqualTo(200), "another operation of the same service is untouched");
            Assert.That(_upstream.Received, Has.Count.EqualTo(2), "throttled calls never reach upstream");
            Assert.That(rule.Applied, Is.EqualTo(2));
            Assert.That(_proxy.RequestsFor("ec2", "DescribeVpcs").Select(r => r.Injected), Is.EqualTo(new FaultKind?[] { FaultKind.Throttle, FaultKind.Throttle, null }));
            Assert.That(_proxy.RequestsFor("ec2", "DescribeSubnets").Single().Injected, Is.Null);
        }
    }

    [TestCase("iam", "GetAccountAuthorizationDetails", "https://iam.amazonaws.com/doc/2010-05-08/")]
    [TestCase("sts", "GetCallerIdentity", "https://sts.amazonaws.com/doc/2011-06-15/")]
    public async Task Throttle_on_a_query_service_answers_ErrorResponse_with_Throttling(string service, string action, string xmlNamespace)
    {
        _proxy.Inject(Fault.ThrottleFirst(1)).On(service, action);

        using var response = await _client.SendAsync(QueryRequest(service, action));
        var error = XDocument.Parse(await response.Content.ReadAsStringAsync());

        XNamespace ns = xmlNamespace;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(400));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/xml"));
            Assert.That(error.Root!.Name, Is.EqualTo(ns + "ErrorResponse"));
            Assert.That(error.Root.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "Error", "RequestId" }));
            Assert.That(error.Root.Element(ns + "Error")!.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "Type", "Code", "Message" }));
            Assert.That(error.Root.Element(ns + "Error")!.Element(ns + "Type")!.Value, Is.EqualTo("Sender"));
            Assert.That(error.Root.Element(ns + "Error")!.Element(ns + "Code")!.Value, Is.EqualTo("Throttling"));
            Assert.That(error.Root.Element(ns + "Error")!.Element(ns + "Message")!.Value, Is.Not.Empty);
            Assert.That(error.Root.Element(ns + "RequestId")!.Value, Is.EqualTo(response.Headers.GetValues("x-amzn-RequestId").Single()));
            Assert.That(_upstream.Received, Is.Empty);
        }
    }

    [TestCase("codebuild", "CodeBuild_20161006.ListProjects", "ListProjects")]
    [TestCase("ecr", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", "DescribeRepositories")]
    public async Task Throttle_on_a_json_service_answers_ThrottlingException(string service, string target, string operation)
    {
        _proxy.Inject(Fault.ThrottleFirst(1)).On(service, operation);

        using var response = await _client.SendAsync(JsonRequest(service, target, "{}"));
        var body = await response.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(400));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/x-amz-json-1.1"));
            Assert.That(body, Is.EqualTo("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"));
            Assert.That(response.Headers.GetValues("x-amzn-RequestId").Single(), Is.Not.Empty);
            Assert.That(_proxy.Requests.Single(), Is.EqualTo(new ProxiedRequest(1, service, operation, 400, FaultKind.Throttle)));
        }
    }

    [TestCase("ec2", "DescribeVpcs", 403, "UnauthorizedOperation")]
    [TestCase("iam", "GetAccountAuthorizationDetails", 403, "AccessDenied")]
    [TestCase("sts", "GetCallerIdentity", 403, "AccessDenied")]
    [TestCase("ecr", "DescribeRepositories", 400, "AccessDeniedException")]
    [TestCase("codebuild", "BatchGetProjects", 400, "AccessDeniedException")]
    public async Task DenyAccess_answers_every_call_with_the_protocols_access_error(string service, string operation, int status, string code)
    {
        _proxy.Inject(Fault.DenyAccess()).On(service, operation);

        var codes = new List<(int Status, string Code)>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await _client.SendAsync(RequestFor(service, operation));
            codes.Add(((int)response.StatusCode, ErrorCode(service, await response.Content.ReadAsStringAsync())));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(codes, Is.EqualTo(new[] { (status, code), (status, code) }));
            Assert.That(_upstream.Received, Is.Empty);
        }
    }

    [TestCase("ec2", "DescribeVpcs", 500, "InternalError")]
    [TestCase("ec2", "DescribeVpcs", 503, "Unavailable")]
    [TestCase("iam", "GetAccountAuthorizationDetails", 500, "InternalFailure")]
    [TestCase("sts", "GetCallerIdentity", 503, "ServiceUnavailable")]
    [TestCase("codebuild", "ListProjects", 500, "InternalFailure")]
    [TestCase("ecr", "DescribeRepositories", 503, "ServiceUnavailable")]
    public async Task ServerError_once_answers_the_documented_server_error_then_clears(string service, string operation, int status, string code)
    {
        _proxy.Inject(Fault.ServerError(status, times: 1)).On(service, operation);

        using var first = await _client.SendAsync(RequestFor(service, operation));
        var firstBody = await first.Content.ReadAsStringAsync();
        using var second = await _client.SendAsync(RequestFor(service, operation));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)first.StatusCode, Is.EqualTo(status));
            Assert.That(ErrorCode(service, firstBody), Is.EqualTo(code));
            if (service is "iam" or "sts")
                Assert.That(XDocument.Parse(firstBody).Descendants().Single(e => e.Name.LocalName == "Type").Value, Is.EqualTo("Receiver"));
            Assert.That((int)second.StatusCode, Is.EqualTo(200));
            Assert.That(_upstream.Received, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task ThrottleAlways_never_clears_and_counts_every_call()
    {
        var rule = _proxy.Inject(Fault.ThrottleAlways()).On("ec2", "DescribeSecurityGroups");

        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await _client.SendAsync(QueryRequest("ec2", "DescribeSecurityGroups"));
            statuses.Add((int)response.StatusCode);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses, Is.All.EqualTo(503));
            Assert.That(rule.Applied, Is.EqualTo(5));
            Assert.That(_proxy.RequestsFor("ec2", "DescribeSecurityGroups").Count(r => r.Injected == FaultKind.Throttle), Is.EqualTo(5));
            Assert.That(_upstream.Received, Is.Empty);
        }
    }

    [Test]
    public async Task TruncateBody_announces_the_full_length_sends_half_and_drops_the_connection()
    {
        var fullBody = Encoding.ASCII.GetBytes(new string('x', 1000));
        _answer = _ => new StubAnswer(200, "text/xml", fullBody);
        _proxy.Inject(Fault.TruncateBody()).On("ec2", "DescribeVpcs");

        var (head, bodyReceived) = await RawExchangeAsync("ec2", "DescribeVpcs");
        var viaHttpClient = await Assert.CatchAsync<Exception>(async () =>
        {
            using var response = await _client.SendAsync(QueryRequest("ec2", "DescribeVpcs"));
            await response.Content.ReadAsByteArrayAsync();
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(head, Does.StartWith("HTTP/1.1 200"));
            Assert.That(head, Does.Contain("Content-Length: 1000").IgnoreCase);
            Assert.That(head, Does.Not.Contain("Transfer-Encoding").IgnoreCase);
            Assert.That(bodyReceived, Is.EqualTo(500), "exactly half the body, then the connection ends");
            Assert.That(viaHttpClient, Is.InstanceOf<HttpRequestException>().Or.InstanceOf<IOException>());
            Assert.That(_proxy.Requests.Select(r => r.Injected), Is.All.EqualTo(FaultKind.TruncateBody));
            Assert.That(_upstream.Received, Has.Count.EqualTo(2), "the upstream really answered; only the way back is cut");
        }
    }

    [TestCase("ec2", "DescribeVpcs")]
    [TestCase("iam", "GetAccountAuthorizationDetails")]
    [TestCase("codebuild", "ListProjects")]
    public async Task MalformedBody_answers_200_with_a_document_that_does_not_parse(string service, string operation)
    {
        _proxy.Inject(Fault.MalformedBody()).On(service, operation);

        using var response = await _client.SendAsync(RequestFor(service, operation));
        var body = await response.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(body, Is.Not.Empty);
            if (service == "codebuild")
                Assert.That(() => JsonDocument.Parse(body), Throws.InstanceOf<JsonException>());
            else
                Assert.That(() => XDocument.Parse(body), Throws.InstanceOf<XmlException>());
            Assert.That(_proxy.Requests.Single().Injected, Is.EqualTo(FaultKind.MalformedBody));
        }
    }

    [Test]
    public async Task Delay_holds_the_answer_back_and_leaves_it_unchanged()
    {
        _proxy.Inject(Fault.Delay(TimeSpan.FromMilliseconds(400), times: 1)).On("ec2", "DescribeVpcs");

        var clock = Stopwatch.StartNew();
        using var delayed = await _client.SendAsync(QueryRequest("ec2", "DescribeVpcs"));
        var delayedBody = await delayed.Content.ReadAsByteArrayAsync();
        var delayedFor = clock.Elapsed;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(delayedFor, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(400)));
            Assert.That((int)delayed.StatusCode, Is.EqualTo(200));
            Assert.That(delayedBody, Is.EqualTo(UpstreamBody));
            Assert.That(_proxy.Requests.Single(), Is.EqualTo(new ProxiedRequest(1, "ec2", "DescribeVpcs", 200, FaultKind.Delay)));
        }
    }

    [Test]
    public async Task A_service_wide_rule_hits_every_operation_of_that_service_only_and_ClearFaults_removes_it()
    {
        _proxy.Inject(Fault.DenyAccess()).OnEveryOperationOf("ecr");

        var ecr1 = await StatusAsync(RequestFor("ecr", "DescribeRepositories"));
        var ecr2 = await StatusAsync(RequestFor("ecr", "GetLifecyclePolicy"));
        var codebuild = await StatusAsync(RequestFor("codebuild", "ListProjects"));
        _proxy.ClearFaults();
        var afterClear = await StatusAsync(RequestFor("ecr", "DescribeRepositories"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { ecr1, ecr2, codebuild, afterClear }, Is.EqualTo(new[] { 400, 400, 200, 200 }));
            Assert.That(_proxy.Rules, Is.Empty);
        }
    }

    [Test]
    public async Task ThrottleFirst_counts_exactly_under_concurrent_calls()
    {
        var rule = _proxy.Inject(Fault.ThrottleFirst(5)).On("ec2", "DescribeVpcs");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => StatusAsync(QueryRequest("ec2", "DescribeVpcs"))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses.Count(s => s == 503), Is.EqualTo(5));
            Assert.That(statuses.Count(s => s == 200), Is.EqualTo(20));
            Assert.That(rule.Applied, Is.EqualTo(5));
            Assert.That(_proxy.Requests.Select(r => r.Sequence), Is.EquivalentTo(Enumerable.Range(1, 25).Select(i => (long)i)));
            Assert.That(_upstream.Received, Has.Count.EqualTo(20));
        }
    }

    [Test]
    public void Faults_refuse_meaningless_parameters()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Fault.ThrottleFirst(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Fault.ServerError(502), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => Fault.Delay(TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }

    private static void AssertEc2Error(XDocument error, string code)
    {
        Assert.That(error.Root!.Name.LocalName, Is.EqualTo("Response"));
        Assert.That(error.Root.Name.NamespaceName, Is.Empty);
        Assert.That(error.Root.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "Errors", "RequestID" }));
        var single = error.Root.Element("Errors")!.Elements().Single();
        Assert.That(single.Name.LocalName, Is.EqualTo("Error"));
        Assert.That(single.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "Code", "Message" }), "EC2 errors carry no Type");
        Assert.That(single.Element("Code")!.Value, Is.EqualTo(code));
        Assert.That(single.Element("Message")!.Value, Is.Not.Empty);
        Assert.That(error.Root.Element("RequestID")!.Value, Is.Not.Empty);
    }

    private static string ErrorCode(string service, string body) => service switch
    {
        "ec2" => XDocument.Parse(body).Root!.Element("Errors")!.Element("Error")!.Element("Code")!.Value,
        "iam" or "sts" => XDocument.Parse(body).Descendants().Single(e => e.Name.LocalName == "Code").Value,
        _ => JsonDocument.Parse(body).RootElement.GetProperty("__type").GetString()!,
    };

    private async Task<int> StatusAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _client.SendAsync(request))
        {
            await response.Content.ReadAsByteArrayAsync();
            return (int)response.StatusCode;
        }
    }

    private HttpRequestMessage RequestFor(string service, string operation) => service switch
    {
        "codebuild" => JsonRequest(service, $"CodeBuild_20161006.{operation}", "{}"),
        "ecr" => JsonRequest(service, $"AmazonEC2ContainerRegistry_V20150921.{operation}", "{}"),
        _ => QueryRequest(service, operation),
    };

    private static string Authorization(string service) =>
        $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/{service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef";

    private HttpRequestMessage QueryRequest(string service, string action, string pathAndQuery = "/")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _proxy.Url + pathAndQuery)
        {
            Content = new StringContent($"Action={action}&Version={Ec2Version}", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(service));
        request.Headers.TryAddWithoutValidation("X-Amz-Date", "20261124T005000Z");
        return request;
    }

    private HttpRequestMessage JsonRequest(string service, string target, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _proxy.Url + "/") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(service));
        request.Headers.TryAddWithoutValidation("X-Amz-Date", "20261124T005000Z");
        return request;
    }

    /// <summary>One request over a bare socket, so what arrives on the wire is counted without an HTTP client's interpretation.</summary>
    private async Task<(string Head, int BodyBytes)> RawExchangeAsync(string service, string action)
    {
        var proxyUri = new Uri(_proxy.Url);
        var form = $"Action={action}&Version={Ec2Version}";
        var request = $"POST / HTTP/1.1\r\nHost: {proxyUri.Authority}\r\nAuthorization: {Authorization(service)}\r\n"
                      + $"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {form.Length}\r\n\r\n{form}";
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, proxyUri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (IOException)
        {
            // A reset after the data counts as the end of the connection.
        }

        var bytes = received.ToArray();
        var headEnd = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.That(headEnd, Is.GreaterThan(0), "a status line and headers arrived");
        return (Encoding.ASCII.GetString(bytes, 0, headEnd), bytes.Length - headEnd - 4);
    }
}
