using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace IsolationChecks.Reporting;

/// <summary>Text conventions every report shares.</summary>
public static class ReportText
{
    /// <summary>UTF-8 without a byte order mark: every text report is written so.</summary>
    public static UTF8Encoding Utf8 { get; } = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>What a report writes to a stream, as bytes in memory.</summary>
    public static byte[] ToBytes(Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        return buffer.ToArray();
    }

    /// <summary>A text report (rendered whole: report.md and report.html are summaries, small at any size) to the stream.</summary>
    public static void WriteText(string text, Stream output)
    {
        using var writer = new StreamWriter(output, Utf8, bufferSize: 64 * 1024, leaveOpen: true);
        writer.Write(text);
    }

    /// <summary>A count in a sentence: "1 finding", "3 findings".</summary>
    public static string Count(int count, string noun) => $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? "" : "s")}";

    /// <summary>Text cut to at most <paramref name="length"/> characters, an ellipsis saying it was cut.</summary>
    public static string Cut(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    /// <summary>A JSON array of strings under <paramref name="name"/>.</summary>
    public static void JsonStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }

    /// <summary>An HTML list of the items, or "None." when there are none.</summary>
    public static void HtmlList(StringBuilder html, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            html.Append("<p class=\"muted\">None.</p>\n");
            return;
        }

        html.Append("<ul>\n");
        foreach (var item in list)
            html.Append("<li>").Append(WebUtility.HtmlEncode(item)).Append("</li>\n");
        html.Append("</ul>\n");
    }
}
