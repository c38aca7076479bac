using System.Globalization;
using System.Net.Sockets;
using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Posture;

/// <summary>
/// How wide a posture list of allowed source CIDRs may be (gitLab.allowedCidrs, codeCommit.isolatedSourceCidrs):
/// these lists say who may reach GitLab or pull from the isolated side, so one that admits a large share of the
/// internet turns GL-1 and IAM-2 into passes that mean nothing.
/// <list type="bullet">
/// <item>Each plain entry, and the union of the plain entries, is at most an IPv4 /16 (65,536 addresses) and an
/// IPv6 /48 (one site's allocation). A wider entry is written {"cidr": ..., "reason": ...}.</item>
/// <item>Whatever the reasons, the whole list may never admit half or more of the public IPv4 or IPv6 space
/// (0.0.0.0/0, ::/0, two /1 halves, ...).</item>
/// </list>
/// docs/posture.md explains the choice of limits.
/// </summary>
internal static class SourceAllowlist
{
    public const int MaxIpv4Prefix = 16;
    public const int MaxIpv6Prefix = 48;

    private static readonly UInt128 MaxIpv4Addresses = UInt128.One << (32 - MaxIpv4Prefix);
    private static readonly UInt128 MaxIpv6Addresses = UInt128.One << (128 - MaxIpv6Prefix);

    /// <summary>The public IPv4 internet, and the global unicast IPv6 space 2000::/3.</summary>
    private static readonly CidrSet PublicSpace = CidrSet.Of(InternetAddressSpace.Ranges(AddressFamily.InterNetwork).Append(Cidr.Parse("2000::/3")));

    public static string Limits => $"IPv4 /{MaxIpv4Prefix} ({Format(MaxIpv4Addresses)} addresses) and IPv6 /{MaxIpv6Prefix}";

    /// <summary>The first breadth problem of a list, or null: the entry's index (null for the list as a whole), what was expected and found.</summary>
    public static (int? Index, string Expected, string Found)? Check(IReadOnlyList<(SourceCidr Entry, Cidr Cidr)> entries)
    {
        var all = CidrSet.Empty;
        var plain = CidrSet.Empty;
        for (var i = 0; i < entries.Count; i++)
        {
            var (entry, cidr) = entries[i];
            var one = CidrSet.Of(cidr);
            if (Internet(one) is { } share)
                return (i, "a source range that is not the whole internet or a large share of it (never accepted, not even with a reason)",
                    $"\"{entry.Cidr}\" ({share})");
            if (entry.Reason is null && cidr.PrefixLength < (cidr.Family == AddressFamily.InterNetwork ? MaxIpv4Prefix : MaxIpv6Prefix))
                return (i, $"a CIDR no wider than {Limits}, or {{\"cidr\": \"{entry.Cidr}\", \"reason\": \"...\"}} to allow a wider one on purpose",
                    $"\"{entry.Cidr}\" ({Format(one.Count(cidr.Family))} addresses)");
            all = all.Union(one);
            if (entry.Reason is null)
                plain = plain.Union(one);
        }

        if (Internet(all) is { } total)
            return (null, "entries that together admit less than half of the public IPv4 and IPv6 space (never accepted, not even with reasons)",
                $"{all} ({total})");
        var v4 = plain.Count(AddressFamily.InterNetwork);
        var v6 = plain.Count(AddressFamily.InterNetworkV6);
        if (v4 > MaxIpv4Addresses || v6 > MaxIpv6Addresses)
            return (null, $"plain entries that together admit at most {Limits} (give each wider entry as {{\"cidr\": ..., \"reason\": ...}})",
                $"{Format(v4)} IPv4 and {(v6 == 0 ? "no" : Format(v6))} IPv6 addresses in {plain}");
        return null;
    }

    /// <summary>"every IPv4 address", "62% of the public IPv4 space", or null when under half of each family's public space.</summary>
    private static string? Internet(CidrSet set)
    {
        if (set.Contains(Cidr.Parse("0.0.0.0/0")))
            return "every IPv4 address: the whole internet";
        if (set.Contains(Cidr.Parse("::/0")))
            return "every IPv6 address: the whole internet";
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            var total = PublicSpace.Count(family);
            var covered = set.Intersect(PublicSpace).Count(family);
            if (covered >= total / 2)
                return $"{(double)covered / (double)total:P0} of the public {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} space";
        }

        return null;
    }

    /// <summary>65,536, or 2^96 for the counts of IPv6 blocks.</summary>
    private static string Format(UInt128 count) =>
        count == UInt128.MaxValue ? "2^128"
        : count > uint.MaxValue && UInt128.IsPow2(count) ? $"2^{UInt128.Log2(count)}"
        : count < ulong.MaxValue ? ((ulong)count).ToString("N0", CultureInfo.InvariantCulture)
        : count.ToString(CultureInfo.InvariantCulture);
}
