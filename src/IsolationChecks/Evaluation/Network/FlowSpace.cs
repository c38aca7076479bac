using System.Net.Sockets;
using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Evaluation.Network;

/// <summary>A closed interval of numbers (addresses, ports or protocol numbers). Empty when Lo &gt; Hi.</summary>
public readonly record struct Interval(UInt128 Lo, UInt128 Hi)
{
    public bool IsEmpty => Lo > Hi;

    public Interval Intersect(Interval other) => new(UInt128.Max(Lo, other.Lo), UInt128.Min(Hi, other.Hi));

    public bool Overlaps(Interval other) => Lo <= other.Hi && other.Lo <= Hi;

    public bool Contains(Interval other) => Lo <= other.Lo && other.Hi <= Hi;

    public static Interval Of(Cidr cidr) => new(cidr.First, cidr.Last);

    public static Interval Single(UInt128 value) => new(value, value);

    public static Interval AllPorts { get; } = new(0, 65535);

    public static Interval AllProtocols { get; } = new(0, 255);

    public static Interval AllAddresses(AddressFamily family) =>
        new(0, family == AddressFamily.InterNetwork ? uint.MaxValue : UInt128.MaxValue);
}

/// <summary>
/// The coordinates of a connection as the stateless and stateful filters see them. The client opens the
/// connection from (Client, ClientPort) to (Server, ServerPort); the return traffic has them swapped.
/// </summary>
public enum FlowDimension
{
    Protocol,
    Client,
    Server,
    ServerPort,
    ClientPort,
}

/// <summary>A box of connections: every combination of the five intervals.</summary>
public readonly record struct FlowBox(Interval Protocol, Interval Client, Interval Server, Interval ServerPort, Interval ClientPort)
{
    public Interval this[FlowDimension dimension] => dimension switch
    {
        FlowDimension.Protocol => Protocol,
        FlowDimension.Client => Client,
        FlowDimension.Server => Server,
        FlowDimension.ServerPort => ServerPort,
        _ => ClientPort,
    };

    public FlowBox With(FlowDimension dimension, Interval value) => dimension switch
    {
        FlowDimension.Protocol => this with { Protocol = value },
        FlowDimension.Client => this with { Client = value },
        FlowDimension.Server => this with { Server = value },
        FlowDimension.ServerPort => this with { ServerPort = value },
        _ => this with { ClientPort = value },
    };

    public bool IsEmpty => Protocol.IsEmpty || Client.IsEmpty || Server.IsEmpty || ServerPort.IsEmpty || ClientPort.IsEmpty;

    public static FlowBox Everything(AddressFamily family) => new(Interval.AllProtocols, Interval.AllAddresses(family),
        Interval.AllAddresses(family), Interval.AllPorts, Interval.AllPorts);

    public FlowBox Intersect(FlowBox other) => new(Protocol.Intersect(other.Protocol), Client.Intersect(other.Client),
        Server.Intersect(other.Server), ServerPort.Intersect(other.ServerPort), ClientPort.Intersect(other.ClientPort));

    public bool Overlaps(FlowBox other) => Protocol.Overlaps(other.Protocol) && Client.Overlaps(other.Client)
        && Server.Overlaps(other.Server) && ServerPort.Overlaps(other.ServerPort) && ClientPort.Overlaps(other.ClientPort);

    public bool Contains(FlowBox other) => Protocol.Contains(other.Protocol) && Client.Contains(other.Client)
        && Server.Contains(other.Server) && ServerPort.Contains(other.ServerPort) && ClientPort.Contains(other.ClientPort);

    private static readonly FlowDimension[] Dimensions = Enum.GetValues<FlowDimension>();

    /// <summary>This box minus <paramref name="other"/>, as disjoint boxes (at most two per dimension).</summary>
    public void SubtractInto(FlowBox other, List<FlowBox> output)
    {
        if (!Overlaps(other))
        {
            output.Add(this);
            return;
        }

        var rest = this;
        foreach (var d in Dimensions)
        {
            var mine = rest[d];
            var theirs = other[d];
            if (mine.Lo < theirs.Lo) output.Add(rest.With(d, new Interval(mine.Lo, theirs.Lo - 1)));
            if (mine.Hi > theirs.Hi) output.Add(rest.With(d, new Interval(theirs.Hi + 1, mine.Hi)));
            rest = rest.With(d, mine.Intersect(theirs));
        }
    }
}

/// <summary>A set of connections of one address family, as a list of boxes (which may overlap).</summary>
public sealed class FlowSet
{
    public FlowSet(AddressFamily family, IEnumerable<FlowBox> boxes)
    {
        Family = family;
        var list = boxes as List<FlowBox> ?? [.. boxes];
        if (list.Exists(b => b.IsEmpty)) list = list.FindAll(b => !b.IsEmpty);
        _boxes = list;
    }

    // The list itself, so the set's own loops use its struct enumerator (a path question runs thousands of them).
    private readonly List<FlowBox> _boxes;

    public AddressFamily Family { get; }

    public IReadOnlyList<FlowBox> Boxes => _boxes;

    public bool IsEmpty => _boxes.Count == 0;

    public static FlowSet Empty(AddressFamily family) => new(family, []);

    public FlowSet Intersect(FlowBox box)
    {
        // The set is immutable: when the box holds all of it (an ACL rule or route that covers the traffic), it is the answer.
        if (_boxes.TrueForAll(box.Contains)) return this;
        var result = new List<FlowBox>(_boxes.Count);
        foreach (var b in _boxes)
        {
            var i = b.Intersect(box);
            if (!i.IsEmpty) result.Add(i);
        }

        return new FlowSet(Family, result);
    }

    /// <summary>The connections in this set that some box of <paramref name="others"/> holds.</summary>
    public FlowSet IntersectAny(IEnumerable<FlowBox> others)
    {
        var result = new List<FlowBox>();
        foreach (var o in others)
        foreach (var b in _boxes)
        {
            var i = b.Intersect(o);
            if (!i.IsEmpty) result.Add(i);
        }

        return new FlowSet(Family, Simplify(result));
    }

    public FlowSet Subtract(FlowBox box)
    {
        var touched = false;
        foreach (var b in _boxes) touched |= b.Overlaps(box);
        if (!touched) return this;
        var result = new List<FlowBox>(_boxes.Count + 2);
        foreach (var b in _boxes) b.SubtractInto(box, result);
        return new FlowSet(Family, result.Count > CoalesceThreshold ? Coalesce(result) : result);
    }

    /// <summary>Below this many boxes merging costs more than it saves (measured with bench/: 12 was 4x slower than 128).</summary>
    private const int CoalesceThreshold = 128;

    /// <summary>
    /// Merges boxes that agree on four dimensions and touch on the fifth, so that chains of subtractions
    /// (ordered ACL rules, route prefixes) do not fragment the set: the set is unchanged, the list shorter.
    /// </summary>
    public static List<FlowBox> Coalesce(List<FlowBox> boxes)
    {
        if (boxes.Count < 2) return boxes;
        var changed = true;
        while (changed && boxes.Count > 1)
        {
            changed = false;
            foreach (var dimension in Dimensions)
            {
                var groups = new Dictionary<FlowBox, List<Interval>>();
                foreach (var box in boxes)
                {
                    var key = box.With(dimension, default);
                    if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
                    list.Add(box[dimension]);
                }

                if (groups.Count == boxes.Count) continue;
                var merged = new List<FlowBox>(groups.Count);
                foreach (var (key, intervals) in groups)
                {
                    intervals.Sort((a, b) => a.Lo.CompareTo(b.Lo));
                    var current = intervals[0];
                    for (var i = 1; i < intervals.Count; i++)
                    {
                        var next = intervals[i];
                        if (current.Hi == UInt128.MaxValue || next.Lo <= current.Hi + 1)
                            current = new Interval(current.Lo, UInt128.Max(current.Hi, next.Hi));
                        else
                        {
                            merged.Add(key.With(dimension, current));
                            current = next;
                        }
                    }

                    merged.Add(key.With(dimension, current));
                }

                if (merged.Count < boxes.Count) changed = true;
                boxes = merged;
            }
        }

        return boxes;
    }

    private static readonly FlowDimension[] Dimensions = Enum.GetValues<FlowDimension>();

    public FlowSet Subtract(IEnumerable<FlowBox> boxes)
    {
        var current = this;
        foreach (var box in boxes)
        {
            if (current.IsEmpty) break;
            current = current.Subtract(box);
        }

        return current;
    }

    public FlowSet Restrict(FlowDimension dimension, Interval interval)
    {
        if (_boxes.TrueForAll(b => interval.Contains(b[dimension]))) return this;
        var result = new List<FlowBox>(_boxes.Count);
        foreach (var b in _boxes)
        {
            var i = b.With(dimension, b[dimension].Intersect(interval));
            if (!i.IsEmpty) result.Add(i);
        }

        return new FlowSet(Family, result);
    }

    public FlowSet Restrict(FlowDimension dimension, IEnumerable<Interval> intervals)
    {
        var result = new List<FlowBox>();
        foreach (var interval in intervals)
        foreach (var b in _boxes)
        {
            var i = b.With(dimension, b[dimension].Intersect(interval));
            if (!i.IsEmpty) result.Add(i);
        }

        return new FlowSet(Family, result);
    }

    public FlowSet Replace(FlowDimension dimension, Interval interval) =>
        new(Family, Boxes.Select(b => b.With(dimension, interval)).Distinct());

    public FlowSet Union(FlowSet other) => new(Family, Simplify(Boxes.Concat(other.Boxes)));

    /// <summary>Drops boxes contained in another box, which keeps the lists short without changing the set.</summary>
    private static List<FlowBox> Simplify(IEnumerable<FlowBox> boxes)
    {
        var list = boxes.Distinct().ToList();
        if (list.Count < 2) return list;
        var kept = new List<FlowBox>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var contained = false;
            for (var j = 0; j < list.Count && !contained; j++)
                contained = i != j && list[j].Contains(list[i]) && (!list[i].Contains(list[j]) || j < i);
            if (!contained) kept.Add(list[i]);
        }

        return kept;
    }

    /// <summary>A short description of the set, e.g. "tcp 443 to 52.0.0.0/8".</summary>
    public string Describe(FlowDimension addressDimension = FlowDimension.Server, FlowDimension portDimension = FlowDimension.ServerPort, int limit = 3)
    {
        if (IsEmpty) return "nothing";
        var boxes = Coalesce([.. Boxes]);
        var parts = boxes.Take(limit).Select(b =>
        {
            var protocol = Protocols.Describe(b.Protocol);
            var ports = Protocols.HasPorts(b.Protocol) ? " " + DescribePorts(b[portDimension]) : "";
            var direction = addressDimension == FlowDimension.Server ? "to" : "from";
            return $"{protocol}{ports} {direction} {AddressRange.Describe(Family, b[addressDimension].Lo, b[addressDimension].Hi)}";
        }).Distinct();
        var text = string.Join("; ", parts);
        return boxes.Count > limit ? $"{text}; and {boxes.Count - limit} more range(s)" : text;
    }

    public static string DescribePorts(Interval ports) =>
        ports.Lo == 0 && ports.Hi == 65535 ? "all ports" : ports.Lo == ports.Hi ? $"port {ports.Lo}" : $"ports {ports.Lo}-{ports.Hi}";
}
