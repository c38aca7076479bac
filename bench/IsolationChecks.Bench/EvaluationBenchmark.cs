using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Bench;

/// <summary>
/// Evaluation of a saved snapshot split in two: parse (read the folder, check it against its manifest, read every
/// declared file as its shape) and controls (every control on the parsed snapshot). The first round is the cold one a
/// fresh process pays; the best of the warm rounds is the steady cost. Prints one JSON object.
/// </summary>
public static class EvaluationBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var folder = options["snapshot"];
        var rounds = int.Parse(options.GetValueOrDefault("rounds", "5"), System.Globalization.CultureInfo.InvariantCulture);
        var settings = new SuiteSettings(new TargetSpec.SnapshotFolder(folder), options.GetValueOrDefault("posture", Path.Combine(folder, "posture.json")), Path.GetTempPath());
        var runner = new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System);
        var parse = new List<double>();
        var controls = new List<double>();
        var allocated = new List<double>();
        var findings = 0;
        for (var round = 0; round < rounds; round++)
        {
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var inputs = await SnapshotTarget.LoadAsync(settings, CancellationToken.None).ConfigureAwait(false);
            var snapshot = SnapshotReader.Read(inputs.Files);
            parse.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            findings = (await runner.EvaluateAsync(snapshot, inputs.Posture, settings.PosturePath, CancellationToken.None).ConfigureAwait(false)).Count;
            controls.Add(clock.Elapsed.TotalMilliseconds);
            allocated.Add((GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576.0);
        }

        var output = new JsonObject
        {
            ["snapshotMB"] = Math.Round(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0, 2),
            ["findings"] = findings,
            ["coldParseMs"] = Math.Round(parse[0], 1),
            ["coldControlsMs"] = Math.Round(controls[0], 1),
            ["parseMs"] = Math.Round(parse.Skip(1).DefaultIfEmpty(parse[0]).Min(), 1),
            ["controlsMs"] = Math.Round(controls.Skip(1).DefaultIfEmpty(controls[0]).Min(), 1),
            ["allocatedMBPerRound"] = Math.Round(allocated.Skip(1).DefaultIfEmpty(allocated[0]).Average()),
            ["peakWorkingSetMB"] = ToolRun.PeakMB(),
        };
        Console.WriteLine(output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
