using System.Globalization;
using System.Text;

namespace IsolationChecks.Reporting;

/// <summary>Text conventions every report shares.</summary>
public static class ReportText
{
    /// <summary>UTF-8 without a byte order mark: every text report is written so.</summary>
    public static UTF8Encoding Utf8 { get; } = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>A count in a sentence: "1 finding", "3 findings".</summary>
    public static string Count(int count, string noun) => $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? "" : "s")}";

    /// <summary>Text cut to at most <paramref name="length"/> characters, an ellipsis saying it was cut.</summary>
    public static string Cut(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
