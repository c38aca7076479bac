using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Reporting;

/// <summary>One component a drawn path crosses, and the rule or route that let the traffic through (or stopped it).</summary>
public sealed record DrawnHop(string Component, string Detail);

/// <summary>What the marked hop of a drawn path does.</summary>
public enum PathMark
{
    /// <summary>The traffic leaves the network here: the internet edge of a path that should not exist.</summary>
    Leak,

    /// <summary>The traffic is stopped here, on a path that should exist.</summary>
    Block,
}

/// <summary>A network path of a failed finding, as its evidence tells it, with the hop that leaks or blocks marked.</summary>
/// <param name="Title">Where the path goes ("subnet-1 -> internet").</param>
/// <param name="Marked">The index in <paramref name="Hops"/> of the hop that leaks or blocks.</param>
/// <param name="Note">What else the evidence says of the path (the connections it carries), or null.</param>
public sealed record DrawnPath(string Title, IReadOnlyList<DrawnHop> Hops, int Marked, PathMark Mark, string? Note);

/// <summary>
/// Reads the paths of a network failure back from its evidence text, so drawing does not depend on the path engine. The
/// network controls write a reaching path as one fact whose subject is "path" or starts with "path " and whose text is
/// the hops, "component [rule] -> component [rule] -> ...", optionally followed by " for " and the connections; and a
/// blocking point as a fact whose subject is "SOURCE blocked at COMPONENT" and whose text is the reason. A fact that does
/// not read so is not drawn (it stays in the evidence list).
/// </summary>
public static class NetworkPaths
{
    public const int MaxPerFinding = 3;

    private const string Arrow = " -> ";

    private static readonly string[] InternetEdges = ["igw-", "eigw-"];

    private static readonly string[] Exits = ["nat-", "tgw-", "pcx-", "vgw-", "cgw-", "vpn-", "dxgw-"];

    /// <summary>The paths to draw for a finding: for a fail, the paths that leak, else the points that block; at most three.</summary>
    public static IReadOnlyList<DrawnPath> Of(Finding finding)
    {
        if (finding.Status != Status.Fail)
            return [];
        var leaks = finding.Evidence.Select(Leak).OfType<DrawnPath>().Take(MaxPerFinding).ToList();
        if (leaks.Count > 0)
            return leaks;
        return finding.Evidence.Select(f => Block(f, finding.Resource.Name)).OfType<DrawnPath>()
            .DistinctBy(p => (p.Hops[0].Component, p.Hops[1].Component)).Take(MaxPerFinding).ToList();
    }

    /// <summary>Reads "component [detail] -> component [detail] ..." into hops; what follows the last hop is the rest.</summary>
    public static bool TryReadHops(string text, out IReadOnlyList<DrawnHop> hops, out string rest)
    {
        var read = new List<DrawnHop>();
        hops = read;
        rest = "";
        var at = 0;
        while (true)
        {
            var open = text.IndexOf(" [", at, StringComparison.Ordinal);
            if (open <= at)
                return false;
            var close = Closing(text, open + 1);
            if (close < 0)
                return false;
            read.Add(new DrawnHop(text[at..open], text[(open + 2)..close]));
            at = close + 1;
            if (string.CompareOrdinal(text, at, Arrow, 0, Arrow.Length) != 0)
            {
                rest = text[at..];
                return true;
            }

            at += Arrow.Length;
        }
    }

    /// <summary>The hop where a leaking path leaves: the internet gateway, else another exit, else the last hop of the request.</summary>
    public static int LeakingHop(IReadOnlyList<DrawnHop> hops)
    {
        int First(string[] prefixes) => hops.ToList().FindIndex(h => prefixes.Any(p => h.Component.StartsWith(p, StringComparison.Ordinal)));
        var edge = First(InternetEdges);
        if (edge >= 0)
            return edge;
        var exit = First(Exits);
        if (exit >= 0)
            return exit;
        var request = hops.ToList().FindLastIndex(h => !h.Component.Contains("return traffic", StringComparison.Ordinal));
        return request >= 0 ? request : hops.Count - 1;
    }

    private static DrawnPath? Leak(EvidenceFact fact)
    {
        if (fact.Subject != "path" && !fact.Subject.StartsWith("path ", StringComparison.Ordinal))
            return null;
        if (!TryReadHops(fact.Fact, out var hops, out var rest))
            return null;
        var title = fact.Subject == "path" ? $"{hops[0].Component} -> {hops[^1].Component}" : fact.Subject["path ".Length..];
        var note = rest.StartsWith(" for ", StringComparison.Ordinal) ? rest[1..] : rest.Trim();
        return new DrawnPath(title, hops, LeakingHop(hops), PathMark.Leak, note.Length == 0 ? null : note);
    }

    private static DrawnPath? Block(EvidenceFact fact, string target)
    {
        const string blockedAt = " blocked at ";
        var at = fact.Subject.IndexOf(blockedAt, StringComparison.Ordinal);
        if (at <= 0)
            return null;
        var source = fact.Subject[..at];
        var component = fact.Subject[(at + blockedAt.Length)..];
        DrawnHop[] hops =
        [
            new(source, "where the traffic starts (the hops before the block are not in the evidence)"),
            new(component, fact.Fact),
            new(target, "not reached"),
        ];
        return new DrawnPath($"{source} -> {target}", hops, 1, PathMark.Block, null);
    }

    /// <summary>The index of the ']' closing the '[' at <paramref name="open"/>, nested brackets counted; -1 when unclosed.</summary>
    private static int Closing(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '[')
                depth++;
            else if (text[i] == ']' && --depth == 0)
                return i;
        }

        return -1;
    }
}
