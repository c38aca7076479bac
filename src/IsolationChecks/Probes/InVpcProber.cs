using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Security;
using System.Net.Sockets;
using IsolationChecks.Posture;

namespace IsolationChecks.Probes;

/// <summary>
/// Runs the in-VPC probes from this machine: a TCP connection to each internet canary (which must fail), and for each
/// service host a name resolution and a validated TLS handshake on 443. Nothing is sent beyond a handshake.
/// </summary>
public sealed class InVpcProber(TimeProvider clock)
{
    public const int DefaultTimeoutSeconds = 5;

    public async Task<InVpcProbeRecord> RunAsync(InVpcProbePosture posture, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(posture.TimeoutSeconds ?? DefaultTimeoutSeconds);
        var startedAt = clock.GetUtcNow();
        var canaries = Task.WhenAll((posture.InternetCanaries ?? []).Select(c => ProbeCanaryAsync(c, timeout, cancellationToken)));
        var hosts = Task.WhenAll((posture.ServiceHosts ?? []).Select(h => ProbeServiceHostAsync(h, timeout, cancellationToken)));
        return new InVpcProbeRecord(InVpcProbeRecord.CurrentFormat, startedAt, Source(), (int)timeout.TotalSeconds,
            await canaries.ConfigureAwait(false), await hosts.ConfigureAwait(false));
    }

    public static ProbeSource Source()
    {
        var addresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => a.Address))
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal)
            .Select(a => a.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
        return new ProbeSource(Dns.GetHostName(), addresses, Environment.GetEnvironmentVariable("CODEBUILD_BUILD_ARN"));
    }

    private static async Task<CanaryProbe> ProbeCanaryAsync(string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var colon = target.LastIndexOf(':');
        var (host, port) = (target[..colon], int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var resolution = await ResolveAsync(host, timeout, cancellationToken).ConfigureAwait(false);
        if (resolution.Outcome != ResolutionOutcome.Resolved)
            return new CanaryProbe(target, [],
                resolution.Outcome == ResolutionOutcome.NotFound ? ConnectOutcome.NameNotResolved : ConnectOutcome.ResolverFailed,
                null, $"{host} did not resolve ({resolution.Detail})", watch.ElapsedMilliseconds);

        var attempts = new List<(string Address, ConnectOutcome Outcome, string Detail)>();
        foreach (var address in resolution.Addresses)
        {
            var (outcome, detail) = await ConnectAsync(IPAddress.Parse(address), port, timeout, cancellationToken).ConfigureAwait(false);
            if (outcome == ConnectOutcome.Connected)
                return new CanaryProbe(target, resolution.Addresses, outcome, address, $"connected to {address}:{port}", watch.ElapsedMilliseconds);
            attempts.Add((address, outcome, detail));
        }

        // The most telling failure decides: an answer (reset) over an error over silence.
        var worst = attempts.MinBy(a => a.Outcome switch { ConnectOutcome.Refused => 0, ConnectOutcome.Error => 1, ConnectOutcome.Unreachable => 2, _ => 3 });
        return new CanaryProbe(target, resolution.Addresses, worst.Outcome, null,
            string.Join("; ", attempts.Select(a => $"{a.Address}:{port} {a.Detail}")), watch.ElapsedMilliseconds);
    }

    private static async Task<ServiceHostProbe> ProbeServiceHostAsync(string host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var resolution = await ResolveAsync(host, timeout, cancellationToken).ConfigureAwait(false);
        if (resolution.Outcome != ResolutionOutcome.Resolved)
            return new ServiceHostProbe(host, resolution, new TlsHandshake(TlsOutcome.NotAttempted, null, null, null, "no address to connect to", 0));
        return new ServiceHostProbe(host, resolution, await HandshakeAsync(host, IPAddress.Parse(resolution.Addresses[0]), timeout, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Resolution> ResolveAsync(string host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, limit.Token).ConfigureAwait(false);
            return addresses.Length == 0
                ? new Resolution(ResolutionOutcome.NotFound, [], "no address")
                : new Resolution(ResolutionOutcome.Resolved, addresses.Select(a => a.ToString()).Distinct().ToList(), null);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            return new Resolution(ResolutionOutcome.NotFound, [], e.Message);
        }
        catch (SocketException e)
        {
            return new Resolution(ResolutionOutcome.Failed, [], $"{e.SocketErrorCode}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Resolution(ResolutionOutcome.Failed, [], $"no answer within {timeout.TotalSeconds:0} s");
        }
    }

    private static async Task<(ConnectOutcome Outcome, string Detail)> ConnectAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(address, port, limit.Token).ConfigureAwait(false);
            return (ConnectOutcome.Connected, "connected");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (ConnectOutcome.Timeout, $"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (SocketException e)
        {
            return (e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => ConnectOutcome.Refused,
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => ConnectOutcome.Unreachable,
                SocketError.TimedOut => ConnectOutcome.Timeout,
                _ => ConnectOutcome.Error,
            }, $"{e.SocketErrorCode}: {e.Message}");
        }
    }

    private static async Task<TlsHandshake> HandshakeAsync(string host, IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient(address.AddressFamily);
            await client.ConnectAsync(address, 443, limit.Token).ConfigureAwait(false);
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, limit.Token).ConfigureAwait(false);
            return new TlsHandshake(TlsOutcome.Succeeded, address.ToString(), tls.SslProtocol.ToString(), tls.RemoteCertificate?.Subject, null, watch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TlsHandshake(TlsOutcome.Failed, address.ToString(), null, null, $"no handshake within {timeout.TotalSeconds:0} s", watch.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return new TlsHandshake(TlsOutcome.Failed, address.ToString(), null, null, $"{e.GetType().Name}: {e.Message}", watch.ElapsedMilliseconds);
        }
    }
}
