using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using IsolationChecks.Aws;
using IsolationChecks.Collection;
using IsolationChecks.IntegrationTests.Aws;
using IsolationChecks.IntegrationTests.Faults;

namespace IsolationChecks.IntegrationTests.Moto;

/// <summary>How a test fixture stands up its own moto.</summary>
/// <param name="ProcessEnvironment">Set in this test process while the server runs and restored when it is disposed: what the
/// SDK's default credential chain reads. The endpoint is not among them; it comes from the settings, so a proxy can sit in
/// between. Null: the process environment is left as it is.</param>
/// <param name="FaultProxy">A fault proxy in front of the server for its whole life (<see cref="MotoServer.Faults"/>).</param>
internal sealed record MotoSetup(IReadOnlyDictionary<string, string>? ProcessEnvironment = null, bool FaultProxy = false)
{
    /// <summary>The server's credentials and default region in this process, for the product's collector.</summary>
    public static MotoSetup Credentials { get; } = new(MotoServer.Credentials);

    /// <summary><see cref="Credentials"/>, with a fault proxy in front.</summary>
    public static MotoSetup CredentialsAndFaultProxy { get; } = new(MotoServer.Credentials, FaultProxy: true);
}

/// <summary>
/// A moto server (every AWS service on one local port) for one test fixture, behind a local front that answers the
/// EC2 Client VPN reads moto lacks (<see cref="ClientVpn"/>) and passes everything else through byte for byte. Fails
/// with an install hint when moto is not importable; the process is killed on dispose. A fixture that needs more (its
/// credentials in the process environment, a fault proxy in front) says so in a <see cref="MotoSetup"/>, and the server
/// owns that too: one dispose undoes it all.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "secret";
    public const string AccountId = "123456789012";
    public const string InstallHint = "python3 -m pip install 'moto[server]'";

    private readonly Process _process;
    private readonly HttpClient _http;
    private FaultProxy? _front;
    private FaultProxy? _faults;
    private EnvironmentVariables? _environment;

    private MotoServer(Process process, string endpoint)
    {
        _process = process;
        MotoEndpoint = endpoint;
        _http = new HttpClient { BaseAddress = new Uri(endpoint), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>http://127.0.0.1:PORT of the front (Client VPN answered, the rest moto's).</summary>
    public string Endpoint => _front?.Url ?? MotoEndpoint;

    /// <summary>moto itself.</summary>
    public string MotoEndpoint { get; }

    /// <summary>The Client VPN endpoints the front answers for (moto has none).</summary>
    public ClientVpnService ClientVpn { get; } = new();

    /// <summary>The fault proxy in front of <see cref="Endpoint"/> that the <see cref="MotoSetup"/> asked for, disposed with the server.</summary>
    internal FaultProxy Faults => _faults ?? throw new InvalidOperationException("This moto was started without a fault proxy (MotoSetup.FaultProxy).");

    /// <summary>The credentials and default region of a client of any moto (everything but the endpoint).</summary>
    public static IReadOnlyDictionary<string, string> Credentials { get; } = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_DEFAULT_REGION"] = "eu-west-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    }.AsReadOnly();

    /// <summary>Environment for a process (python/boto3, the AWS CLI) that should talk to this server.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment =>
        new Dictionary<string, string>(Credentials) { ["AWS_ENDPOINT_URL"] = Endpoint };

    public static Task<MotoServer> StartAsync(CancellationToken cancellationToken = default) => StartAsync(new MotoSetup(), cancellationToken);

    internal static async Task<MotoServer> StartAsync(MotoSetup setup, CancellationToken cancellationToken)
    {
        await EnsureMotoImportableAsync(cancellationToken).ConfigureAwait(false);
        var port = FreePort();
        var start = new ProcessStartInfo("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ACCESS_KEY_ID"] = AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = SecretKey;
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new MotoServer(process, $"http://127.0.0.1:{port}");
        try
        {
            await server.WaitUntilAnsweringAsync(cancellationToken).ConfigureAwait(false);
            server._front = await FaultProxy.StartAsync(new Uri(server.MotoEndpoint), cancellationToken).ConfigureAwait(false);
            server._front.Answer((call, body) => server.ClientVpn.Answer(call.Service, call.Operation, body));
            if (setup.FaultProxy)
                server._faults = await server.StartFaultProxyAsync(cancellationToken).ConfigureAwait(false);
            if (setup.ProcessEnvironment is not null)
                server._environment = new EnvironmentVariables(setup.ProcessEnvironment);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>A fault proxy in front of <see cref="Endpoint"/> that the caller owns (one a test, say), recording upstream answers if asked.</summary>
    internal Task<FaultProxy> StartFaultProxyAsync(CancellationToken cancellationToken, UpstreamRecording? recording = null) =>
        FaultProxy.StartAsync(new Uri(Endpoint), cancellationToken, recording);

    /// <summary>
    /// The product's collector reaching AWS at <paramref name="endpoint"/> (a server's front, or a fault proxy in front of it):
    /// its clients and its options name that endpoint and the options' page size.
    /// </summary>
    internal static Collector CollectorAt(string endpoint, CollectionOptions? options = null, TimeProvider? time = null)
    {
        options = (options ?? new CollectionOptions()) with { EndpointUrl = endpoint };
        return new Collector(new AwsClientFactory(new AwsAccessSettings(EndpointUrl: endpoint, PageSize: options.PageSize)), options, time ?? TimeProvider.System);
    }

    /// <summary>Wipes every resource of every service.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        ClientVpn.Clear();
        using var response = await _http.PostAsync("/moto-api/reset", null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_faults is not null)
            await _faults.DisposeAsync().ConfigureAwait(false);
        if (_front is not null)
            await _front.DisposeAsync().ConfigureAwait(false);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        _environment?.Dispose();
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"moto exited with code {_process.ExitCode} before answering on {Endpoint}.");
            try
            {
                using var response = await _http.GetAsync("/moto-api/data.json", cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"moto did not answer on {Endpoint} within 60 s.");
    }

    private static async Task EnsureMotoImportableAsync(CancellationToken cancellationToken)
    {
        var check = new ProcessStartInfo("python3", ["-c", "import moto.server"]) { RedirectStandardError = true, UseShellExecute = false };
        Process? process;
        try
        {
            process = Process.Start(check);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"python3 is not available. Install it, then: {InstallHint}", e);
        }

        using (process)
        {
            if (process is null)
                throw new InvalidOperationException($"python3 did not start. {InstallHint}");
            var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"moto is not importable ({error.Trim()}). Install it with: {InstallHint}");
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
