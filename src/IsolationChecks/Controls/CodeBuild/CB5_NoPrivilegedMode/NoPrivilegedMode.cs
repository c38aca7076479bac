using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Controls.CodeBuild.CB5_NoPrivilegedMode;

/// <summary>CB-5: the build environment is not privileged unless the posture allows it for that project.</summary>
public sealed class NoPrivilegedMode : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "CB-5",
        Title: "CodeBuild project does not run privileged",
        Family: "CodeBuild",
        Severity: Severity.High,
        Claim: "does not run privileged unless allowed",
        Rationale: "Privileged mode gives the build container root on the Docker daemon; a compromised build step can then escape " +
                   "its container. Only projects that build images need it, and the posture names them.",
        Remediation: "Turn privileged mode off (aws codebuild update-project --name NAME --environment ...,privilegedMode=false), " +
                     "or, for an image-building project, list it under build.privilegedModeAllowed in the posture.",
        References:
        [
            "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ProjectEnvironment.html",
            "https://docs.aws.amazon.com/securityhub/latest/userguide/codebuild-controls.html#codebuild-5",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        BuildProjectsInScope.Evaluate(context, verdict, audit => [Judge(verdict, audit)]);

    private static Finding Judge(FindingFactory verdict, ProjectUnderAudit audit)
    {
        var name = audit.Project.Name;
        if (audit.Project.Environment?.PrivilegedMode is not { } privileged)
            return verdict.Inconclusive(audit.Resource,
                $"cannot verify {name}: the project document has no environment.privilegedMode (AWS returns it for every project; the snapshot is incomplete)",
                EvidenceRemedies.Recollect(AwsCalls.BatchGetProjects, audit.ProjectsFile),
                new EvidenceFact(name, "environment.privilegedMode absent", audit.ProjectsFile));

        var allowed = (audit.Posture.PrivilegedModeAllowed ?? []).Contains(name);
        var fact = new EvidenceFact(name, $"environment.privilegedMode = {privileged.ToString().ToLowerInvariant()}", audit.ProjectsFile);
        if (!privileged)
            return verdict.Pass(audit.Resource, $"{name} does not run in privileged mode", fact);
        return allowed
            ? verdict.Pass(audit.Resource, $"{name} runs in privileged mode, which the posture allows for it (build.privilegedModeAllowed)",
                fact, new EvidenceFact("posture", $"build.privilegedModeAllowed contains {name}"))
            : verdict.Fail(audit.Resource, $"{name} runs in privileged mode and the posture does not allow it", [fact,
                new EvidenceFact("posture", $"build.privilegedModeAllowed = [{string.Join(", ", audit.Posture.PrivilegedModeAllowed ?? [])}]")]);
    }
}
