using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>Helpers to shape output as the AWS CLI prints it.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Indented { get; } = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Python's datetime.isoformat() of a UTC time, which is what the CLI prints.</summary>
    public static string Timestamp(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        var format = utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.ffffff";
        return utc.ToString(format, CultureInfo.InvariantCulture) + "+00:00";
    }

    /// <summary>JSON protocols send timestamps as epoch seconds; the CLI prints them as ISO-8601.</summary>
    public static string EpochSecondsTimestamp(double seconds) =>
        Timestamp(DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)));

    public static JsonObject ParseObject(string body)
    {
        var node = JsonNode.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body)
            ?? throw new MalformedResponseException("The response body is JSON null.");
        return node as JsonObject ?? throw new MalformedResponseException($"Expected a JSON object, got {node.GetValueKind()}.");
    }

    /// <summary>Drops null members at any depth: botocore omits them, so the CLI never prints them.</summary>
    public static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
                    obj.Remove(name);
                foreach (var (_, value) in obj)
                    RemoveNulls(value);
                break;
            case JsonArray array:
                foreach (var item in array)
                    RemoveNulls(item);
                break;
        }
    }

    /// <summary>Rewrites numeric timestamps of the named members, at any depth, into ISO-8601 strings.</summary>
    public static void ConvertEpochTimestamps(JsonNode? node, IReadOnlySet<string> timestampMembers)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    var value = obj[name];
                    if (timestampMembers.Contains(name) && value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
                        obj[name] = EpochSecondsTimestamp(v.GetValue<double>());
                    else
                        ConvertEpochTimestamps(value, timestampMembers);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                    ConvertEpochTimestamps(item, timestampMembers);
                break;
        }
    }

    /// <summary>Moves the items of <paramref name="listMember"/> from a page into the merged list.</summary>
    public static void AppendItems(JsonArray merged, JsonObject page, string listMember)
    {
        if (page[listMember] is JsonArray items)
        {
            foreach (var item in items.ToList())
            {
                items.Remove(item);
                merged.Add(item);
            }
        }
        else if (page[listMember] is not null)
        {
            throw new MalformedResponseException($"'{listMember}' is not a list.");
        }
    }
}
