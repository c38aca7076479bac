using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using IsolationChecks.Cli.Progress;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks snapshot collect | verify | sign | diff`: the evidence on its own, without a run. collect saves what a
/// live run would read; verify says whether a gate may accept a folder; sign signs an intact one; diff lists what
/// changed between two, with the controls each change touches and the verdicts that moved.
/// </summary>
internal static class SnapshotCommands
{
    public static Command Create(ToolContext context)
    {
        var snapshot = new Command("snapshot", "Collect, verify, sign and compare snapshots (the audit evidence)");
        snapshot.Add(Collect(context));
        snapshot.Add(Verify(context, "verify"));
        snapshot.Add(Sign(context, "sign"));
        snapshot.Add(Diff(context));
        return snapshot;
    }

    /// <summary>The names before 0.4.0, kept hidden for one version: they work as before and say what replaces them.</summary>
    public static IEnumerable<Command> Deprecated(ToolContext context)
    {
        var verify = Verify(context, "snapshot-verify", "snapshot verify");
        var sign = Sign(context, "snapshot-sign", "snapshot sign");
        verify.Hidden = sign.Hidden = true;
        return [verify, sign];
    }

    private static Command Collect(ToolContext context)
    {
        const string usage = "snapshot collect --posture FILE --output DIR [--region R] [--profile P] [--endpoint-url URL] [--signing-key PEM] [--timeout DURATION]";
        var command = new Command("collect", "Collect the live accounts the posture declares into a new snapshot folder (manifest, posture.json, signed with --signing-key), without judging them. "
                                             + "At organisation scale: " + new SnapshotCollectCommand(context).Usage + " collects shard K of N of a plan (snapshot plan) into a signed part for snapshot merge");
        var posture = new Option<string>("--posture") { Description = "the posture: which accounts and regions to read", Required = true };
        var output = new Option<string>("--output") { Description = "a new or empty folder for the snapshot", Required = true };
        var passed = new[] { "Region", "Profile", "EndpointUrl", "SigningKey", "Timeout" }
            .Select(name => (Name: name, Option: new Option<string>(SettingsResolver.CommandLineOption(name)) { Description = $"as for audit ({name} setting)" }))
            .ToList();
        var progress = new Option<string>("--progress") { Description = "auto, live, plain or quiet", DefaultValueFactory = _ => ProgressDisplay.Auto };
        progress.AcceptOnlyFromAmong([.. ProgressDisplay.Modes]);
        command.Add(posture);
        command.Add(output);
        foreach (var (_, option) in passed)
            command.Add(option);
        command.Add(progress);
        command.SetAction(ConsoleTool.Guarded(context, usage, async (parse, ct) =>
        {
            var given = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Target"] = SettingsResolver.Live,
                ["Posture"] = parse.GetValue(posture)!,
                ["SaveSnapshot"] = parse.GetValue(output)!,
            };
            foreach (var (name, option) in passed)
                if (parse.GetValue(option) is { } value)
                    given[name] = value;
            var settings = SettingsResolver.Resolve(new Dictionary<string, string>(), context.Environment, context.WorkingDirectory, context.ToolDirectory, given);
            var display = ProgressDisplay.Create(parse.GetValue(progress)!, context);
            var (files, timedOut) = await display.RunAsync(() => new SuiteRunner(ControlCatalog.Discover().Controls, context.Clock).CollectAsync(settings, display, ct));
            using var key = settings.SigningKey is null ? null : SnapshotSigning.LoadPrivateKey(settings.SigningKey, "--signing-key");
            await SnapshotFolder.WriteAsync(files, settings.SaveSnapshot!, key, ct);
            var failed = files.Manifest?.Calls.Count(c => c.Outcome == "failed") ?? 0;
            await context.Out.WriteLineAsync($"{settings.SaveSnapshot}: {files.Files.Count} files, {files.Manifest?.Calls.Count ?? 0} calls ({failed} failed)"
                                             + (key is null ? ", unsigned (give --signing-key to sign)" : $", signed with key {SnapshotSigning.KeyIdOf(key)}"));
            if (timedOut is not null)
            {
                await context.Out.WriteLineAsync($"TIMED OUT: {timedOut.Describe()}");
                return ExitCodes.TimedOut;
            }

            return ExitCodes.GatePassed;
        }));
        return command;
    }

    private static Command Verify(ToolContext context, string name, string? replacement = null)
    {
        const string usage = "snapshot verify DIR [--trusted-keys PEM|DIR]";
        var command = new Command(name, "Whether a gate may accept a snapshot: 0 intact and signed by a trusted key, 1 files do not match the manifest, 3 anything else unverified");
        var folder = new Argument<string>("folder") { Description = "the snapshot folder" };
        var keys = new Option<string>("--trusted-keys") { Description = "a PEM public key, or a folder of *.pem" };
        command.Add(folder);
        command.Add(keys);
        command.SetAction(ConsoleTool.Guarded(context, usage, async (parse, ct) =>
        {
            await WarnDeprecatedAsync(context, name, replacement);
            var path = ExistingFolder(context, parse.GetValue(folder)!);
            var trusted = parse.GetValue(keys) is { } k ? SnapshotSigning.LoadTrustedKeys(context.FullPath(k), "--trusted-keys") : [];
            var files = await SnapshotFolder.ReadAsync(path, ct);
            var snapshot = SnapshotReader.Read(files);
            var integrity = snapshot.Integrity;
            var evidence = EvidenceStatus.Of(files, integrity, trusted);
            await context.Out.WriteLineAsync($"{snapshot.Origin}: {evidence.Describe()}");
            await context.Out.WriteLineAsync($"  files: {integrity.Describe()}");
            if (snapshot.Manifest is { } manifest)
                await context.Out.WriteLineAsync($"  collected {manifest.CollectedAt:u} by {manifest.Tool}; {manifest.Files.Count} files, "
                                                 + $"{manifest.Calls.Count(c => c.Outcome == "failed")} of {manifest.Calls.Count} calls failed");
            foreach (var unlisted in integrity.UnlistedFiles)
                await context.Out.WriteLineAsync($"  not evidence (not in manifest.json): {unlisted}");
            return evidence.State == EvidenceState.Signed ? ExitCodes.Affirmative
                : integrity.ManifestPresent && !integrity.IsIntact ? ExitCodes.Negative
                : ExitCodes.EvidenceUnverified;
        }));
        return command;
    }

    private static Command Sign(ToolContext context, string name, string? replacement = null)
    {
        const string usage = "snapshot sign DIR --key PRIVATE.pem";
        var command = new Command(name, "Sign an intact snapshot's manifest.json with an ECDSA P-256 key (never replaces a signature)");
        var folder = new Argument<string>("folder") { Description = "the snapshot folder" };
        var key = new Option<string>("--key") { Description = "the PEM private key", Required = true };
        command.Add(folder);
        command.Add(key);
        command.SetAction(ConsoleTool.Guarded(context, usage, async (parse, ct) =>
        {
            await WarnDeprecatedAsync(context, name, replacement);
            var path = ExistingFolder(context, parse.GetValue(folder)!);
            using var signingKey = SnapshotSigning.LoadPrivateKey(context.FullPath(parse.GetValue(key)!), "--key");
            var signature = await SnapshotFolder.SignAsync(path, signingKey, ct);
            await context.Out.WriteLineAsync($"{path}: manifest.json signed with key {signature.KeyId} ({SnapshotSigning.SignatureFile})");
            return ExitCodes.Affirmative;
        }));
        return command;
    }

    private static Command Diff(ToolContext context)
    {
        const string usage = "snapshot diff BASELINE CURRENT [--posture FILE] [--trusted-keys PEM|DIR] [--json]";
        var command = new Command("diff", "The isolation-relevant changes from BASELINE to CURRENT, each with the controls it touches, and the verdicts that changed. "
                                          + "Exit code 0 no change, 1 changes (or evidence that could not be compared)");
        var baseline = new Argument<string>("baseline") { Description = "the earlier snapshot folder" };
        var current = new Argument<string>("current") { Description = "the later snapshot folder" };
        var posture = new Option<string>("--posture") { Description = "the posture to judge a folder without posture.json with (default: each folder's own)" };
        var keys = new Option<string>("--trusted-keys") { Description = "a PEM public key, or a folder of *.pem (to state the baseline's evidence)" };
        var json = new Option<bool>("--json") { Description = "print the drift as JSON (the same object as findings.json's \"drift\")" };
        command.Add(baseline);
        command.Add(current);
        command.Add(posture);
        command.Add(keys);
        command.Add(json);
        command.SetAction(ConsoleTool.Guarded(context, usage, async (parse, ct) =>
        {
            var before = ExistingFolder(context, parse.GetValue(baseline)!);
            var after = ExistingFolder(context, parse.GetValue(current)!);
            var trusted = parse.GetValue(keys) is { } k ? SnapshotSigning.LoadTrustedKeys(context.FullPath(k), "--trusted-keys") : [];
            var files = await SnapshotFolder.ReadAsync(after, ct);
            var snapshot = SnapshotReader.Read(files);
            var postureFile = files.Files.ContainsKey(SettingsResolver.PostureFileName) ? Path.Combine(after, SettingsResolver.PostureFileName)
                : parse.GetValue(posture) is { } given ? context.FullPath(given)
                : throw new UsageException($"{after} has no {SettingsResolver.PostureFileName}: give --posture FILE to judge it with");
            var postureDocument = PostureLoader.Parse(files.Files.TryGetValue(SettingsResolver.PostureFileName, out var own) ? own : await File.ReadAllBytesAsync(postureFile, ct), postureFile);
            var controls = ControlCatalog.Discover().Controls;
            var clock = DriftAnalysis.ClockAt(snapshot.Manifest?.CollectedAt ?? context.Clock.GetUtcNow());
            var findings = await new SuiteRunner(controls, clock).EvaluateAsync(snapshot, postureDocument, postureFile, ct);
            var drift = await DriftAnalysis.CompareAsync(controls, before, snapshot, postureDocument, findings, trusted, postureFile, ct);
            await context.Out.WriteAsync(parse.GetValue(json) ? Json(drift) : Text(drift, after));
            return drift.HasChanges ? ExitCodes.Negative : ExitCodes.Affirmative;
        }));
        return command;
    }

    private static string Text(DriftReport drift, string current)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(current).Append(" since ").Append(drift.Baseline).Append('\n');
        DriftReporting.AppendMarkdown(text, drift);
        return text.ToString();
    }

    private static string Json(DriftReport drift)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("tool", ToolInfo.Name);
            json.WriteString("version", ToolInfo.Version);
            DriftReporting.WriteJsonMembers(json, drift);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    private static string ExistingFolder(ToolContext context, string folder)
    {
        var path = context.FullPath(folder);
        return Directory.Exists(path) ? path : throw new UsageException($"no folder '{folder}'");
    }

    private static async Task WarnDeprecatedAsync(ToolContext context, string name, string? replacement)
    {
        if (replacement is not null)
            await context.Error.WriteLineAsync($"isolationchecks: '{name}' is deprecated and goes in 0.5.0: use 'isolationchecks {replacement}'");
    }
}
