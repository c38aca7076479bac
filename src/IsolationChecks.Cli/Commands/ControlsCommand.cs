using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Drift;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks controls`: the catalog, as the engine discovers it: ID, family, severity, title, what each control
/// reads (the call catalog's files, and the probe records), and its remediation. `--json` for scripts.
/// </summary>
internal static class ControlsCommand
{
    public static Command Create(ToolContext context)
    {
        var command = new Command("controls", "List the control catalog: ID, family, severity, title, the evidence each reads, remediation");
        var json = new Option<bool>("--json") { Description = "print the catalog as JSON" };
        command.Add(json);
        command.SetAction(ConsoleTool.Guarded(context, "controls [--json]", async (parse, _) =>
        {
            var entries = ControlCatalog.Discover().Controls.Select(c => c.Metadata).Select(m => (Metadata: m, Reads: Reads(m))).ToList();
            if (parse.GetValue(json))
                await context.Out.WriteAsync(Json(entries));
            else
                foreach (var (metadata, reads) in entries)
                {
                    await context.Out.WriteLineAsync($"{metadata.Id,-7} {metadata.Family,-12} {metadata.Severity.ToWire(),-9} {metadata.Title}");
                    await context.Out.WriteLineAsync($"        reads: {string.Join(", ", reads)}");
                    await context.Out.WriteLineAsync($"        remediation: {metadata.Remediation}");
                }

            return ExitCodes.GatePassed;
        }));
        return command;
    }

    /// <summary>The snapshot files a control reads: every call whose ReadBy names it, and its probe's record.</summary>
    public static IReadOnlyList<string> Reads(ControlMetadata control)
    {
        var files = AwsCalls.All.Where(c => ControlsReading.Of(c).Contains(control.Id, StringComparer.Ordinal)).Select(c => c.File).ToList();
        files.AddRange(control.Family switch
        {
            "Git" => [ProbeDocuments.GitPushRefusal.Path],
            "InVpc" => [ProbeDocuments.InVpc.Path],
            _ => [],
        });
        return files;
    }

    private static string Json(IEnumerable<(ControlMetadata Metadata, IReadOnlyList<string> Reads)> entries) =>
        JsonSerializer.Serialize(entries.Select(e => new
        {
            id = e.Metadata.Id,
            family = e.Metadata.Family,
            severity = e.Metadata.Severity.ToWire(),
            title = e.Metadata.Title,
            reads = e.Reads,
            rationale = e.Metadata.Rationale,
            remediation = e.Metadata.Remediation,
            references = e.Metadata.References,
        }), new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
}
