namespace IsolationChecks.Evaluation.Network;

/// <summary>How paths read in failure messages: one line, hop by hop.</summary>
public static class PathText
{
    public static string Hops(ReachedPath path) => string.Join(" -> ", path.Hops.Select(h => $"{h.Component} [{h.Detail}]"));

    public static string Blocks(PathAnswer answer, int limit = 6)
    {
        var blocks = answer.Blocks.Take(limit).Select(b => $"{b.Component}: {b.Reason} (stops {b.Flows})").ToList();
        if (answer.Blocks.Count > limit) blocks.Add($"and {answer.Blocks.Count - limit} more");
        return string.Join("; ", blocks);
    }
}
