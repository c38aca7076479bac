using System.Net.Sockets;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Routing;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Evaluation.Network;

// Completing a path: the replies, and what the exploration records.
public sealed partial class PathEngine
{
    /// <summary>Applies the return-path filters, last leg first, and records the path if any connection completes.</summary>
    private void Finish(Walk walk, Trace trace, PathEnd end, string target)
    {
        var legs = walk.Legs.ToArray();
        var hops = walk.Hops.ToList();
        for (var leg = legs.Length - 1; leg >= 0; leg--)
        {
            if (leg < legs.Length - 1)
            {
                // Replies of the translated leg map back onto the original connections with the same protocol, server and port.
                var survivors = legs[leg + 1].Boxes.Select(b => FlowBox.Everything(legs[leg].Family) with
                {
                    Protocol = b.Protocol, Server = b.Server, ServerPort = b.ServerPort,
                });
                legs[leg] = legs[leg].IntersectAny(survivors);
            }

            foreach (var stage in walk.Returns.Where(r => r.Leg == leg).Reverse())
            {
                if (legs[leg].IsEmpty) return;
                var (allowed, hop) = stage.Apply(legs[leg], trace, hops);
                legs[leg] = allowed;
                if (hop is not null) hops.Add(hop);
            }

            if (legs[leg].IsEmpty) return;
        }

        var first = legs[0].Boxes[0];
        var sample = new FlowBox(Interval.Single(first.Protocol.Lo), Interval.Single(first.Client.Lo), Interval.Single(first.Server.Lo),
            Interval.Single(first.ServerPort.Lo), Interval.Single(first.ClientPort.Lo));
        trace.Reach(new ReachedPath(hops, end, target, legs[0].Describe(), sample), legs[0]);
    }

    private string? GapFile(string inventory) => Model.GapOf(inventory)?.File ?? Model.PathOf(inventory + ".json");

    /// <summary>The addresses in both lists, as merged intervals (adjacent CIDRs become one interval, one box).</summary>
    private static List<Interval> Intersect(IEnumerable<Cidr> a, IEnumerable<Cidr> b) =>
        Merge(from x in a from y in b where x.Overlaps(y) select Interval.Of(x).Intersect(Interval.Of(y)));

    private static List<Interval> Merge(IEnumerable<Interval> intervals)
    {
        var merged = new List<Interval>();
        foreach (var next in intervals.OrderBy(i => i.Lo))
        {
            if (merged.Count > 0 && (merged[^1].Hi == UInt128.MaxValue || next.Lo <= merged[^1].Hi + 1))
                merged[^1] = new Interval(merged[^1].Lo, UInt128.Max(merged[^1].Hi, next.Hi));
            else merged.Add(next);
        }

        return merged;
    }

    /// <summary>One branch of the exploration: the connections of each leg (one per address translation), the return filters owed, the hops so far.</summary>
    private sealed record Walk(List<FlowSet> Legs, List<ReturnStage> Returns, List<PathHop> Hops, Node Source, Quantifier Quantifier)
    {
        public FlowSet Current => Legs[^1];

        public Walk With(FlowSet current, PathHop? hop = null)
        {
            var legs = Legs.ToList();
            legs[^1] = current;
            return new Walk(legs, Returns.ToList(), hop is null ? Hops.ToList() : [.. Hops, hop], Source, Quantifier);
        }
    }

    /// <summary>What the exploration found: paths that get through, points that block, constructs not modelled.</summary>
    private sealed class Trace(Quantifier quantifier)
    {
        private readonly List<ReachedPath> _paths = [];
        private readonly List<BlockingPoint> _blocks = [];
        private readonly List<UnsupportedPoint> _unsupported = [];

        public void Reach(ReachedPath path, FlowSet flows) => _paths.Add(path);

        public void Block(string component, string reason, Func<string> flows, IReadOnlyList<PathHop> before) =>
            _blocks.Add(new BlockingPoint(component, reason, flows, before.ToList()));

        public void Block(string component, string reason, string flows, IReadOnlyList<PathHop> before) =>
            _blocks.Add(new BlockingPoint(component, reason, () => flows, before.ToList()));

        public void Unsupported(string component, string reason, IReadOnlyList<PathHop> before, string? file = null) =>
            _unsupported.Add(new UnsupportedPoint(component, reason, before.ToList(), file));

        public PathAnswer Answer(string question)
        {
            var blocks = _blocks.DistinctBy(b => (b.Component, b.Reason, b.Before.Count)).ToList();
            var unsupported = _unsupported.DistinctBy(u => (u.Component, u.Reason)).ToList();
            var verdict = quantifier == Quantifier.Any
                ? _paths.Count > 0 ? PathVerdict.Reachable : unsupported.Count > 0 ? PathVerdict.Inconclusive : PathVerdict.Unreachable
                : blocks.Count > 0 ? PathVerdict.Unreachable : unsupported.Count > 0 || _paths.Count == 0 ? PathVerdict.Inconclusive : PathVerdict.Reachable;
            return new PathAnswer(verdict, question, _paths, blocks, unsupported);
        }
    }
}
