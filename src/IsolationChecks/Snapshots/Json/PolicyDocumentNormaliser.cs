using System.Text.Json;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Snapshots.Json;

/// <summary>
/// IAM returns policy documents URL-encoded (RFC 3986) from the raw API; the CLI prints them decoded. Controls
/// always see a JSON object.
/// </summary>
internal sealed class PolicyDocumentNormaliser(string file)
{
    public AccountAuthorizationDetails Normalise(AccountAuthorizationDetails details) => details with
    {
        UserDetailList = details.UserDetailList.Select((u, i) => u with
        {
            UserPolicyList = Inline(u.UserPolicyList, $"$.UserDetailList[{i}].UserPolicyList"),
        }).ToList(),
        GroupDetailList = details.GroupDetailList.Select((g, i) => g with
        {
            GroupPolicyList = Inline(g.GroupPolicyList, $"$.GroupDetailList[{i}].GroupPolicyList"),
        }).ToList(),
        RoleDetailList = details.RoleDetailList.Select((r, i) => r with
        {
            RolePolicyList = Inline(r.RolePolicyList, $"$.RoleDetailList[{i}].RolePolicyList"),
            AssumeRolePolicyDocument = r.AssumeRolePolicyDocument is { } trust
                ? Document(trust, $"$.RoleDetailList[{i}].AssumeRolePolicyDocument")
                : null,
        }).ToList(),
        Policies = details.Policies.Select((p, i) => p with
        {
            PolicyVersionList = p.PolicyVersionList.Select((v, j) => v with
            {
                Document = Document(v.Document, $"$.Policies[{i}].PolicyVersionList[{j}].Document"),
            }).ToList(),
        }).ToList(),
    };

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(policies))]
    private List<PolicyDetail>? Inline(IReadOnlyList<PolicyDetail>? policies, string path) =>
        policies?.Select((p, i) => p with { PolicyDocument = Document(p.PolicyDocument, $"{path}[{i}].PolicyDocument") }).ToList();

    public JsonElement Document(JsonElement document, string path)
    {
        switch (document.ValueKind)
        {
            case JsonValueKind.Object:
                return document;
            case JsonValueKind.String:
                var text = document.GetString()!;
                try
                {
                    using var parsed = JsonDocument.Parse(Uri.UnescapeDataString(text));
                    if (parsed.RootElement.ValueKind == JsonValueKind.Object)
                        return parsed.RootElement.Clone();
                }
                catch (JsonException)
                {
                }

                throw new InputException(file, path, "a policy document: a JSON object, or a URL-encoded JSON object (as the IAM API returns it)",
                    text.Length > 60 ? text[..60] + "..." : text);
            default:
                throw new InputException(file, path, "a policy document: a JSON object, or a URL-encoded JSON object (as the IAM API returns it)",
                    document.ValueKind.ToString());
        }
    }
}
