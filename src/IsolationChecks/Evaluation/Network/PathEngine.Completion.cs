using System.Collections.Immutable;
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
    /// <param name="detail">A last hop at <paramref name="target"/> (how the path ends there), if any.</param>
    /// <param name="toward">For an edge: what lies beyond it.</param>
    private void Finish(Walk walk, Trace trace, PathEnd end, string target, string? detail = null, string? toward = null)
    {
        var legs = walk.Legs.ToArray();
        var hops = walk.Hops.ToList();
        if (detail is not null) hops.Add(Hop(target, toward is null ? detail : $"{detail}; toward {toward}"));
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

            foreach (var stage in walk.Returns.Where(r => r.Leg == leg && !trace.RequestOnly).Reverse())
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
        var completed = legs[0];
        trace.Reach(new ReachedPath(hops, end, target, () => completed.Describe(), sample, toward, walk.Entry), completed);
    }

    /// <summary>The file a missing inventory would be in: the gap's file, in the scope of the VPC when known.</summary>
    private string? GapFile(string? vpcId, string inventory) =>
        Model.GapFor(vpcId, inventory)?.File ?? (vpcId is not null && Model.ScopeOfVpc(vpcId) is { } scope ? scope.PathOf(inventory + ".json") : inventory + ".json");

    /// <summary>
    /// One branch of the exploration: the connections of each leg (one per address translation), the return filters owed,
    /// the hops so far, the route tables already crossed with these destinations (a loop is dropped), the subnet the traffic
    /// is in (its availability zone decides where a transit gateway delivers it) and where it entered from outside.
    /// </summary>
    private sealed record Walk(List<FlowSet> Legs, List<ReturnStage> Returns, List<PathHop> Hops, Node Source, Quantifier Quantifier,
        ImmutableHashSet<string> Visited, Subnet Origin, string? Entry)
    {
        public FlowSet Current => Legs[^1];

        public Walk With(FlowSet current, PathHop? hop = null)
        {
            var legs = Legs.ToList();
            legs[^1] = current;
            return new Walk(legs, Returns.ToList(), hop is null ? Hops.ToList() : [.. Hops, hop], Source, Quantifier,
                Visited, Origin, Entry);
        }
    }

    /// <summary>What the exploration found: paths that get through, points that block, constructs not modelled.</summary>
    private sealed class Trace(Quantifier quantifier, bool requestOnly = false)
    {
        /// <summary>Replies are not checked: a request that arrives counts.</summary>
        public bool RequestOnly => requestOnly;

        private readonly List<(ReachedPath Path, FlowSet Flows)> _paths = [];
        private readonly List<BlockingPoint> _blocks = [];
        private readonly List<UnsupportedPoint> _unsupported = [];

        public void Reach(ReachedPath path, FlowSet flows) => _paths.Add((path, flows));

        /// <summary>The paths found, with the connections that complete over each (a sub-exploration hands them on).</summary>
        public IReadOnlyList<(ReachedPath Path, FlowSet Flows)> Arrivals => _paths;

        /// <summary>Takes over another exploration's blocks and gaps (not its paths: the caller keeps those it asked for).</summary>
        public void AbsorbFindings(Trace other)
        {
            _blocks.AddRange(other._blocks);
            _unsupported.AddRange(other._unsupported);
        }

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
            return new PathAnswer(verdict, question, _paths.Select(p => p.Path).ToList(), blocks, unsupported);
        }
    }
}
