using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Controls.CodeBuild.CB4_LogsToCloudWatch;

/// <summary>CB-4: the project sends its logs to CloudWatch Logs.</summary>
public sealed class LogsToCloudWatch : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "CB-4",
        Title: "CodeBuild project logs to CloudWatch Logs",
        Family: "CodeBuild",
        Severity: Severity.Medium,
        Claim: "sends its logs to CloudWatch Logs",
        Rationale: "Build logs are the record of what ran in the isolated environment; without them an incident cannot be reconstructed. " +
                   "In a VPC without internet access the logs endpoint must exist too (EP-1).",
        Remediation: "Enable CloudWatch Logs for the project (aws codebuild update-project --name NAME " +
                     "--logs-config cloudWatchLogs={status=ENABLED,groupName=/codebuild/NAME}).",
        References: ["https://docs.aws.amazon.com/codebuild/latest/APIReference/API_LogsConfig.html"]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        BuildProjectsInScope.Evaluate(context, verdict, audit => [Judge(verdict, audit)]);

    private static Finding Judge(FindingFactory verdict, ProjectUnderAudit audit)
    {
        var name = audit.Project.Name;
        var cloudWatch = audit.Project.LogsConfig?.CloudWatchLogs;
        if (cloudWatch?.Status is not { } status)
            return verdict.Inconclusive(audit.Resource,
                $"cannot verify {name}: the project document has no logsConfig.cloudWatchLogs.status (AWS returns it for every project; the snapshot is incomplete)",
                EvidenceRemedies.Recollect(AwsCalls.BatchGetProjects, audit.ProjectsFile),
                new EvidenceFact(name, "logsConfig.cloudWatchLogs.status absent", audit.ProjectsFile));

        var fact = new EvidenceFact(name, $"logsConfig.cloudWatchLogs.status = {status}, groupName = {cloudWatch.GroupName ?? "(default)"}", audit.ProjectsFile);
        return status == "ENABLED"
            ? verdict.Pass(audit.Resource, $"{name} sends build logs to CloudWatch Logs", fact)
            : verdict.Fail(audit.Resource, $"{name} has CloudWatch Logs {status}: build activity is not retained", [fact]);
    }
}
