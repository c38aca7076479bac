using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Snapshots.Model;

namespace IsolationChecks.Controls.Ecr;

/// <summary>A private ECR repository the posture puts in scope, with the account snapshot it was read from.</summary>
public sealed record RepositoryUnderAudit(ResourceRef Resource, Repository Repository, ScopeSnapshot Scope, EcrPosture Posture)
{
    public string Name => Repository.RepositoryName;

    public string RepositoriesFile => Scope.PathOf(SnapshotLayout.EcrDescribeRepositories);
}

/// <summary>
/// Resolves the posture's ECR scope to repositories, turning every reason a repository cannot be judged
/// (no ecr section, account or listing not collected, declared repository absent) into an inconclusive
/// finding, so an ECR control always says something about every declared repository.
/// </summary>
public static class EcrRepositoriesInScope
{
    public static IEnumerable<Finding> Evaluate(
        EvaluationContext context, FindingFactory verdict, Func<RepositoryUnderAudit, IEnumerable<Finding>> check)
    {
        var ecr = context.Posture.Ecr;
        if (ecr is null)
        {
            yield return verdict.Inconclusive(new ResourceRef("posture:ecr", "(no ecr scope)", "", ""),
                "the posture declares no ecr section, so no ECR repository is in scope; declare ecr.repositories (\"*\" for all)");
            yield break;
        }

        var target = context.Posture.Account(ecr.Account);
        if (!context.ScopeOf(ecr.Account).TryGet(out var scope, out var scopeGap))
        {
            foreach (var name in ecr.Repositories)
                yield return verdict.Unavailable(Placeholder(name, target.AccountId, target.Region), scopeGap);
            yield break;
        }

        if (!scope.Ecr.Repositories.TryGet(out var repositories, out var gap))
        {
            foreach (var name in ecr.Repositories)
                yield return verdict.Unavailable(Placeholder(name, scope.AccountId, scope.Region), gap);
            yield break;
        }

        var coversAll = ecr.Repositories.Contains("*");
        var selected = coversAll
            ? repositories
            : ecr.Repositories.Select(name => repositories.FirstOrDefault(r => r.RepositoryName == name) ?? new Repository(name)).ToList();
        var file = scope.PathOf(SnapshotLayout.EcrDescribeRepositories);
        if (coversAll && selected.Count == 0)
        {
            yield return verdict.Pass(new ResourceRef($"arn:aws:ecr:{scope.Region}:{scope.AccountId}:repository/*", "(no repositories)", scope.AccountId, scope.Region),
                $"account {scope.AccountId} has no private ECR repository in {scope.Region}",
                new EvidenceFact("ecr repositories", "describe-repositories listed 0 repositories", file));
            yield break;
        }

        foreach (var repository in selected)
        {
            var resource = new ResourceRef(repository.RepositoryArn ?? Placeholder(repository.RepositoryName, scope.AccountId, scope.Region).Id,
                repository.RepositoryName, scope.AccountId, scope.Region);
            if (!repositories.Contains(repository))
            {
                yield return verdict.Inconclusive(resource,
                    $"cannot verify {repository.RepositoryName}: the posture declares it, but the account's repository listing does not contain it",
                    new EvidenceFact("ecr repositories", $"{repositories.Count} repositories listed: {string.Join(", ", repositories.Select(r => r.RepositoryName))}", file));
                continue;
            }

            foreach (var finding in check(new RepositoryUnderAudit(resource, repository, scope, ecr)))
                yield return finding;
        }
    }

    /// <summary>A per-repository document (policy, lifecycle policy) or the gap where it should be.</summary>
    public static Collected<Optional<T>> Document<T>(
        IReadOnlyDictionary<string, Collected<Optional<T>>> documents, RepositoryUnderAudit audit, string operation, string layoutFile) where T : class =>
        documents.TryGetValue(audit.Name, out var document)
            ? document
            : Collected<Optional<T>>.Missing(DataGap.NotCollected("ecr", operation, audit.Scope.PathOf(layoutFile)));

    private static ResourceRef Placeholder(string name, string account, string region) =>
        new($"arn:aws:ecr:{region}:{account}:repository/{name}", name, account, region);
}
