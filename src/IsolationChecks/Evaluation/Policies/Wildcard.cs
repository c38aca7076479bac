namespace IsolationChecks.Evaluation.Policies;

/// <summary>IAM's glob: '*' any run of characters (also empty), '?' exactly one character.</summary>
public static class Wildcard
{
    public static bool Matches(string pattern, string text, bool ignoreCase)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        int p = 0, t = 0, starPattern = -1, starText = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || (pattern[p] != '*' && string.Compare(pattern, p, text, t, 1, comparison) == 0)))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starPattern = p++;
                starText = t;
            }
            else if (starPattern >= 0)
            {
                p = starPattern + 1;
                t = ++starText;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>
    /// ArnEquals/ArnLike: the six colon-separated parts are compared one by one, each a glob, case-sensitively.
    /// The resource part (the sixth) keeps any further colons.
    /// </summary>
    public static bool ArnMatches(string pattern, string arn)
    {
        if (pattern == "*") return true;
        var patternParts = pattern.Split(':', 6);
        var arnParts = arn.Split(':', 6);
        if (patternParts.Length != 6 || arnParts.Length != 6) return false;
        for (var i = 0; i < 6; i++)
            if (!Matches(patternParts[i], arnParts[i], ignoreCase: false))
                return false;
        return true;
    }

    /// <summary>A policy variable (${aws:username}, ${*}, ...): its value depends on the request, which the evaluator does not substitute.</summary>
    public static bool HasPolicyVariable(string text) => text.Contains("${", StringComparison.Ordinal);
}
