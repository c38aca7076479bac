using System.Text.Json.Nodes;

namespace IsolationChecks.Evaluation.Drift;

/// <summary>
/// Narrows IAM's authorization details to the principals the posture puts in scope (push and pull principals), the
/// groups either snapshot shows them in, and the managed policies attached to any of those or bounding them: a change
/// to another user of the account does not move an isolation verdict. Both sides keep the same names, so a membership
/// or attachment that appears is seen with the policy it brings.
/// </summary>
internal static class IamInScope
{
    public static (JsonNode? Before, JsonNode? After) Filter(JsonNode? before, JsonNode? after, IReadOnlySet<string> principals)
    {
        var documents = new[] { before, after }.OfType<JsonObject>().ToList();
        var users = documents.SelectMany(d => Items(d, "UserDetailList")).Where(u => principals.Contains(Text(u, "Arn"))).ToList();
        var roles = documents.SelectMany(d => Items(d, "RoleDetailList")).Where(r => principals.Contains(Text(r, "Arn"))).ToList();
        var groups = users.SelectMany(u => u["GroupList"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal);
        var holders = users.Concat(roles).Concat(documents.SelectMany(d => Items(d, "GroupDetailList")).Where(g => groups.Contains(Text(g, "GroupName"))));
        var policies = holders.SelectMany(h => (h["AttachedManagedPolicies"] as JsonArray ?? []).OfType<JsonObject>().Select(p => Text(p, "PolicyArn"))
                .Append(h["PermissionsBoundary"] is JsonObject boundary ? Text(boundary, "PermissionsBoundaryArn") : ""))
            .ToHashSet(StringComparer.Ordinal);
        return (Narrow(before, principals, groups, policies), Narrow(after, principals, groups, policies));
    }

    private static JsonNode? Narrow(JsonNode? document, IReadOnlySet<string> principals, HashSet<string> groups, HashSet<string> policies)
    {
        if (document is not JsonObject details)
            return document;
        var narrowed = (JsonObject)details.DeepClone();
        Keep(narrowed, "UserDetailList", u => principals.Contains(Text(u, "Arn")));
        Keep(narrowed, "RoleDetailList", r => principals.Contains(Text(r, "Arn")));
        Keep(narrowed, "GroupDetailList", g => groups.Contains(Text(g, "GroupName")));
        Keep(narrowed, "Policies", p => policies.Contains(Text(p, "Arn")));
        return narrowed;
    }

    private static void Keep(JsonObject document, string list, Func<JsonObject, bool> keep)
    {
        if (document[list] is JsonArray items)
            document[list] = new JsonArray(items.OfType<JsonObject>().Where(keep).Select(i => (JsonNode)i.DeepClone()).ToArray());
    }

    private static IEnumerable<JsonObject> Items(JsonObject document, string list) => (document[list] as JsonArray ?? []).OfType<JsonObject>();

    private static string Text(JsonObject node, string member) => node[member] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
}
