using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace IsolationChecks.IntegrationTests.Moto;

/// <summary>
/// A moto server (every AWS service on one local port) for one test fixture, behind a local front that answers the
/// EC2 Client VPN reads moto lacks (<see cref="ClientVpn"/>) and passes everything else through byte for byte. Fails
/// with an install hint when moto is not importable; the process is killed on dispose.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "secret";
    public const string AccountId = "123456789012";
    public const string InstallHint = "python3 -m pip install 'moto[server]'";

    private readonly Process _process;
    private readonly HttpClient _http;
    private Faults.FaultProxy? _front;

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

    /// <summary>Environment for a process (python/boto3, the AWS CLI) that should talk to this server.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = Endpoint,
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_DEFAULT_REGION"] = "eu-west-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    public static async Task<MotoServer> StartAsync(CancellationToken cancellationToken = default)
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
            server._front = await Faults.FaultProxy.StartAsync(new Uri(server.MotoEndpoint), cancellationToken).ConfigureAwait(false);
            server._front.Answer((call, body) => server.ClientVpn.Answer(call.Service, call.Operation, body));
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
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
        if (_front is not null)
            await _front.DisposeAsync().ConfigureAwait(false);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
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
