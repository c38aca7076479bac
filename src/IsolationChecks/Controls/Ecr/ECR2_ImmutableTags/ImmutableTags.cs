using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Controls.Ecr.ECR2_ImmutableTags;

/// <summary>ECR-2: image tags are immutable (Security Hub ECR.2).</summary>
public sealed class ImmutableTags : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "ECR-2",
        Title: "ECR repository has immutable image tags",
        Family: "ECR",
        Severity: Severity.High,
        Claim: "has immutable image tags",
        Rationale: "With mutable tags, anyone who can push can replace the image behind a tag a deployment trusts (\"app:1.4.2\"), " +
                   "so what runs is no longer what was built and reviewed.",
        Remediation: "aws ecr put-image-tag-mutability --repository-name NAME --image-tag-mutability IMMUTABLE",
        References:
        [
            "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-2",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        EcrRepositoriesInScope.Evaluate(context, verdict, audit =>
        {
            var mutability = audit.Repository.ImageTagMutability;
            var fact = new EvidenceFact(audit.Name, $"imageTagMutability = {mutability ?? "(absent)"}", audit.RepositoriesFile);
            return
            [
                mutability switch
                {
                    null => verdict.Inconclusive(audit.Resource,
                        $"cannot verify {audit.Name}: describe-repositories did not report imageTagMutability (AWS always does; the snapshot is incomplete)",
                        EvidenceRemedies.Recollect(AwsCalls.DescribeRepositories, audit.RepositoriesFile), fact),
                    "IMMUTABLE" => verdict.Pass(audit.Resource, $"{audit.Name} has immutable image tags", fact),
                    "IMMUTABLE_WITH_EXCLUSION" => verdict.Fail(audit.Resource,
                        $"{audit.Name} has immutable tags except for its exclusion filters, so tags matching them can still be overwritten", [fact]),
                    _ => verdict.Fail(audit.Resource, $"{audit.Name} has {mutability} image tags: a push can replace the image behind an existing tag", [fact]),
                },
            ];
        });
}
