using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace IsolationChecks.Evaluation.Addressing;

/// <summary>
/// An IPv4 or IPv6 network (address + prefix length), held as a 128-bit range so both families share the arithmetic.
/// There is one syntax for both families and every reader (snapshot, posture, policies, the console): a dotted quad of
/// decimal octets or an IPv6 address without a zone, then optionally '/' and a decimal prefix length within the family's
/// width. What a reader does with host bits set is its own rule (<see cref="Check"/> reports them): AWS masks them in
/// policies and route data, the posture refuses them.
/// </summary>
public sealed partial record Cidr(AddressFamily Family, UInt128 First, int PrefixLength)
{
    public int Width => Family == AddressFamily.InterNetwork ? 32 : 128;

    public UInt128 Last => First | HostMask(Width, PrefixLength);

    /// <summary>The words an error uses for what a CIDR must look like.</summary>
    public const string Expected = "an IPv4 or IPv6 CIDR block such as 10.0.0.0/16 or 2001:db8::/32";

    public static Cidr Parse(string text) => TryParse(text, out var cidr)
        ? cidr
        : throw new FormatException($"'{text}' is not {Expected}");

    /// <summary>A CIDR or a bare address (a /32 or /128); host bits are masked, as AWS does.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Cidr? cidr)
    {
        var check = Check(text);
        cidr = check.Cidr;
        return cidr is not null;
    }

    /// <summary>A bare address only (no prefix length), as a /32 or /128.</summary>
    public static bool TryParseAddress(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Cidr? cidr)
    {
        cidr = null;
        return text is not null && !text.Contains('/', StringComparison.Ordinal) && TryParse(text, out cidr);
    }

    /// <summary>What a text is: not a CIDR (<see cref="CidrCheck.Cidr"/> null), a CIDR, and whether host bits were set.</summary>
    public static CidrCheck Check(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Trim() != text) return CidrCheck.Invalid;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        var isV4 = Ipv4().IsMatch(addressText);
        if (!isV4 && (!addressText.Contains(':', StringComparison.Ordinal) || addressText.Contains('%', StringComparison.Ordinal)))
            return CidrCheck.Invalid;
        if (!IPAddress.TryParse(addressText, out var address)
            || address.AddressFamily != (isV4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6))
            return CidrCheck.Invalid;
        var width = isV4 ? 32 : 128;
        var prefix = width;
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit) || (prefixText.Length > 1 && prefixText[0] == '0'))
                return CidrCheck.Invalid;
            prefix = int.Parse(prefixText, System.Globalization.CultureInfo.InvariantCulture);
            if (prefix > width) return CidrCheck.Invalid;
        }

        var value = ToNumber(address);
        var network = value & ~HostMask(width, prefix);
        return new CidrCheck(new Cidr(address.AddressFamily, network, prefix), network != value);
    }

    public bool Contains(Cidr other) => Family == other.Family && First <= other.First && other.Last <= Last;

    public bool Overlaps(Cidr other) => Family == other.Family && First <= other.Last && other.First <= Last;

    public override string ToString() => $"{ToAddress(Family, First)}/{PrefixLength}";

    private static UInt128 HostMask(int width, int prefix) =>
        prefix >= width ? UInt128.Zero : (width == 128 && prefix == 0 ? UInt128.MaxValue : (UInt128.One << (width - prefix)) - 1);

    private static UInt128 ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes) value = (value << 8) | b;
        return value;
    }

    internal static IPAddress ToAddress(AddressFamily family, UInt128 value)
    {
        var length = family == AddressFamily.InterNetwork ? 4 : 16;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }

    [GeneratedRegex(@"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")]
    private static partial Regex Ipv4();
}

/// <summary>The result of reading a CIDR: null when the text is not one; <see cref="HostBitsSet"/> when it named a host inside the network.</summary>
public sealed record CidrCheck(Cidr? Cidr, bool HostBitsSet)
{
    public static CidrCheck Invalid { get; } = new(null, false);

    /// <summary>A CIDR exactly as written: valid and its network address.</summary>
    public bool IsExact => Cidr is not null && !HostBitsSet;
}
