using System.Net.Sockets;

namespace IsolationChecks.Evaluation.Addressing;

/// <summary>Turns an arbitrary address interval back into the fewest CIDRs that cover it exactly, for messages.</summary>
public static class AddressRange
{
    public static IReadOnlyList<Cidr> ToCidrs(AddressFamily family, UInt128 first, UInt128 last, int limit = int.MaxValue) =>
        CidrSet.OfRange(family, first, last).ToCidrs().Take(limit).ToList();

    /// <summary>"10.0.0.0/8", "10.0.0.0/8, 11.0.0.0/16 (+3 more)" for a range that is not one CIDR.</summary>
    public static string Describe(AddressFamily family, UInt128 first, UInt128 last)
    {
        var cidrs = ToCidrs(family, first, last, 4);
        var text = string.Join(", ", cidrs.Take(3));
        return cidrs.Count > 3 ? $"{text}, ... (range up to {new Cidr(family, last, family == AddressFamily.InterNetwork ? 32 : 128)})" : text;
    }
}
