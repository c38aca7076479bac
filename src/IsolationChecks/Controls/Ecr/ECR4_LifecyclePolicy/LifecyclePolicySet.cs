using System.Text.Json;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Ecr.ECR4_LifecyclePolicy;

/// <summary>ECR-4: a lifecycle policy is set (Security Hub ECR.3).</summary>
public sealed class LifecyclePolicySet : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "ECR-4",
        Title: "ECR repository has a lifecycle policy",
        Family: "ECR",
        Severity: Severity.Medium,
        Claim: "has a lifecycle policy",
        Rationale: "Without a lifecycle policy old, unpatched images accumulate and stay pullable; expiring them keeps the set of " +
                   "images that can be deployed small and current.",
        Remediation: "aws ecr put-lifecycle-policy --repository-name NAME --lifecycle-policy-text file://lifecycle.json " +
                     "(for example expire untagged images after 14 days and keep the last N tagged images).",
        References:
        [
            "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html",
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-3",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        EcrRepositoriesInScope.Evaluate(context, verdict, audit => [Judge(verdict, audit)]);

    private static Finding Judge(FindingFactory verdict, RepositoryUnderAudit audit)
    {
        var layout = AwsCalls.GetLifecyclePolicy.FileFor(audit.Name);
        var collected = EcrRepositoriesInScope.Document(audit.Scope.Ecr.LifecyclePolicies, audit, "GetLifecyclePolicy", layout);
        if (!collected.TryGet(out var optional, out var gap)) return verdict.Unavailable(audit.Resource, gap);
        var file = collected.Source ?? audit.Scope.PathOf(layout);
        if (optional.Value is not { } policy)
            return verdict.Fail(audit.Resource, $"{audit.Name} has no lifecycle policy",
                [new EvidenceFact(audit.Name, $"get-lifecycle-policy returned {optional.AbsenceCode ?? "no policy"}", file)]);
        var rules = RuleCount(policy);
        return rules switch
        {
            null => verdict.Error(audit.Resource, $"the lifecycle policy of {audit.Name} is not a JSON document with a rules array",
                new EvidenceFact(audit.Name, policy.LifecyclePolicyText, file)),
            0 => verdict.Fail(audit.Resource, $"{audit.Name} has a lifecycle policy with no rules, which expires nothing",
                [new EvidenceFact(audit.Name, "lifecycle policy has 0 rules", file)]),
            _ => verdict.Pass(audit.Resource, $"{audit.Name} has a lifecycle policy with {rules} rule(s)",
                new EvidenceFact(audit.Name, $"lifecycle policy has {rules} rule(s)", file)),
        };
    }

    private static int? RuleCount(LifecyclePolicy policy)
    {
        try
        {
            using var json = JsonDocument.Parse(policy.LifecyclePolicyText);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("rules", out var rules)
                   && rules.ValueKind == JsonValueKind.Array
                ? rules.GetArrayLength()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
