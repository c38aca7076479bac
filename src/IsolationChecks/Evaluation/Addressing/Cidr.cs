using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace IsolationChecks.Evaluation.Addressing;

/// <summary>An IPv4 or IPv6 network (address + prefix length), held as a 128-bit range so both families share the arithmetic.</summary>
public sealed record Cidr(AddressFamily Family, UInt128 First, int PrefixLength)
{
    public int Width => Family == AddressFamily.InterNetwork ? 32 : 128;

    public UInt128 Last => First | HostMask(Width, PrefixLength);

    public static Cidr Parse(string text) => TryParse(text, out var cidr)
        ? cidr
        : throw new FormatException($"'{text}' is not a CIDR such as 10.0.0.0/16 or 2001:db8::/32");

    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Cidr? cidr)
    {
        cidr = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address)) return false;
        var width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = width;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], out prefix) || prefix < 0 || prefix > width)) return false;
        var value = ToNumber(address);
        cidr = new Cidr(address.AddressFamily, value & ~HostMask(width, prefix), prefix);
        return true;
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
}
