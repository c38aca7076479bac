using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;

namespace IsolationChecks.Bench;

/// <summary>
/// The tool's whole run as a user starts it (AuditRun: settings, live collection, saved snapshot, every control, the
/// three reports), in this fresh process, with the time of each phase read from the run's own progress lines and the
/// process's peak memory; with --again true, the same run a second time in the same process. Prints one JSON object.
/// </summary>
public static class ToolRun
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var (exitCode, output) = await OnceAsync(options, "").ConfigureAwait(false);
        output["startupMs"] = Math.Round(sinceStart.TotalMilliseconds);
        output["peakWorkingSetMB"] = PeakMB();
        output["allocatedMB"] = Math.Round(GC.GetTotalAllocatedBytes() / 1048576.0);
        // The same run again in this process: what the collector costs once the process is warm (the second of many
        // accounts in one run), apart from a fresh process's start-up.
        if (options.GetValueOrDefault("again") == "true")
        {
            var (_, again) = await OnceAsync(options, "-again").ConfigureAwait(false);
            output["again"] = new JsonObject
            {
                ["collectionMs"] = again["collectionMs"]?.DeepClone(), ["totalMs"] = again["totalMs"]?.DeepClone(), ["byStatus"] = again["byStatus"]?.DeepClone(),
                ["marks"] = again["marks"]?.DeepClone(),
            };
        }

        Console.WriteLine(output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return exitCode;
    }

    /// <summary>One whole run, its output and snapshot folders suffixed with <paramref name="suffix"/>.</summary>
    private static async Task<(int ExitCode, JsonObject Output)> OnceAsync(IReadOnlyDictionary<string, string> options, string suffix)
    {
        var clock = Stopwatch.StartNew();
        var marks = new List<(double Ms, string Line)>();
        var parameters = new Dictionary<string, string>
        {
            ["Target"] = options.GetValueOrDefault("target", "live"),
            ["Posture"] = options["posture"],
            ["Output"] = options["output"] + suffix,
        };
        if (options.TryGetValue("endpoint", out var endpoint))
            parameters["EndpointUrl"] = endpoint;
        if (options.TryGetValue("snapshot", out var snapshot))
            parameters["SaveSnapshot"] = snapshot + suffix;
        if (options.TryGetValue("timeout", out var timeout))
            parameters["Timeout"] = timeout;

        using var interruption = new Interruption();
        var progress = new Lines(line => { lock (marks) marks.Add((clock.Elapsed.TotalMilliseconds, line)); });
        var run = await new AuditRun(ControlCatalog.Discover().Controls, TimeProvider.System)
            .RunAsync(new RunRequest(parameters, new Dictionary<string, string>(), Environment.CurrentDirectory, AppContext.BaseDirectory), progress, interruption)
            .ConfigureAwait(false);
        var total = clock.Elapsed.TotalMilliseconds;

        double At(string prefix) => marks.FirstOrDefault(m => m.Line.StartsWith(prefix, StringComparison.Ordinal)).Ms;
        var collecting = At("Collecting live");
        var collected = marks.Where(m => m.Line.StartsWith("[", StringComparison.Ordinal)).Select(m => m.Ms).DefaultIfEmpty(collecting).Max();
        var readFrom = Math.Max(At("Snapshot saved"), collected);
        var evidence = At("Evidence:");
        var evaluating = At("Evaluating");
        var findings = At("Findings:");
        var result = run.Result;
        var manifest = result?.Manifest;
        var output = new JsonObject
        {
            ["exitCode"] = run.ExitCode,
            ["message"] = (run.Outcome as RunOutcome.ConfigurationError)?.Message ?? (run.Outcome as RunOutcome.Broken)?.Reason,
            ["totalMs"] = Math.Round(total),
            ["collectionMs"] = Math.Round(collected - collecting),
            ["saveMs"] = Math.Round(readFrom - collected),
            ["parseMs"] = Math.Round(evidence - readFrom),
            ["controlsMs"] = Math.Round(findings - evaluating),
            ["reportsMs"] = Math.Round(total - findings),
            ["logicalCalls"] = manifest?.Calls.Count(c => c.Service != "posture"),
            ["pages"] = manifest?.Calls.Sum(c => c.Pages),
            ["attempts"] = manifest?.Calls.Sum(c => c.Attempts),
            ["failedCalls"] = manifest?.Calls.Count(c => c.Outcome == "failed"),
            ["findings"] = result?.Findings.Count,
            ["byStatus"] = result is null ? null : new JsonObject(result.Counts.ByStatus.Select(kv => KeyValuePair.Create(kv.Key.ToWire(), (JsonNode?)kv.Value))),
            ["files"] = new JsonArray(run.Files.Select(f => (JsonNode?)new JsonObject { ["name"] = Path.GetFileName(f), ["bytes"] = new FileInfo(f).Length }).ToArray()),
        };
        // The progress lines with the milliseconds they came at: where a run's time went.
        if (options.GetValueOrDefault("marks") == "true")
            output["marks"] = new JsonArray(marks.Select(m => (JsonNode?)$"{m.Ms:0.0} {m.Line}").ToArray());
        return (run.ExitCode, output);
    }

    /// <summary>The process's peak resident set (VmHWM), which, unlike PeakWorkingSet64, Linux keeps exactly.</summary>
    public static double PeakMB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return Math.Round(long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0);
        return Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0);
    }

    /// <summary>Progress lines as they are reported, in order.</summary>
    private sealed class Lines(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
