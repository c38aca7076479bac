using System.CommandLine;
using IsolationChecks.Cli.Progress;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks audit`: one run, exactly as `dotnet test IsolationTests` makes it (<see cref="AuditRun"/>: the Output
/// lock, the error files, the settings resolver, the exit-code table), with the options as a third settings source.
/// Prints the gate's verdict, the counts, the drift and the files on standard output; progress on standard error.
/// </summary>
internal static class AuditCommand
{
    public const string Usage = "audit [--target live|DIR] [--posture FILE] [--output DIR] [--baseline DIR] [--timeout DURATION] [--format json,md,html] [--gate] [options]";

    public static Command Create(ToolContext context)
    {
        var command = new Command("audit", "Collect (--target live) or read a snapshot, evaluate every control, write the reports. "
                                           + "The exit code is the gate's verdict (0 passed, 1 failed, 2 configuration error, 3 evidence unverified, 4 interrupted, 5 timed out).");
        var settings = new SettingOptions();
        settings.AddTo(command);
        var progress = new Option<string>("--progress")
        {
            Description = "auto (a live table on a terminal, plain lines otherwise), live, plain or quiet",
            DefaultValueFactory = _ => ProgressDisplay.Auto,
        };
        progress.AcceptOnlyFromAmong([.. ProgressDisplay.Modes]);
        command.Add(progress);
        command.SetAction(ConsoleTool.Guarded(context, Usage, (parse, _) =>
            RunAsync(context, settings.Given(parse), parse.GetValue(progress)!)));
        return command;
    }

    public static async Task<int> RunAsync(ToolContext context, IReadOnlyDictionary<string, string> commandLine, string progressMode)
    {
        var request = new RunRequest(new Dictionary<string, string>(), context.Environment, context.WorkingDirectory, context.ToolDirectory, commandLine);
        var display = ProgressDisplay.Create(progressMode, context);
        var controls = ControlCatalog.Discover().Controls;
        var finished = await display.RunAsync(() => new AuditRun(controls, context.Clock).RunAsync(request, display, context.Interruption));
        await WriteSummaryAsync(context, finished);
        return finished.ExitCode;
    }

    private static async Task WriteSummaryAsync(ToolContext context, FinishedRun finished)
    {
        var output = finished.Outcome is RunOutcome.Completed ? context.Out : context.Error;
        if (finished.Result is { } result)
        {
            if (result.DemoData)
                await output.WriteLineAsync($"IsolationChecks {RunResult.DemoNotice}");
            if (result.ReviewNotice is { } review)
                await output.WriteLineAsync($"IsolationChecks {review}");
            await output.WriteLineAsync($"IsolationChecks findings: {string.Join(", ", result.Counts.ByStatus.Where(s => s.Value > 0).Select(s => $"{s.Value} {s.Key.ToWire()}"))}");
            foreach (var blocking in result.Gate.Blocking.Take(20))
                await output.WriteLineAsync($"  {blocking.Status.ToWire().ToUpperInvariant()} {blocking.TestName} ({blocking.Control.Severity.ToWire()}): {blocking.Message}");
            if (result.Gate.Blocking.Count > 20)
                await output.WriteLineAsync($"  ... and {result.Gate.Blocking.Count - 20} more in the reports");
            if (result.Drift is { } drift)
                await output.WriteLineAsync($"IsolationChecks drift since {drift.Baseline}: {drift.Evidence.Changes.Count} evidence change(s), "
                                            + $"{drift.Evidence.NotCompared.Count} not compared, {drift.Verdicts.Count} verdict(s) changed");
            if (result.Plan is { } plan)
            {
                await output.WriteLineAsync($"IsolationChecks {PlanReport.HypotheticalNotice}");
                await output.WriteLineAsync($"IsolationChecks Terraform plan {plan.PlanFile}: {plan.Summary()}");
                foreach (var verdict in plan.WouldNewlyFail.Concat(plan.WouldBecomeInconclusive).Take(20))
                    await output.WriteLineAsync($"  WOULD {(verdict.Effect == PlanEffect.WouldNewlyFail ? "NEWLY FAIL" : "BECOME INCONCLUSIVE")} {verdict.Describe()}");
                foreach (var change in plan.Overlay.Unjudged.Take(20))
                    await output.WriteLineAsync($"  NOT JUDGED {change.Describe()}");
            }
        }

        await output.WriteLineAsync($"IsolationChecks {finished.Outcome.Message}");
        foreach (var file in finished.Files)
            await output.WriteLineAsync($"IsolationChecks results: {file}");
        await output.WriteLineAsync($"IsolationChecks exit code {finished.ExitCode} ({OutputFolder.Meaning(finished.ExitCode)})");
    }
}
