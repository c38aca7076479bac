using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using IsolationChecks.IntegrationTests.EndToEnd;
using IsolationChecks.Running;

namespace IsolationChecks.IntegrationTests.Cli;

/// <summary>The console tool stops on SIGTERM with exit code 4, writing nothing that looks like a finished result.</summary>
[Category("EndToEnd")]
public class ConsoleToolSignalTests
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>
    /// Waits until <paramref name="process"/> is in the middle of a TCP handshake to 127.0.0.1:<paramref name="port"/>: a
    /// SYN_SENT row of /proc/net/tcp whose socket is one of the process's file descriptors.
    /// </summary>
    private static async Task WaitForHandshakeAsync(Process process, int port, TimeSpan timeout)
    {
        var remote = $"0100007F:{port:X4}";
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var sockets = Directory.EnumerateFileSystemEntries($"/proc/{process.Id}/fd")
                .Select(fd => new FileInfo(fd).LinkTarget).OfType<string>()
                .Where(t => t.StartsWith("socket:[", StringComparison.Ordinal)).Select(t => t[8..^1]).ToHashSet(StringComparer.Ordinal);
            if (File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Any(f => f[2] == remote && f[3] == "02" && sockets.Contains(f[9])))
                return;
            if (waited.Elapsed > timeout || process.HasExited)
                Assert.Fail($"probe-vpc made no connection attempt to port {port} within {timeout}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// A canary whose TCP handshake never completes: a listener that accepts nothing, its queue already full, so the
    /// kernel drops further connection attempts and the probe waits out its (long) timeout unless it is cancelled.
    /// </summary>
    [Test]
    public async Task Sigterm_cancels_a_probe_in_progress_and_exits_4_without_writing_its_record()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(1);
        var port = ((IPEndPoint)silent.LocalEndPoint!).Port;
        var queued = new List<Socket>();
        for (var i = 0; i < 4; i++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            queued.Add(client);
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromMilliseconds(300));
            }
            catch (TimeoutException)
            {
                // The queue is full: this is the state the probe will meet.
            }
        }

        var work = Path.Combine(Path.GetTempPath(), $"probe-signal-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        var posture = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(SuiteProcess.RepoRoot, "Fixtures", "reference", "posture.json")))!;
        posture["inVpcProbes"] = new JsonObject
        {
            ["enabled"] = true, ["internetCanaries"] = new JsonArray($"127.0.0.1:{port}"), ["serviceHosts"] = new JsonArray(), ["timeoutSeconds"] = 120,
        };
        await File.WriteAllTextAsync(Path.Combine(work, "posture.json"), posture.ToJsonString());
        var record = Path.Combine(work, "in-vpc.json");

        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "IsolationChecks.Cli.dll"), "probe-vpc", Path.Combine(work, "posture.json"), record])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        using var tool = Process.Start(info)!;
        var stderr = tool.StandardError.ReadToEndAsync();
        await WaitForHandshakeAsync(tool, port, TimeSpan.FromSeconds(60));
        Assert.That(tool.HasExited, Is.False, "the probe is still waiting on the canary");

        var signalled = Stopwatch.StartNew();
        Assert.That(Kill(tool.Id, 15), Is.Zero);
        await tool.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        TestContext.Out.WriteLine($"probe-vpc stopped {signalled.Elapsed.TotalSeconds:0.0} s after SIGTERM");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tool.ExitCode, Is.EqualTo(ExitCodes.Interrupted), await stderr);
            Assert.That(signalled.Elapsed, Is.LessThan(Interruption.GracePeriod));
            Assert.That(await stderr, Does.Contain("interrupted").IgnoreCase);
            Assert.That(File.Exists(record), Is.False, "no record of a probe that did not finish");
        }

        foreach (var client in queued)
            client.Dispose();
        Directory.Delete(work, recursive: true);
    }
}
