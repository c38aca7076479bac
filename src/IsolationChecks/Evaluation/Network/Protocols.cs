namespace IsolationChecks.Evaluation.Network;

/// <summary>
/// IP protocol numbers as security groups ("tcp", "-1", "50") and network ACLs ("6", "-1") write them.
/// Ports only mean something for TCP and UDP; every other protocol's rules cover all of its traffic
/// (ICMP type and code are not modelled: an ICMP rule counts as all of ICMP, see docs/network-semantics.md).
/// </summary>
public static class Protocols
{
    public const int Tcp = 6;
    public const int Udp = 17;
    public const int Icmp = 1;
    public const int Icmpv6 = 58;

    /// <summary>Null when the text is not a protocol the suite can read.</summary>
    public static Interval? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "-1" or "all" => Interval.AllProtocols,
        "tcp" => Interval.Single(Tcp),
        "udp" => Interval.Single(Udp),
        "icmp" => Interval.Single(Icmp),
        "icmpv6" => Interval.Single(Icmpv6),
        { } number when int.TryParse(number, out var n) && n is >= 0 and <= 255 => Interval.Single((UInt128)n),
        _ => null,
    };

    public static bool HasPorts(Interval protocol) => protocol.Lo == protocol.Hi && (protocol.Lo == Tcp || protocol.Lo == Udp);

    public static string Describe(Interval protocol) =>
        protocol == Interval.AllProtocols ? "all traffic"
        : protocol.Lo == protocol.Hi ? Name((int)protocol.Lo)
        : $"protocols {protocol.Lo}-{protocol.Hi}";

    public static string Name(int number) => number switch
    {
        Tcp => "tcp",
        Udp => "udp",
        Icmp => "icmp",
        Icmpv6 => "icmpv6",
        _ => $"protocol {number}",
    };
}
