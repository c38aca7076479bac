namespace IsolationChecks.Evaluation.Addressing;

/// <summary>
/// Which destinations count as "internet addresses" (controls.md CB-2). Everything is public except the
/// ranges that can never be routed on the internet. Documentation ranges (192.0.2.0/24, 198.51.100.0/24,
/// 203.0.113.0/24, 2001:db8::/32) deliberately count as public: they stand in for public addresses.
/// </summary>
public static class InternetAddressSpace
{
    private static readonly Cidr[] NonInternetV4 =
    [
        Cidr.Parse("0.0.0.0/8"), Cidr.Parse("10.0.0.0/8"), Cidr.Parse("100.64.0.0/10"), Cidr.Parse("127.0.0.0/8"),
        Cidr.Parse("169.254.0.0/16"), Cidr.Parse("172.16.0.0/12"), Cidr.Parse("192.168.0.0/16"),
        Cidr.Parse("224.0.0.0/4"), Cidr.Parse("240.0.0.0/4"),
    ];

    /// <summary>Global unicast, plus the NAT64 prefix that a NAT gateway translates to IPv4 internet addresses.</summary>
    private static readonly Cidr[] InternetV6 = [Cidr.Parse("2000::/3"), Cidr.Parse("64:ff9b::/96")];

    private static readonly CidrSet InternetV4Set = CidrSet.Of(Ranges(System.Net.Sockets.AddressFamily.InterNetwork));
    private static readonly CidrSet InternetV6Set = CidrSet.Of(InternetV6);

    /// <summary>The internet addresses of one family as a set (computed once; sets are immutable).</summary>
    public static CidrSet Set(System.Net.Sockets.AddressFamily family) =>
        family == System.Net.Sockets.AddressFamily.InterNetwork ? InternetV4Set : InternetV6Set;

    /// <summary>Every internet address, IPv4 and IPv6.</summary>
    public static CidrSet All { get; } = InternetV4Set.Union(InternetV6Set);

    /// <summary>True when some address in <paramref name="destination"/> is an internet address.</summary>
    public static bool Covers(Cidr destination)
    {
        if (destination.Family == System.Net.Sockets.AddressFamily.InterNetworkV6)
            return InternetV6.Any(destination.Overlaps);

        // Walk the destination range across the sorted non-internet blocks: any gap is public space.
        var cursor = destination.First;
        foreach (var block in NonInternetV4.Where(destination.Overlaps).OrderBy(b => b.First))
        {
            if (block.First > cursor) return true;
            if (block.Last >= destination.Last) return false;
            cursor = UInt128.Max(cursor, block.Last + 1);
        }

        return cursor <= destination.Last;
    }

    /// <summary>The internet addresses of one family, as disjoint CIDRs (the complement of the non-internet blocks for IPv4).</summary>
    public static IReadOnlyList<Cidr> Ranges(System.Net.Sockets.AddressFamily family)
    {
        if (family == System.Net.Sockets.AddressFamily.InterNetworkV6) return InternetV6;
        var ranges = new List<Cidr>();
        UInt128 cursor = 0;
        foreach (var block in NonInternetV4.OrderBy(b => b.First))
        {
            if (block.First > cursor) ranges.AddRange(AddressRange.ToCidrs(family, cursor, block.First - 1));
            cursor = UInt128.Max(cursor, block.Last + 1);
        }

        if (cursor <= uint.MaxValue) ranges.AddRange(AddressRange.ToCidrs(family, cursor, uint.MaxValue));
        return ranges;
    }
}
