using System.Net;
using System.Net.Sockets;

namespace IsolationChecks.Evaluation.Addressing;

/// <summary>
/// An exact set of IPv4 and IPv6 addresses, closed under union, intersection, difference and complement.
/// Each family is held as sorted, disjoint, non-adjacent ranges, so two sets are equal exactly when they
/// contain the same addresses, and <see cref="ToCidrs"/> is the minimal CIDR list covering the set.
/// </summary>
public sealed class CidrSet : IEquatable<CidrSet>
{
    private static readonly UInt128 LastV4 = uint.MaxValue;

    private readonly IReadOnlyList<AddressRange> _v4;
    private readonly IReadOnlyList<AddressRange> _v6;

    private CidrSet(IReadOnlyList<AddressRange> v4, IReadOnlyList<AddressRange> v6)
    {
        _v4 = v4;
        _v6 = v6;
    }

    public static CidrSet Empty { get; } = new([], []);

    /// <summary>Every IPv4 and every IPv6 address.</summary>
    public static CidrSet Everything { get; } = new([new AddressRange(0, LastV4)], [new AddressRange(0, UInt128.MaxValue)]);

    public bool IsEmpty => _v4.Count == 0 && _v6.Count == 0;

    public bool IsEverything => Equals(Everything);

    public static CidrSet Of(IEnumerable<Cidr> cidrs)
    {
        var list = cidrs.ToList();
        return new CidrSet(
            Normalise(list.Where(c => c.Family == AddressFamily.InterNetwork).Select(c => new AddressRange(c.First, c.Last))),
            Normalise(list.Where(c => c.Family == AddressFamily.InterNetworkV6).Select(c => new AddressRange(c.First, c.Last))));
    }

    public static CidrSet Of(params Cidr[] cidrs) => Of((IEnumerable<Cidr>)cidrs);

    /// <summary>Every address from <paramref name="first"/> to <paramref name="last"/> of one family.</summary>
    public static CidrSet OfRange(AddressFamily family, UInt128 first, UInt128 last) => family == AddressFamily.InterNetwork
        ? new CidrSet([new AddressRange(first, last)], [])
        : new CidrSet([], [new AddressRange(first, last)]);

    /// <summary>Parses CIDRs or bare addresses (a bare address is a /32 or /128).</summary>
    public static CidrSet Parse(params IEnumerable<string> cidrs) => Of(cidrs.Select(Cidr.Parse));

    public CidrSet Union(CidrSet other) =>
        new(Normalise(_v4.Concat(other._v4)), Normalise(_v6.Concat(other._v6)));

    public CidrSet Complement() => new(Invert(_v4, LastV4), Invert(_v6, UInt128.MaxValue));

    public CidrSet Intersect(CidrSet other) => Complement().Union(other.Complement()).Complement();

    public CidrSet Subtract(CidrSet other) => Intersect(other.Complement());

    public bool IsSubsetOf(CidrSet other) => Within(_v4, other._v4) && Within(_v6, other._v6);

    public bool Contains(Cidr cidr) => Of(cidr).IsSubsetOf(this);

    /// <summary>How many addresses of one family the set holds; every IPv6 address (2^128) reads as <see cref="UInt128.MaxValue"/>.</summary>
    public UInt128 Count(AddressFamily family)
    {
        var total = UInt128.Zero;
        foreach (var range in family == AddressFamily.InterNetwork ? _v4 : _v6)
        {
            var size = range.Last - range.First;
            total = UInt128.MaxValue - total <= size ? UInt128.MaxValue : total + size + 1;
        }

        return total;
    }

    /// <summary>The set's addresses of one family as sorted, disjoint, non-adjacent ranges (first, last).</summary>
    public IReadOnlyList<(UInt128 First, UInt128 Last)> RangesOf(AddressFamily family) =>
        (family == AddressFamily.InterNetwork ? _v4 : _v6).Select(r => (r.First, r.Last)).ToList();

    /// <summary>The minimal CIDR list: IPv4 first, each family in address order.</summary>
    public IReadOnlyList<Cidr> ToCidrs() =>
        _v4.SelectMany(r => Split(r, AddressFamily.InterNetwork, 32))
            .Concat(_v6.SelectMany(r => Split(r, AddressFamily.InterNetworkV6, 128)))
            .ToList();

    /// <summary>One concrete address in the set, preferring IPv4; null when the set is empty.</summary>
    public IPAddress? Example()
    {
        if (_v4.Count > 0) return Cidr.ToAddress(AddressFamily.InterNetwork, ExampleOf(_v4[0]));
        if (_v6.Count > 0) return Cidr.ToAddress(AddressFamily.InterNetworkV6, ExampleOf(_v6[0]));
        return null;
    }

    public bool Equals(CidrSet? other) =>
        other is not null && _v4.SequenceEqual(other._v4) && _v6.SequenceEqual(other._v6);

    public override bool Equals(object? obj) => Equals(obj as CidrSet);

    public override int GetHashCode() => HashCode.Combine(_v4.Count, _v6.Count, _v4.FirstOrDefault(), _v6.FirstOrDefault());

    public override string ToString()
    {
        if (IsEmpty) return "no address";
        if (IsEverything) return "every address (0.0.0.0/0, ::/0)";
        return string.Join(", ", ToCidrs());
    }

    /// <summary>
    /// Avoids network and all-zero addresses in examples: "0.0.0.0" reads like "nothing" in a message,
    /// so a range that starts at zero offers its second address when it has one.
    /// </summary>
    private static UInt128 ExampleOf(AddressRange range) =>
        range.First == 0 && range.Last > 0 ? UInt128.One : range.First;

    private static IReadOnlyList<AddressRange> Normalise(IEnumerable<AddressRange> ranges)
    {
        var merged = new List<AddressRange>();
        foreach (var range in ranges.OrderBy(r => r.First))
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                // Adjacent or overlapping: merge. last.Last + 1 cannot overflow unless last already ends the space.
                if (last.Last == UInt128.MaxValue || range.First <= last.Last + 1)
                {
                    merged[^1] = last with { Last = UInt128.Max(last.Last, range.Last) };
                    continue;
                }
            }

            merged.Add(range);
        }

        return merged;
    }

    /// <summary>
    /// Whether every range lies within one range of <paramref name="outer"/>, in one pass over both: the ranges of a set are
    /// sorted, disjoint and never adjacent (<see cref="Normalise"/>), so a range covered at all is covered by a single one.
    /// </summary>
    private static bool Within(IReadOnlyList<AddressRange> ranges, IReadOnlyList<AddressRange> outer)
    {
        var j = 0;
        foreach (var range in ranges)
        {
            while (j < outer.Count && outer[j].Last < range.First)
                j++;
            if (j == outer.Count || outer[j].First > range.First || outer[j].Last < range.Last)
                return false;
        }

        return true;
    }

    private static IReadOnlyList<AddressRange> Invert(IReadOnlyList<AddressRange> ranges, UInt128 lastOfSpace)
    {
        var result = new List<AddressRange>();
        var cursor = UInt128.Zero;
        var cursorValid = true;
        foreach (var range in ranges)
        {
            if (cursorValid && range.First > cursor) result.Add(new AddressRange(cursor, range.First - 1));
            if (range.Last >= lastOfSpace)
            {
                cursorValid = false;
                break;
            }

            cursor = range.Last + 1;
        }

        if (cursorValid && cursor <= lastOfSpace) result.Add(new AddressRange(cursor, lastOfSpace));
        return result;
    }

    /// <summary>Largest aligned blocks first: the classic range-to-CIDR decomposition.</summary>
    private static IEnumerable<Cidr> Split(AddressRange range, AddressFamily family, int width)
    {
        var first = range.First;
        while (true)
        {
            var hostBits = 0;
            while (hostBits < width)
            {
                var size = UInt128.One << (hostBits + 1);
                var mask = size - 1;
                var aligned = (first & mask) == 0;
                var fits = hostBits + 1 == 128 ? first == 0 && range.Last == UInt128.MaxValue : first + mask <= range.Last;
                if (!aligned || !fits) break;
                hostBits++;
            }

            yield return new Cidr(family, first, width - hostBits);
            var blockLast = hostBits == 128 ? UInt128.MaxValue : first + ((UInt128.One << hostBits) - 1);
            if (blockLast >= range.Last) yield break;
            first = blockLast + 1;
        }
    }

    private readonly record struct AddressRange(UInt128 First, UInt128 Last);
}
