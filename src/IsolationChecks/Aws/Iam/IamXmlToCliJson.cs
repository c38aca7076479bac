using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Iam;

/// <summary>
/// Converts the Query/XML result of GetAccountAuthorizationDetails into the JSON the AWS CLI prints:
/// lists of &lt;member&gt;, typed scalars, ISO-8601 timestamps, and URL-encoded policy documents decoded
/// into JSON objects.
/// </summary>
internal static class IamXmlToCliJson
{
    private static readonly HashSet<string> ListMembers = new(StringComparer.Ordinal)
    {
        "UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "UserPolicyList", "GroupList",
        "AttachedManagedPolicies", "Tags", "GroupPolicyList", "InstanceProfileList", "Roles", "RolePolicyList",
        "PolicyVersionList",
    };

    /// <summary>Structures that may arrive empty (&lt;RoleLastUsed/&gt;): still objects, not strings.</summary>
    private static readonly HashSet<string> StructureMembers = new(StringComparer.Ordinal) { "RoleLastUsed", "PermissionsBoundary" };

    private static readonly HashSet<string> BooleanMembers = new(StringComparer.Ordinal) { "IsDefaultVersion", "IsAttachable", "IsTruncated" };

    private static readonly HashSet<string> IntegerMembers = new(StringComparer.Ordinal) { "AttachmentCount", "PermissionsBoundaryUsageCount", "MaxSessionDuration" };

    private static readonly HashSet<string> TimestampMembers = new(StringComparer.Ordinal) { "CreateDate", "UpdateDate", "LastUsedDate" };

    private static readonly HashSet<string> PolicyDocumentMembers = new(StringComparer.Ordinal) { "PolicyDocument", "Document", "AssumeRolePolicyDocument" };

    /// <summary>The &lt;...Result&gt; element of a Query response, as a JSON object.</summary>
    public static JsonObject ConvertResult(string responseXml, string action)
    {
        var document = XDocument.Parse(responseXml);
        var result = document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == $"{action}Result")
            ?? throw new MalformedResponseException($"No {action}Result element in the response.");
        return ConvertObject(result);
    }

    private static JsonObject ConvertObject(XElement element)
    {
        var obj = new JsonObject();
        foreach (var child in element.Elements())
            obj[child.Name.LocalName] = ConvertMember(child);
        return obj;
    }

    private static JsonNode? ConvertMember(XElement element)
    {
        var name = element.Name.LocalName;
        if (ListMembers.Contains(name))
            return new JsonArray(element.Elements().Select(ConvertListItem).ToArray());
        if (element.HasElements || StructureMembers.Contains(name))
            return ConvertObject(element);
        var text = element.Value;
        if (BooleanMembers.Contains(name))
            return bool.Parse(text);
        if (IntegerMembers.Contains(name))
            return int.Parse(text, CultureInfo.InvariantCulture);
        if (TimestampMembers.Contains(name))
            return CliJson.Timestamp(DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
        if (PolicyDocumentMembers.Contains(name))
            return DecodePolicyDocument(text);
        return text;
    }

    private static JsonNode? ConvertListItem(XElement member) =>
        member.HasElements ? ConvertObject(member) : JsonValue.Create(member.Value);

    /// <summary>IAM returns policy documents URL-encoded; the CLI decodes them into JSON objects.</summary>
    internal static JsonNode DecodePolicyDocument(string encoded)
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
