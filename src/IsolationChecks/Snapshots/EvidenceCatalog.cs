using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Snapshots;

/// <summary>
/// The documents derived from the call catalog and the probe declarations: the audit role's policy, the snapshot
/// layout table and the catalog reference (docs/). A test keeps the committed copies equal to these.
/// </summary>
public static class EvidenceCatalog
{
    public const string PolicyFile = "docs/audit-role-policy.json";
    public const string CatalogFile = "docs/call-catalog.md";
    public const string SnapshotFormatFile = "docs/snapshot-format.md";
    public const string LayoutBegin = "<!-- generated: snapshot layout (EvidenceCatalog.LayoutTable); do not edit by hand -->";
    public const string LayoutEnd = "<!-- end of generated snapshot layout -->";

    public const string OrganizationPolicyFile = "docs/organization-reader-policy.json";

    /// <summary>The least-privilege policy of the audit role: exactly the catalog's IAM actions, but the organisation's discovery.</summary>
    public static string AuditRolePolicy() => Policy("IsolationChecksReadOnlyAudit", ReadOnlyAllowlist.AuditActions);

    /// <summary>The least-privilege policy of the organisation reader (management or delegated administrator account): the discovery's actions.</summary>
    public static string OrganizationReaderPolicy() => Policy("IsolationChecksOrganizationReader", ReadOnlyAllowlist.OrganizationActions);

    private static string Policy(string sid, IReadOnlyList<string> actions)
    {
        var policy = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(new JsonObject
            {
                ["Sid"] = sid,
                ["Effect"] = "Allow",
                ["Action"] = new JsonArray(actions.Select(a => (JsonNode?)a).ToArray()),
                ["Resource"] = "*",
            }),
        };
        return policy.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>The snapshot-format table: every file, the command that writes it, and when it is collected.</summary>
    public static string LayoutTable()
    {
        var text = new StringBuilder();
        text.AppendLine("| File (relative to the scope folder) | Written by (append `--output json`) | Manifest service / operation (target) | Collected |");
        text.AppendLine("|---|---|---|---|");
        foreach (var call in AwsCalls.All)
            text.AppendLine($"| `{Display(call.File)}` | `{call.Cli}` | {call.Service.IamPrefix} / {call.Operation}{(call.IsPerItem ? " (target: the item)" : "")} | {When(call)} |");
        text.AppendLine();
        text.AppendLine("Outside any scope folder, at the snapshot's root:");
        text.AppendLine();
        text.AppendLine("| File | Written by | Manifest service / operation |");
        text.AppendLine("|---|---|---|");
        foreach (var probe in ProbeDocuments.All)
            text.AppendLine($"| `{probe.Path}` | {probe.Remedy} | {probe.Service} / {probe.Operation} |");
        return text.ToString();
    }

    /// <summary>docs/call-catalog.md: every call with its declaration and the shape the reader checks.</summary>
    public static string CatalogMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("# The call catalog");
        text.AppendLine();
        text.AppendLine("Generated from `src/IsolationChecks/Aws/Calls/AwsCalls.cs` and the shapes in `src/IsolationChecks/Aws/Shapes/`");
        text.AppendLine("(`EvidenceCatalog.CatalogMarkdown`); a test fails when this file differs. Every AWS call the tool makes is one");
        text.AppendLine("entry there: the collector plans it from the entry, the reader reads its file as the declared shape, the read-only");
        text.AppendLine("guard allows exactly these actions and `docs/audit-role-policy.json` grants exactly them.");
        text.AppendLine();
        text.AppendLine("A **required** member absent, of the wrong type or null, a list where an object belongs, or a file that does not");
        text.AppendLine("parse makes the whole file a data gap: every verdict resting on it is `inconclusive`, naming the file, the JSON");
        text.AppendLine("path and the expectation. An **optional** member's absence has the meaning given, from the AWS API reference.");
        text.AppendLine("Members not listed are not read (the CLI prints many more; they are ignored).");
        text.AppendLine();
        text.AppendLine("| Action (IAM) | File | Collected | Paging | Read by |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var call in AwsCalls.All)
            text.AppendLine($"| `{call.IamAction}` | `{Display(call.File)}` | {When(call)} | {PagingText(call.Paging)} | {call.ReadBy} |");
        text.AppendLine();
        var documented = new HashSet<Type>();
        foreach (var call in AwsCalls.All)
        {
            text.AppendLine($"## {call.IamAction}");
            text.AppendLine();
            text.AppendLine($"- Command: `{call.Cli} --output json > {Display(call.File)}`");
            text.AppendLine($"- Collected: {When(call)}; paging: {PagingText(call.Paging)}");
            if (call.AbsentCodes.Count > 0)
                text.AppendLine($"- `{{\"Error\":{{\"Code\":\"{string.Join("|", call.AbsentCodes)}\"}}}}` in the file: the service confirmed there is none (evidence)");
            text.AppendLine($"- Read as `{call.Shape.Name}`; read by {call.ReadBy}");
            text.AppendLine();
            AppendShape(text, call.Shape, call.Service.CamelCaseMembers, documented);
        }

        return text.ToString();
    }

    private static void AppendShape(StringBuilder text, Type shape, bool camelCase, HashSet<Type> documented)
    {
        var pending = new Queue<Type>([shape]);
        while (pending.Count > 0)
        {
            var type = pending.Dequeue();
            if (!documented.Add(type))
                continue;
            var members = ShapeMember.Of(type, camelCase);
            text.AppendLine($"`{type.Name}`{(typeof(IValidatedShape).IsAssignableFrom(type) ? " (with a rule between its members, checked on read)" : "")}:");
            text.AppendLine();
            text.AppendLine("| Member | Type | Required | When absent |");
            text.AppendLine("|---|---|---|---|");
            foreach (var member in members)
            {
                text.AppendLine($"| `{member.JsonName}` | {member.TypeText} | {(member.Required ? "yes" : "no")} | {member.AbsentMeans ?? "a data gap"} |");
                if (member.Element is { } element)
                    pending.Enqueue(element);
            }

            text.AppendLine();
        }
    }

    private static string Display(string file) => file.Replace(AwsCall.ItemPlaceholder, "<item>", StringComparison.Ordinal);

    private static string When(AwsCall call)
    {
        var scope = call.Requires switch
        {
            null => "every scope",
            AwsCalls.Plans.EcrPublic => "every scope, when the posture has an `ecr` section (us-east-1)",
            AwsCalls.Plans.Connections => "the `connections` account",
            AwsCalls.Plans.Ingress => "every scope, when the posture has a `gitLab` section",
            AwsCalls.Plans.EcsServices => "the GitLab account, per `ecsService` host (item `CLUSTER/SERVICE`)",
            AwsCalls.Plans.PolicySimulations => "the CodeCommit account, live only: one per question IAM-1..IAM-3 derive from the evidence",
            var other => $"when the plan asks for `{other}`",
        };
        return call.Fanout switch
        {
            Fanout.PerItem perItem => $"{scope}, one per item of `{perItem.Of.IamAction}`",
            Fanout.Batched batched => $"{scope}, the items of `{batched.Of.IamAction}` in batches of {batched.Size}, merged",
            _ => scope,
        };
    }

    private static string PagingText(Paging paging) => paging switch
    {
        Paging.Tokens t => $"`{t.Token}`, merged `{string.Join("`, `", t.Lists)}`",
        Paging.Markers m => $"`Marker`/`{m.NextMarker}`, merged `{string.Join("`, `", m.Lists)}`",
        Paging.Sdk => "`NextToken`, merged",
        _ => "one request",
    };
}
