using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.CodeBuild;

/// <summary>A CodeBuild project the posture puts in scope, with the account snapshot it was read from.</summary>
public sealed record ProjectUnderAudit(ResourceRef Resource, Project Project, ScopeSnapshot Scope, BuildPosture Posture)
{
    public string ProjectsFile => Scope.PathOf(AwsCalls.BatchGetProjects.File);
}

/// <summary>The posture's build scope: the CodeBuild projects it declares (see <see cref="DeclaredResources"/>).</summary>
public static class BuildProjectsInScope
{
    public static IEnumerable<Finding> Evaluate(
        EvaluationContext context, FindingFactory verdict, Func<ProjectUnderAudit, IEnumerable<Finding>> check)
    {
        var build = context.Posture.Build;
        var scope = new DeclaredScope<Project>("build", "projects", "CodeBuild project", build?.Account, build?.Projects ?? [],
            s => s.CodeBuild.Projects, AwsCalls.BatchGetProjects.File, p => p.Name,
            (project, name, account, region) => project?.Arn ?? $"arn:aws:codebuild:{region}:{account}:project/{name}");
        return DeclaredResources.Evaluate(context, verdict, scope, (resource, project, snapshot) => check(new ProjectUnderAudit(resource, project, snapshot, build!)));
    }
}
