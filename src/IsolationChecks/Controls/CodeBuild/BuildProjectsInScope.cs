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

/// <summary>The posture's build scope: every CodeBuild project of the build account, less the excluded (see <see cref="DeclaredResources"/>).</summary>
public static class BuildProjectsInScope
{
    public static IEnumerable<Finding> Evaluate(
        EvaluationContext context, FindingFactory verdict, Func<ProjectUnderAudit, IEnumerable<Finding>> check) =>
        Sections(context).SelectMany(build =>
            DeclaredResources.Evaluate(context, verdict, Scope(build), (resource, project, snapshot) => check(new ProjectUnderAudit(resource, project, snapshot, build!))));

    public static IEnumerable<JudgementExclusion> Excluded(EvaluationContext context) => Sections(context).SelectMany(b => DeclaredResources.Excluded(context, Scope(b)));

    /// <summary>Every build section (the posture's own and each class member's); one absent section when there is none, which says so.</summary>
    private static IReadOnlyList<BuildPosture?> Sections(EvaluationContext context) => context.Posture.Builds is { Count: > 0 } builds ? [.. builds] : [null];

    private static DeclaredScope<Project> Scope(BuildPosture? build) =>
        new(build?.Section ?? "build", "projects", "CodeBuild project", build?.Account, build?.Projects ?? [], build?.Exclude ?? [],
            s => s.CodeBuild.Projects, AwsCalls.BatchGetProjects.File, p => p.Name,
            (project, name, account, region) => project?.Arn ?? $"arn:aws:codebuild:{region}:{account}:project/{name}");
}
