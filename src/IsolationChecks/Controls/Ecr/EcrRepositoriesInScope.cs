using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Ecr;

/// <summary>A private ECR repository the posture puts in scope, with the account snapshot it was read from.</summary>
public sealed record RepositoryUnderAudit(ResourceRef Resource, Repository Repository, ScopeSnapshot Scope, EcrPosture Posture)
{
    public string Name => Repository.RepositoryName;

    public string RepositoriesFile => Scope.PathOf(AwsCalls.DescribeRepositories.File);
}

/// <summary>The posture's ECR scope: every private repository of the ECR account, less the excluded (see <see cref="DeclaredResources"/>).</summary>
public static class EcrRepositoriesInScope
{
    public static IEnumerable<Finding> Evaluate(
        EvaluationContext context, FindingFactory verdict, Func<RepositoryUnderAudit, IEnumerable<Finding>> check) =>
        Sections(context).SelectMany(ecr =>
            DeclaredResources.Evaluate(context, verdict, Scope(ecr), (resource, repository, snapshot) => check(new RepositoryUnderAudit(resource, repository, snapshot, ecr!))));

    public static IEnumerable<JudgementExclusion> Excluded(EvaluationContext context) => Sections(context).SelectMany(e => DeclaredResources.Excluded(context, Scope(e)));

    /// <summary>Every ecr section (the posture's own and each class member's); one absent section when there is none, which says so.</summary>
    public static IReadOnlyList<EcrPosture?> Sections(EvaluationContext context) => context.Posture.Ecrs is { Count: > 0 } ecrs ? [.. ecrs] : [null];

    private static DeclaredScope<Repository> Scope(EcrPosture? ecr) =>
        new(ecr?.Section ?? "ecr", "repositories", "private ECR repository", ecr?.Account, ecr?.Repositories ?? [], ecr?.Exclude ?? [],
            s => s.Ecr.Repositories, AwsCalls.DescribeRepositories.File, r => r.RepositoryName,
            (repository, name, account, region) => repository?.RepositoryArn ?? $"arn:aws:ecr:{region}:{account}:repository/{name}");

    /// <summary>A per-repository document (policy, lifecycle policy) or the gap where it should be.</summary>
    public static Collected<Optional<T>> Document<T>(
        IReadOnlyDictionary<string, Collected<Optional<T>>> documents, RepositoryUnderAudit audit, string operation, string layoutFile) where T : class =>
        documents.TryGetValue(audit.Name, out var document)
            ? document
            : Collected<Optional<T>>.Missing(DataGap.NotCollected("ecr", operation, audit.Scope.PathOf(layoutFile)));
}
