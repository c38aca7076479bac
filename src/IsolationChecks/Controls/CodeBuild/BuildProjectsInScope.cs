using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Snapshots.Model;

namespace IsolationChecks.Controls.CodeBuild;

/// <summary>A CodeBuild project the posture puts in scope, with the account snapshot it was read from.</summary>
public sealed record ProjectUnderAudit(ResourceRef Resource, Project Project, ScopeSnapshot Scope, BuildPosture Posture)
{
    public string ProjectsFile => Scope.PathOf(SnapshotLayout.CodeBuildBatchGetProjects);
}

/// <summary>
/// Resolves the posture's build scope to projects, turning every reason a project cannot be judged
/// (no build section, account or project listing not collected, declared project absent) into an
/// inconclusive finding, so a CodeBuild control always says something about every declared project.
/// </summary>
public static class BuildProjectsInScope
{
    public static IEnumerable<Finding> Evaluate(
        EvaluationContext context, FindingFactory verdict, Func<ProjectUnderAudit, IEnumerable<Finding>> check)
    {
        var build = context.Posture.Build;
        if (build is null)
        {
            yield return verdict.Inconclusive(new ResourceRef("posture:build", "(no build scope)", "", ""),
                "the posture declares no build section, so no CodeBuild project is in scope; declare build.projects (\"*\" for all)");
            yield break;
        }

        var target = context.Posture.Account(build.Account);
        if (!context.ScopeOf(build.Account).TryGet(out var scope, out var scopeGap))
        {
            foreach (var name in build.Projects)
                yield return verdict.Unavailable(Placeholder(name, target), scopeGap);
            yield break;
        }

        if (!scope.CodeBuild.Projects.TryGet(out var projects, out var gap))
        {
            foreach (var name in build.Projects)
                yield return verdict.Unavailable(Placeholder(name, target), gap);
            yield break;
        }

        var projectsFile = scope.PathOf(SnapshotLayout.CodeBuildBatchGetProjects);
        if (build.CoversAllProjects && projects.Count == 0)
        {
            yield return verdict.Pass(new ResourceRef($"arn:aws:codebuild:{scope.Region}:{scope.AccountId}:project/*", "(no projects)", scope.AccountId, scope.Region),
                $"account {scope.AccountId} has no CodeBuild project in {scope.Region}: nothing can run outside the design",
                new EvidenceFact("codebuild projects", "the complete project listing is empty", projectsFile));
            yield break;
        }

        var selected = build.CoversAllProjects
            ? projects
            : build.Projects.Select(name => projects.FirstOrDefault(p => p.Name == name) ?? new Project(name)).ToList();
        foreach (var project in selected)
        {
            var resource = new ResourceRef(project.Arn ?? $"arn:aws:codebuild:{scope.Region}:{scope.AccountId}:project/{project.Name}",
                project.Name, scope.AccountId, scope.Region);
            if (!projects.Contains(project))
            {
                yield return verdict.Inconclusive(resource,
                    $"cannot verify {project.Name}: the posture declares it, but the account's complete project listing does not contain it",
                    new EvidenceFact("codebuild projects", $"{projects.Count} projects listed: {string.Join(", ", projects.Select(p => p.Name))}", projectsFile));
                continue;
            }

            foreach (var finding in check(new ProjectUnderAudit(resource, project, scope, build)))
                yield return finding;
        }
    }

    private static ResourceRef Placeholder(string name, AccountTarget account) =>
        new($"arn:aws:codebuild:{account.Region}:{account.AccountId}:project/{name}", name, account.AccountId, account.Region);
}
