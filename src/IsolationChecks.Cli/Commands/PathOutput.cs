using System.Text;
using System.Text.Json;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>How a path answer prints: a readable report, or JSON for scripts.</summary>
public static class PathOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string Text(PathAnswer answer, ScopeSnapshot scope)
    {
        var text = new StringBuilder();
        text.AppendLine($"{answer.Question}");
        text.AppendLine($"scope: {scope.AccountId} {scope.Region}");
        text.AppendLine($"verdict: {Wire(answer.Verdict)}");
        foreach (var path in answer.Paths)
        {
            text.AppendLine();
            text.AppendLine($"path to {path.Target} ({Wire(path.End)}){(path.Entry is null ? "" : $", entering at {path.Entry}")} for {path.Flows}:");
            for (var i = 0; i < path.Hops.Count; i++)
                text.AppendLine($"  {i + 1,2}. {path.Hops[i].Component}{(path.Hops[i].Name is { } name ? $" [{name}]" : "")}: {path.Hops[i].Detail}");
            if (path.Toward is not null) text.AppendLine($"      exits the modelled world toward {path.Toward}");
        }

        // Blocks are printed for reachable answers too: the traffic the paths do not carry stops somewhere, and where is useful.
        if (answer.Blocks.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(answer.Verdict == PathVerdict.Reachable ? "blocked at (for the traffic no path above carries):" : "blocked at:");
            foreach (var block in answer.Blocks)
            {
                text.AppendLine($"  - {block.Component}: {block.Reason}");
                text.AppendLine($"    stops {block.Flows}");
                if (block.Before.Count > 0) text.AppendLine($"    after {string.Join(" -> ", block.Before.Select(h => h.Component))}");
            }
        }

        if (answer.Unsupported.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("not decided (not modelled or not collected):");
            foreach (var unsupported in answer.Unsupported)
                text.AppendLine($"  - {unsupported.Component}: {unsupported.Reason}{(unsupported.File is null ? "" : $" [{unsupported.File}]")}");
        }

        return text.ToString();
    }

    public static string Json(PathAnswer answer, ScopeSnapshot scope) => JsonSerializer.Serialize(new
    {
        question = answer.Question,
        account = scope.AccountId,
        region = scope.Region,
        verdict = Wire(answer.Verdict),
        paths = answer.Paths.Select(p => new
        {
            end = Wire(p.End),
            target = p.Target,
            toward = p.Toward,
            entry = p.Entry,
            flows = p.Flows,
            hops = p.Hops.Select(h => new { component = h.Component, name = h.Name, detail = h.Detail }),
        }),
        blocks = answer.Blocks.Select(b => new
        {
            component = b.Component,
            reason = b.Reason,
            flows = b.Flows,
            after = b.Before.Select(h => h.Component),
        }),
        unsupported = answer.Unsupported.Select(u => new { component = u.Component, reason = u.Reason, file = u.File }),
    }, Options) + Environment.NewLine;

    public static string Wire(PathVerdict verdict) => verdict.ToString().ToLowerInvariant();

    public static string Wire(PathEnd end) => end switch
    {
        PathEnd.Interface => "interface",
        PathEnd.Internet => "internet",
        PathEnd.Edge => "edge",
        PathEnd.ApprovedExit => "approved-exit",
        _ => "gateway-endpoint",
    };
}
