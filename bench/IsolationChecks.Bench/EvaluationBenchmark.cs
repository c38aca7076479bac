using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using IsolationChecks.Posture;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Bench;

/// <summary>
/// Evaluation of a saved snapshot split in two: parse (read the folder, check it against its manifest, read every
/// declared file as its shape) and controls (every control on the parsed snapshot). The first round is the cold one a
/// fresh process pays; the best of the warm rounds is the steady cost. Warm rounds go on past <c>--rounds</c> until they
/// have taken <c>--warm-seconds</c> (3 by default) and number at least <c>--min-warm-rounds</c> (10): at 1× a round takes
/// milliseconds, and five of them run mostly code the JIT has not optimised yet, which is a start-up cost (the cold round
/// shows it), not the steady one; at 100× a round takes most of a second, and the four that fit in 3 s measured the
/// controls at twice their steady cost, half of it still tiering up. Prints one JSON object.
/// </summary>
public static class EvaluationBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var folder = options["snapshot"];
        var rounds = int.Parse(options.GetValueOrDefault("rounds", "5"), System.Globalization.CultureInfo.InvariantCulture);
        var warmFor = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("warm-seconds", "3"), System.Globalization.CultureInfo.InvariantCulture));
        var minWarmRounds = int.Parse(options.GetValueOrDefault("min-warm-rounds", "10"), System.Globalization.CultureInfo.InvariantCulture);
        var warm = new Stopwatch();
        var settings = new SuiteSettings(new TargetSpec.SnapshotFolder(folder), options.GetValueOrDefault("posture", Path.Combine(folder, "posture.json")), Path.GetTempPath());
        var runner = new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System);
        var read = new List<double>();
        var posture = new List<double>();
        var parse = new List<double>();
        var controls = new List<double>();
        var allocated = new List<double>();
        var findings = 0;
        Collection.SnapshotFiles? lastFiles = null;
        PostureDocument? lastPosture = null;
        for (var round = 0; round < rounds || ((warm.Elapsed < warmFor || round <= minWarmRounds) && round < 1000); round++)
        {
            if (round == 1)
                warm.Start();
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var files = await SnapshotFolder.ReadAsync(folder, CancellationToken.None).ConfigureAwait(false);
            read.Add(clock.Elapsed.TotalMilliseconds);
            var judgedWith = await PostureLoader.LoadAsync(settings.PosturePath, CancellationToken.None).ConfigureAwait(false);
            posture.Add(clock.Elapsed.TotalMilliseconds - read[^1]);
            var snapshot = SnapshotReader.Read(files);
            parse.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            findings = (await runner.EvaluateAsync(snapshot, judgedWith, settings.PosturePath, CancellationToken.None).ConfigureAwait(false)).Count;
            controls.Add(clock.Elapsed.TotalMilliseconds);
            (lastFiles, lastPosture) = (files, judgedWith);
            allocated.Add((GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576.0);
        }

        // Each control alone on a parsed snapshot, warm, sharing one network model as a run does (its build timed apart, not
        // charged to whichever path control asks first): where the controls' time goes.
        var perControl = new List<(string Id, double Ms)>();
        var shared = new EvaluationContext(SnapshotReader.Read(lastFiles!), lastPosture!, TimeProvider.System);
        var networkClock = Stopwatch.StartNew();
        _ = shared.Network;
        var networkMs = networkClock.Elapsed.TotalMilliseconds;
        foreach (var control in ControlCatalog.Discover().Controls)
        {
            var clock = Stopwatch.StartNew();
            await control.EvaluateAsync(shared, CancellationToken.None).ConfigureAwait(false);
            perControl.Add((control.Metadata.Id, clock.Elapsed.TotalMilliseconds));
        }

        var output = new JsonObject
        {
            ["perControlMs"] = new JsonObject(perControl.OrderByDescending(c => c.Ms).Select(c => KeyValuePair.Create(c.Id, (JsonNode?)Math.Round(c.Ms, 1)))),
            ["networkModelMs"] = Math.Round(networkMs, 1),
            ["snapshotMB"] = Math.Round(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0, 2),
            ["findings"] = findings,
            ["coldParseMs"] = Math.Round(parse[0], 1),
            ["coldReadFolderMs"] = Math.Round(read[0], 1),
            ["coldPostureMs"] = Math.Round(posture[0], 1),
            ["coldControlsMs"] = Math.Round(controls[0], 1),
            ["parseMs"] = Math.Round(parse.Skip(1).DefaultIfEmpty(parse[0]).Min(), 1),
            ["controlsMs"] = Math.Round(controls.Skip(1).DefaultIfEmpty(controls[0]).Min(), 1),
            ["warmRounds"] = parse.Count - 1,
            ["allocatedMBPerRound"] = Math.Round(allocated.Skip(1).DefaultIfEmpty(allocated[0]).Average()),
            ["peakWorkingSetMB"] = ToolRun.PeakMB(),
        };
        Console.WriteLine(output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
