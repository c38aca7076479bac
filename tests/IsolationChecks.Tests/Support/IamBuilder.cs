using System.Text.Json;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Tests.Support;

/// <summary>Builds GetAccountAuthorizationDetails documents for policy and IAM control tests.</summary>
public sealed record IamBuilder(string AccountId = "222222222222")
{
    public List<UserDetail> Users { get; init; } = [];
    public List<GroupDetail> Groups { get; init; } = [];
    public List<ManagedPolicyDetail> Policies { get; init; } = [];

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static PolicyDetail Inline(string name, string document) => new(name, Json(document));

    public string ManagedArn(string name) => $"arn:aws:iam::{AccountId}:policy/{name}";

    public IamBuilder WithUser(string name, IEnumerable<PolicyDetail>? inline = null, IEnumerable<string>? groups = null,
        IEnumerable<string>? managed = null, string? boundary = null) => this with
    {
        Users = [.. Users, new UserDetail(name, $"arn:aws:iam::{AccountId}:user/{name}", groups?.ToList() ?? [],
            managed?.Select(m => new AttachedPolicy(m, ManagedArn(m))).ToList() ?? [],
            inline?.ToList() ?? [],
            boundary is null ? null : new PermissionsBoundary("Policy", ManagedArn(boundary)),
            $"AIDA{name.ToUpperInvariant().Replace("-", "")}", "/")],
    };

    public IamBuilder WithGroup(string name, IEnumerable<PolicyDetail>? inline = null, IEnumerable<string>? managed = null) => this with
    {
        Groups = [.. Groups, new GroupDetail(name, $"arn:aws:iam::{AccountId}:group/{name}", inline?.ToList() ?? [],
            managed?.Select(m => new AttachedPolicy(m, ManagedArn(m))).ToList() ?? [], Path: "/")],
    };

    public IamBuilder WithManaged(string name, string document) => this with
    {
        Policies = [.. Policies, new ManagedPolicyDetail(ManagedArn(name), "v2",
            [new PolicyVersion(Json("""{"Version":"2012-10-17","Statement":[]}"""), "v1", false), new PolicyVersion(Json(document), "v2", true)], name, Path: "/")],
    };

    public AccountAuthorizationDetails Build() => new(Users, Groups, [], Policies);

    /// <summary>A one-statement policy document.</summary>
    public static string Policy(string effect, string action, string resource = "*", string? condition = null, string? sid = null,
        string actionKey = "Action") =>
        $$"""{"Version":"2012-10-17","Statement":[{{{(sid is null ? "" : $"\"Sid\":\"{sid}\",")}}"Effect":"{{effect}}","{{actionKey}}":{{Quote(action)}},"Resource":{{Quote(resource)}}{{(condition is null ? "" : $",\"Condition\":{condition}")}}}]}""";

    private static string Quote(string value) => value.StartsWith('[') ? value : $"\"{value}\"";
}
