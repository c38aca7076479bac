using IsolationChecks.Aws.Shapes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Ecr.ECR5_NoPublicRepositories;

/// <summary>
/// ECR-5: the account has no ECR Public repository, unless the posture allows it by name. ECR Public exists
/// only in us-east-1; the collector stores its listing in the ECR account's scope folder.
/// </summary>
public sealed class NoPublicRepositories : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "ECR-5",
        Title: "No ECR Public repository exists in the account",
        Family: "ECR",
        Severity: Severity.High,
        Claim: "has no ECR Public repository unless allowed",
        Rationale: "Every image in an ECR Public repository can be pulled by anyone on the internet without credentials; " +
                   "one image pushed there by mistake publishes the application.",
        Remediation: "Delete the public repository (aws ecr-public delete-repository --region us-east-1 --repository-name NAME --force) " +
                     "and push the images to a private repository, or list it under ecr.publicRepositoriesAllowed in the posture if publishing is intended.",
        References:
        [
            "https://docs.aws.amazon.com/AmazonECR/latest/public/public-repositories.html",
            "https://docs.aws.amazon.com/AmazonECRPublic/latest/APIReference/API_DescribeRepositories.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        // ECR Public is one registry per account (us-east-1): an account judged in several regions is judged once, from its first.
        EcrRepositoriesInScope.Sections(context).DistinctBy(ecr => ecr is null ? "" : context.Posture.Account(ecr.Account).AccountId)
            .SelectMany(ecr => Evaluate(verdict, context, ecr));

    /// <summary>One ecr section's account (the posture's own, or a class member's).</summary>
    private static IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context, Posture.EcrPosture? ecr)
    {
        if (ecr is null)
        {
            yield return verdict.Inconclusive(new ResourceRef("posture:ecr", "(no ecr scope)", "", ""),
                "the posture declares no ecr section, so no account is in scope for ECR Public; declare ecr.account",
                EvidenceRemedies.DeclareInPosture("ecr.account (the account whose ECR and ECR Public repositories are audited)"));
            yield break;
        }

        var target = context.Posture.Account(ecr.Account);
        var account = new ResourceRef($"arn:aws:ecr-public::{target.AccountId}:registry/{target.AccountId}", $"account {target.AccountId}", target.AccountId, "us-east-1");
        if (!context.ScopeOf(ecr.Account).TryGet(out var scope, out var scopeGap))
        {
            yield return verdict.Unavailable(account, scopeGap);
            yield break;
        }

        var path = scope.PathOf(AwsCalls.DescribePublicRepositories.File);
        var collected = scope.Read<DescribePublicRepositoriesOutput>(AwsCalls.DescribePublicRepositories);
        if (!collected.TryGet(out var listing, out var gap))
        {
            yield return verdict.Unavailable(account, gap);
            yield break;
        }

        var repositories = listing.Repositories;
        var allowed = ecr.PublicRepositoriesAllowed ?? [];
        if (repositories.Count == 0)
        {
            yield return verdict.Pass(account, $"account {target.AccountId} has no ECR Public repository",
                new EvidenceFact("ecr-public repositories", "describe-repositories (us-east-1) listed 0 repositories", path));
            yield break;
        }

        foreach (var repository in repositories)
        {
            var resource = new ResourceRef(repository.RepositoryArn ?? $"arn:aws:ecr-public::{target.AccountId}:repository/{repository.RepositoryName}",
                repository.RepositoryName, target.AccountId, "us-east-1");
            var fact = new EvidenceFact(repository.RepositoryName, $"ECR Public repository, URI {repository.RepositoryUri ?? "(not reported)"}", path);
            yield return allowed.Contains(repository.RepositoryName)
                ? verdict.Pass(resource, $"{repository.RepositoryName} is an ECR Public repository the posture allows (ecr.publicRepositoriesAllowed)", fact,
                    new EvidenceFact("posture", $"ecr.publicRepositoriesAllowed contains {repository.RepositoryName}"))
                : verdict.Fail(resource,
                    $"{repository.RepositoryName} is an ECR Public repository: anyone on the internet can pull its images ({repository.RepositoryUri ?? "public.ecr.aws"})",
                    [fact, new EvidenceFact("posture", $"ecr.publicRepositoriesAllowed = [{string.Join(", ", allowed)}]")]);
        }
    }
}
