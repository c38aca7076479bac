using System.Net.Sockets;

namespace IsolationChecks.Evaluation.Addressing;

/// <summary>Turns an arbitrary address interval back into the fewest CIDRs that cover it exactly, for messages.</summary>
public static class AddressRange
{
    public static IReadOnlyList<Cidr> ToCidrs(AddressFamily family, UInt128 first, UInt128 last, int limit = int.MaxValue)
    {
        var width = family == AddressFamily.InterNetwork ? 32 : 128;
        var result = new List<Cidr>();
        var cursor = first;
        while (cursor <= last && result.Count < limit)
        {
            // Largest aligned block starting at cursor that stays within last.
            var size = width;
            while (size > 0)
            {
                var hostBits = width - (size - 1);
                var mask = hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
                if ((cursor & mask) != 0 || (cursor | mask) > last) break;
                size--;
            }

            var block = new Cidr(family, cursor, size);
            result.Add(block);
            if (block.Last == (width == 32 ? (UInt128)uint.MaxValue : UInt128.MaxValue)) break;
            cursor = block.Last + 1;
        }

        return result;
    }

    /// <summary>"10.0.0.0/8", "10.0.0.0/8, 11.0.0.0/16 (+3 more)" for a range that is not one CIDR.</summary>
    public static string Describe(AddressFamily family, UInt128 first, UInt128 last)
    {
        var cidrs = ToCidrs(family, first, last, 4);
        var text = string.Join(", ", cidrs.Take(3));
        return cidrs.Count > 3 ? $"{text}, ... (range up to {new Cidr(family, last, family == AddressFamily.InterNetwork ? 32 : 128)})" : text;
    }
}
