using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>
/// The members of a Query/XML service's responses that are not plain strings: what botocore's model tells
/// the AWS CLI, reduced to the members the catalog's calls return.
/// </summary>
/// <param name="Lists">Members holding &lt;member&gt; items: printed as arrays.</param>
/// <param name="Structures">Structures that may arrive empty (&lt;RoleLastUsed/&gt;): still objects.</param>
/// <param name="UrlEncodedDocuments">URL-encoded JSON documents (IAM policies): decoded into objects, as the CLI does.</param>
/// <param name="Maps">Maps sent as &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;: printed as objects.</param>
public sealed record QueryShape(
    IReadOnlySet<string> Lists,
    IReadOnlySet<string>? Structures = null,
    IReadOnlySet<string>? Booleans = null,
    IReadOnlySet<string>? Integers = null,
    IReadOnlySet<string>? Timestamps = null,
    IReadOnlySet<string>? UrlEncodedDocuments = null,
    IReadOnlySet<string>? Maps = null);

/// <summary>Converts the &lt;ActionResult&gt; of a Query response into the JSON the AWS CLI prints.</summary>
internal sealed class QueryXmlToCliJson(QueryShape shape)
{
    public JsonObject ConvertResult(string responseXml, string action)
    {
        var document = XDocument.Parse(responseXml);
        var result = document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == $"{action}Result")
            ?? throw new MalformedResponseException($"No {action}Result element in the response.");
        return ConvertObject(result);
    }

    private JsonObject ConvertObject(XElement element)
    {
        var obj = new JsonObject();
        foreach (var child in element.Elements())
            obj[child.Name.LocalName] = ConvertMember(child);
        return obj;
    }

    private JsonNode? ConvertMember(XElement element)
    {
        var name = element.Name.LocalName;
        if (shape.Maps?.Contains(name) == true)
            return new JsonObject(element.Elements().Select(entry => KeyValuePair.Create(
                entry.Elements().FirstOrDefault(e => e.Name.LocalName == "key")?.Value ?? "",
                (JsonNode?)JsonValue.Create(entry.Elements().FirstOrDefault(e => e.Name.LocalName == "value")?.Value ?? ""))));
        if (shape.Lists.Contains(name))
            return new JsonArray(element.Elements().Select(m => m.HasElements ? (JsonNode)ConvertObject(m) : JsonValue.Create(m.Value)).ToArray());
        if (element.HasElements || shape.Structures?.Contains(name) == true)
            return ConvertObject(element);
        var text = element.Value;
        if (shape.Booleans?.Contains(name) == true)
            return bool.Parse(text);
        if (shape.Integers?.Contains(name) == true)
            return int.Parse(text, CultureInfo.InvariantCulture);
        if (shape.Timestamps?.Contains(name) == true)
            return CliJson.Timestamp(DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
        if (shape.UrlEncodedDocuments?.Contains(name) == true)
            return DecodeDocument(text);
        return text;
    }

    /// <summary>IAM returns policy documents URL-encoded; the CLI decodes them into JSON objects.</summary>
    internal static JsonNode DecodeDocument(string encoded)
    {
        var decoded = Uri.UnescapeDataString(encoded);
        try
        {
            return JsonNode.Parse(decoded) ?? JsonValue.Create(decoded);
        }
        catch (JsonException)
        {
            return JsonValue.Create(decoded);
        }
    }
}
