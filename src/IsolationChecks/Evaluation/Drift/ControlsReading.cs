using System.Text.RegularExpressions;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Evaluation.Drift;

/// <summary>
/// Which controls read a call's evidence, from the call catalog's <see cref="AwsCall.ReadBy"/> ("CB-2, CB-3, EP-1..EP-5"):
/// a change in that evidence is linked to them, with no second table to keep in step.
/// </summary>
public static partial class ControlsReading
{
    public static IReadOnlyList<string> Of(AwsCall call) => Parse(call.ReadBy);

    /// <summary>"CB-1..CB-5 (which projects exist), GL-1" into CB-1, CB-2, CB-3, CB-4, CB-5, GL-1.</summary>
    public static IReadOnlyList<string> Parse(string readBy)
    {
        var ids = new List<string>();
        foreach (Match match in ControlRange().Matches(readBy))
        {
            var family = match.Groups["family"].Value;
            var from = int.Parse(match.Groups["from"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var to = match.Groups["to"].Success ? int.Parse(match.Groups["to"].Value, System.Globalization.CultureInfo.InvariantCulture) : from;
            for (var n = from; n <= to; n++)
                ids.Add($"{family}-{n}");
        }

        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"\b(?<family>[A-Z]+)-(?<from>\d+)(?:\.\.\k<family>-(?<to>\d+))?")]
    private static partial Regex ControlRange();
}
