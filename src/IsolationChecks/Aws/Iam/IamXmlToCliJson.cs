using System.Text.Json.Nodes;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Iam;

/// <summary>
/// The shape of GetAccountAuthorizationDetails as the AWS CLI prints it: lists of &lt;member&gt;, typed
/// scalars, ISO-8601 timestamps, and URL-encoded policy documents decoded into JSON objects.
/// </summary>
internal static class IamXmlToCliJson
{
    private static readonly QueryXmlToCliJson Converter = new(new QueryShape(
        Lists: new HashSet<string>(StringComparer.Ordinal)
        {
            "UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "UserPolicyList", "GroupList",
            "AttachedManagedPolicies", "Tags", "GroupPolicyList", "InstanceProfileList", "Roles", "RolePolicyList",
            "PolicyVersionList",
        },
        Structures: new HashSet<string>(StringComparer.Ordinal) { "RoleLastUsed", "PermissionsBoundary" },
        Booleans: new HashSet<string>(StringComparer.Ordinal) { "IsDefaultVersion", "IsAttachable", "IsTruncated" },
        Integers: new HashSet<string>(StringComparer.Ordinal) { "AttachmentCount", "PermissionsBoundaryUsageCount", "MaxSessionDuration" },
        Timestamps: new HashSet<string>(StringComparer.Ordinal) { "CreateDate", "UpdateDate", "LastUsedDate" },
        UrlEncodedDocuments: new HashSet<string>(StringComparer.Ordinal) { "PolicyDocument", "Document", "AssumeRolePolicyDocument" }));

    /// <summary>The &lt;...Result&gt; element of a Query response, as a JSON object.</summary>
    public static JsonObject ConvertResult(string responseXml, string action) => Converter.ConvertResult(responseXml, action);

    internal static JsonNode DecodePolicyDocument(string encoded) => QueryXmlToCliJson.DecodeDocument(encoded);
}
