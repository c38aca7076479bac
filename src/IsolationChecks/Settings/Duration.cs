using System.Globalization;
using System.Text.RegularExpressions;

namespace IsolationChecks.Settings;

/// <summary>
/// The Timeout setting's format: hours, minutes and seconds with units (<c>90s</c>, <c>30m</c>, <c>2h</c>,
/// <c>1h30m</c>), or <c>hh:mm:ss</c>. A bare number is refused: "30" could mean seconds or minutes.
/// </summary>
public static partial class Duration
{
    public const string Expected = "a duration between 1s and 24h such as 90s, 30m, 1h30m or 00:30:00 (a number needs a unit: s, m or h)";

    public static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Longest = TimeSpan.FromHours(24);

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var value = text.Trim();
        var units = UnitsPattern().Match(value);
        if (units.Success && value.Length > 0)
        {
            duration = TimeSpan.FromHours(Part(units, "h")) + TimeSpan.FromMinutes(Part(units, "m")) + TimeSpan.FromSeconds(Part(units, "s"));
        }
        else if (!ClockPattern().IsMatch(value)
                 || !TimeSpan.TryParseExact(value, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out duration))
        {
            return false;
        }

        return duration >= Shortest && duration <= Longest;
    }

    /// <summary>"1h30m", "45s": the shortest text that parses back to the same duration.</summary>
    public static string Format(TimeSpan duration)
    {
        var text = (duration.Days * 24 + duration.Hours > 0 ? $"{duration.Days * 24 + duration.Hours}h" : "")
            + (duration.Minutes > 0 ? $"{duration.Minutes}m" : "")
            + (duration.Seconds > 0 ? $"{duration.Seconds}s" : "");
        return text.Length == 0 ? $"{duration.TotalMilliseconds:0}ms" : text;
    }

    private static long Part(Match match, string unit) =>
        match.Groups[unit].Success ? long.Parse(match.Groups[unit].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^(?:(?<h>\d{1,3})h)?(?:(?<m>\d{1,5})m)?(?:(?<s>\d{1,6})s)?$")]
    private static partial Regex UnitsPattern();

    [GeneratedRegex(@"^\d{2}:\d{2}:\d{2}$")]
    private static partial Regex ClockPattern();
}
