using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.InVpc.NET1_InternetUnreachable;
using IsolationChecks.Controls.InVpc.NET2_ServiceNamesResolvePrivately;
using IsolationChecks.Controls.InVpc.NET3_ServiceTlsSucceeds;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using NUnit.Framework;
using IsolationChecks.Collection;

namespace IsolationChecks.IntegrationTests.InVpc;

/// <summary>
/// The in-VPC probes for real: `isolationchecks probe-vpc` runs inside a network namespace standing in for the build subnet
/// (10.20.1.57, inside the reference build VPC), whose /etc/hosts (ip netns exec mounts /etc/netns/NAME/hosts) answers for the
/// names. Outside it, on the other end of a veth pair, listen a TLS server (a test CA's certificate for two of the names) and
/// an "internet" host that one canary can reach. The record is then judged by NET-1..NET-3 on the reference snapshot.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class InVpcProbeNamespaceTests
{
    private const string Hint = "these tests need root and iproute2 (`ip netns`): run as root, apt-get install iproute2";

    private readonly string _namespace = $"icnet{Environment.ProcessId % 100000}";
    private string HostSide => $"ich{Environment.ProcessId % 100000}";
    private string NamespaceSide => $"icn{Environment.ProcessId % 100000}";

    private string _work = null!;
    private CancellationTokenSource _servers = null!;
    private readonly List<TcpListener> _listeners = [];
    private Dictionary<(string Control, string Target), Finding> _verdicts = null!;

    [OneTimeSetUp]
    public async Task BuildNamespaceProbeAndJudge()
    {
        if (Environment.UserName != "root" || await RunAsync("ip", "-V") != 0)
            Assert.Fail(Hint);
        _work = Directory.CreateTempSubdirectory("invpc-").FullName;
        _servers = new CancellationTokenSource();
        foreach (var step in new[]
                 {
                     $"netns add {_namespace}",
                     $"link add {HostSide} type veth peer name {NamespaceSide}",
                     $"link set {NamespaceSide} netns {_namespace}",
                     $"addr add 10.20.1.1/24 dev {HostSide}",
                     $"addr add 198.51.100.7/32 dev {HostSide}",
                     $"link set {HostSide} up",
                     $"-n {_namespace} addr add 10.20.1.57/24 dev {NamespaceSide}",
                     $"-n {_namespace} link set {NamespaceSide} up",
                     $"-n {_namespace} link set lo up",
                     $"-n {_namespace} route add 198.51.100.7/32 via 10.20.1.1",
                 })
            Assert.That(await RunAsync("ip", step), Is.Zero, $"ip {step}");

        var etc = Directory.CreateDirectory($"/etc/netns/{_namespace}").FullName;
        await File.WriteAllTextAsync(Path.Combine(etc, "hosts"), """
            127.0.0.1 localhost
            198.51.100.7 canary.reachable.test
            198.51.100.99 canary.unreachable.test
            10.20.1.1 api.ecr.ap-northeast-1.amazonaws.com logs.ap-northeast-1.amazonaws.com
            203.0.113.50 public.service.test
            """);
        await File.WriteAllTextAsync(Path.Combine(etc, "resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");

        var (caFile, serverCertificate) = Certificates(_work);
        Serve(IPAddress.Parse("10.20.1.1"), 443, async stream =>
        {
            await using var tls = new SslStream(stream);
            await tls.AuthenticateAsServerAsync(serverCertificate);
        });
        Serve(IPAddress.Parse("198.51.100.7"), 443, _ => Task.CompletedTask);

        var posture = Path.Combine(_work, "posture.json");
        await File.WriteAllTextAsync(posture, """
            {"version":1,"name":"netns","accounts":{"prd":{"accountId":"222222222222","region":"ap-northeast-1"}},
             "inVpcProbes":{"enabled":true,"timeoutSeconds":3,
               "internetCanaries":["canary.reachable.test:443","canary.unreachable.test:443"],
               "serviceHosts":["api.ecr.ap-northeast-1.amazonaws.com","logs.ap-northeast-1.amazonaws.com","public.service.test"]}}
            """);
        var record = Path.Combine(_work, "in-vpc.json");
        var cli = Path.Combine(AppContext.BaseDirectory, "IsolationChecks.Cli.dll");
        var exit = await RunAsync("ip", $"netns exec {_namespace} env -u CODEBUILD_BUILD_ARN SSL_CERT_FILE={caFile} dotnet {cli} probe-vpc {posture} {record}");
        Assert.That(exit, Is.Zero, "probe-vpc inside the namespace");

        var reference = await SnapshotFolder.ReadAsync(ReferenceFolder(), CancellationToken.None);
        var files = new Dictionary<string, byte[]>(reference.Files, StringComparer.Ordinal)
        {
            ["probes/in-vpc.json"] = await File.ReadAllBytesAsync(record),
        };
        var declared = PostureLoader.Parse(files["posture.json"], "posture.json") with
        {
            InVpcProbes = PostureLoader.Parse(await File.ReadAllBytesAsync(posture), posture).InVpcProbes,
        };
        var context = new EvaluationContext(SnapshotReader.Read(new SnapshotFiles("netns", files, null)), declared, TimeProvider.System);
        var findings = new List<Finding>();
        foreach (var control in new IControl[] { new InternetUnreachable(), new ServiceNamesResolvePrivately(), new ServiceTlsSucceeds() })
            findings.AddRange(await control.EvaluateAsync(context, CancellationToken.None));
        _verdicts = findings.ToDictionary(f => (f.Control.Id, f.Resource.Id));
        TestContext.Progress.WriteLine(Encoding.UTF8.GetString(files["probes/in-vpc.json"]));
    }

    [OneTimeTearDown]
    public async Task RemoveNamespace()
    {
        _servers?.Cancel();
        foreach (var listener in _listeners)
            listener.Stop();
        _servers?.Dispose();
        await RunAsync("ip", $"netns del {_namespace}");
        if (Directory.Exists($"/etc/netns/{_namespace}"))
            Directory.Delete($"/etc/netns/{_namespace}", recursive: true);
        if (_work is not null)
            Directory.Delete(_work, recursive: true);
    }

    [TestCase("NET-1", "canary.reachable.test:443", Status.Fail, "was reached from inside the build network")]
    [TestCase("NET-1", "canary.unreachable.test:443", Status.Pass, "unreachable")]
    [TestCase("NET-2", "api.ecr.ap-northeast-1.amazonaws.com", Status.Pass, "10.20.1.1, all private")]
    [TestCase("NET-2", "public.service.test", Status.Fail, "203.0.113.50")]
    [TestCase("NET-3", "api.ecr.ap-northeast-1.amazonaws.com", Status.Pass, "with a valid certificate")]
    [TestCase("NET-3", "logs.ap-northeast-1.amazonaws.com", Status.Fail, "RemoteCertificateNameMismatch")]
    [TestCase("NET-3", "public.service.test", Status.Fail, "no TLS session with public.service.test")]
    public void A_probe_run_inside_the_namespace_gets_its_verdict(string control, string target, Status expected, string message)
    {
        var finding = _verdicts[(control, target)];

        Assert.That(finding.Status, Is.EqualTo(expected), finding.Message);
        Assert.That(finding.Message, Does.Contain(message));
        Assert.That(finding.Evidence.Select(e => e.Fact), Has.Some.Contains("10.20.1.57 is in build VPC vpc-0a4155ce1ac383e36"));
    }

    private void Serve(IPAddress address, int port, Func<NetworkStream, Task> handle)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        _listeners.Add(listener);
        _ = Task.Run(async () =>
        {
            while (!_servers.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync(_servers.Token); }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try { await handle(client.GetStream()); }
                        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
                    }
                });
            }
        });
    }

    /// <summary>A test CA (written as PEM for SSL_CERT_FILE) and a server certificate it signed for api.ecr only, so logs gets a name mismatch.</summary>
    private static (string CaFile, X509Certificate2 Server) Certificates(string folder)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=IsolationChecks test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var caFile = Path.Combine(folder, "ca.pem");
        File.WriteAllText(caFile, ca.ExportCertificatePem());

        var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=api.ecr.ap-northeast-1.amazonaws.com", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("api.ecr.ap-northeast-1.amazonaws.com");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        return (caFile, X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null));
    }

    private static string ReferenceFolder() =>
        Path.Combine(typeof(InVpcProbeNamespaceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!, "Fixtures", "reference");

    private static async Task<int> RunAsync(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception) { return -1; }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                await TestContext.Progress.WriteLineAsync($"{file} {arguments}: exit {process.ExitCode}\n{await output}\n{await error}");
            return process.ExitCode;
        }
    }
}
