using System.Text;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Collection;

/// <summary>How collected documents become file bytes: pretty-printed, 2-space indent, one trailing newline.</summary>
internal static class CollectedJson
{
    public static byte[] Bytes(JsonNode document) =>
        Encoding.UTF8.GetBytes(document.ToJsonString(CliJson.Indented) + "\n");

    /// <summary>What a file of an "absent" call holds: the service's answer that there is nothing.</summary>
    public static JsonObject AbsentDocument(string code, string message) =>
        new() { ["Error"] = new JsonObject { ["Code"] = code, ["Message"] = message } };
}
