using System.CommandLine;
using System.Text.Json.Nodes;
using IsolationChecks.Cli.Progress;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks posture init --from live|SNAPSHOT`: a posture describing what exists, every generated section listed in
/// its review block; a gate refuses it until a person has checked each entry (<see cref="PostureBootstrap"/>).
/// </summary>
internal static class PostureCommands
{
    public const string InitUsage = "posture init --from live|SNAPSHOT [--output FILE] [--account NAME=ACCOUNT_ID ...] [--region R] [--profile P] [--endpoint-url URL]";

    public static Command Create(ToolContext context)
    {
        var posture = new Command("posture", "Work with posture files");
        var init = new Command("init", "Write a posture describing what a snapshot (or the live accounts) holds, every generated entry marked for review");
        var from = new Option<string>("--from") { Description = "live, or a snapshot folder", Required = true };
        var output = new Option<string>("--output") { Description = "the posture file to write (must not exist)", DefaultValueFactory = _ => SettingsResolver.PostureFileName };
        var accounts = new Option<string[]>("--account") { Description = "with --from live: an account to read, NAME=ACCOUNT_ID (repeat for each)", AllowMultipleArgumentsPerToken = false };
        var region = new Option<string>("--region") { Description = "with --from live: the region to read" };
        var profile = new Option<string>("--profile") { Description = "with --from live: the AWS profile" };
        var endpoint = new Option<string>("--endpoint-url") { Description = "with --from live: one endpoint for every AWS service" };
        var progress = new Option<string>("--progress") { Description = "auto, live, plain or quiet", DefaultValueFactory = _ => ProgressDisplay.Auto };
        progress.AcceptOnlyFromAmong([.. ProgressDisplay.Modes]);
        foreach (var option in new Option[] { from, output, accounts, region, profile, endpoint, progress })
            init.Add(option);
        init.SetAction(ConsoleTool.Guarded(context, InitUsage, async (parse, ct) =>
        {
            var target = context.FullPath(parse.GetValue(output)!);
            if (File.Exists(target) || Directory.Exists(target))
                throw new UsageException($"--output {target} exists: posture init never overwrites a posture; name a new file");
            var source = parse.GetValue(from)!;
            Snapshot snapshot;
            string origin;
            if (source == SettingsResolver.Live)
            {
                var display = ProgressDisplay.Create(parse.GetValue(progress)!, context);
                snapshot = await CollectAsync(context, parse.GetValue(accounts) ?? [], parse.GetValue(region), parse.GetValue(profile), parse.GetValue(endpoint), display, ct);
                origin = SettingsResolver.Live;
            }
            else
            {
                var folder = context.FullPath(source);
                if (!Directory.Exists(folder))
                    throw new UsageException($"--from expects live or a snapshot folder; no folder '{folder}'");
                snapshot = SnapshotReader.Read(await SnapshotFolder.ReadAsync(folder, ct));
                origin = folder;
            }

            var text = PostureBootstrap.Generate(snapshot, origin, context.Clock.GetUtcNow());
            // What is written must load: the generator and the schema agree, or this is a defect, not a user's mistake.
            var generated = PostureLoader.Parse(System.Text.Encoding.UTF8.GetBytes(text), target);
            await File.WriteAllTextAsync(target, text, ct);
            await context.Out.WriteLineAsync($"{target}: posture generated from {origin}; {generated.Review!.Pending.Count} entries to review before it may gate:");
            foreach (var pending in generated.Review.Pending)
                await context.Out.WriteLineAsync($"  {pending.Path}: {pending.Note}");
            await context.Out.WriteLineAsync("Remove each entry from review.pending once checked, then the review block; a gate run (--gate) refuses the posture until then.");
            return ExitCodes.GatePassed;
        }));
        posture.Add(init);
        return posture;
    }

    /// <summary>Collects the named accounts in one region, reading what a generated posture could declare (ECR Public, CodeConnections hosts).</summary>
    private static async Task<Snapshot> CollectAsync(ToolContext context, IReadOnlyList<string> accounts, string? region, string? profile, string? endpoint,
        ProgressDisplay display, CancellationToken ct)
    {
        if (accounts.Count == 0 || region is null)
            throw new UsageException("--from live needs the accounts to read (--account NAME=ACCOUNT_ID, once per account) and --region");
        var declared = new JsonObject();
        foreach (var account in accounts)
        {
            var parts = account.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0)
                throw new UsageException($"--account expects NAME=ACCOUNT_ID, got '{account}'");
            declared[parts[0]] = new JsonObject { ["accountId"] = parts[1], ["region"] = region };
        }

        var first = declared.First().Key;
        var plan = new JsonObject
        {
            ["version"] = PostureDocument.CurrentVersion,
            ["name"] = "posture init: what to collect",
            ["accounts"] = declared,
            ["ecr"] = new JsonObject { ["account"] = first, ["repositories"] = new JsonArray("*") },
            ["connections"] = new JsonObject { ["account"] = first, ["hosts"] = new JsonArray("*") },
        };
        var file = Path.Combine(Directory.CreateTempSubdirectory("isolationchecks-init-").FullName, SettingsResolver.PostureFileName);
        try
        {
            await File.WriteAllTextAsync(file, plan.ToJsonString(), ct);
            var given = new Dictionary<string, string>(StringComparer.Ordinal) { ["Target"] = SettingsResolver.Live, ["Posture"] = file };
            if (profile is not null)
                given["Profile"] = profile;
            if (endpoint is not null)
                given["EndpointUrl"] = endpoint;
            var settings = SettingsResolver.Resolve(new Dictionary<string, string>(), context.Environment, context.WorkingDirectory, context.ToolDirectory, given);
            var (files, _) = await display.RunAsync(() => new SuiteRunner(ControlCatalog.Discover().Controls, context.Clock).CollectAsync(settings, display, ct));
            return SnapshotReader.Read(files);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
