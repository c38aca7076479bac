using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Controls.CodeBuild.CB1_ProjectRunsInVpc;

/// <summary>CB-1: the project has a VPC configuration (VPC id, subnets, security groups).</summary>
public sealed class ProjectRunsInVpc : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "CB-1",
        Title: "CodeBuild project runs in a VPC",
        Family: "CodeBuild",
        Severity: Severity.Critical,
        Claim: "runs in a VPC",
        Rationale: "A CodeBuild project without VPC configuration runs in AWS-managed networking with unrestricted internet access: " +
                   "a build can pull unvetted base images or send source code anywhere, and nothing in the account's network controls sees it.",
        Remediation: "Set the project's VPC configuration to the build VPC's private subnets and the build security group " +
                     "(aws codebuild update-project --name NAME --vpc-config vpcId=VPC,subnets=SUBNET1,SUBNET2,securityGroupIds=SG).",
        References:
        [
            "https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html",
            "https://docs.aws.amazon.com/securityhub/latest/userguide/codebuild-controls.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        BuildProjectsInScope.Evaluate(context, verdict, audit => [Judge(verdict, audit)]);

    private static Finding Judge(FindingFactory verdict, ProjectUnderAudit audit)
    {
        var config = audit.Project.VpcConfig;
        var file = audit.ProjectsFile;
        if (config is null)
            return verdict.Fail(audit.Resource, $"{audit.Project.Name} has no vpcConfig: its builds run outside any VPC, with internet access",
                [new EvidenceFact(audit.Project.Name, "vpcConfig absent from the project document", file)]);

        var subnets = config.Subnets;
        var groups = config.SecurityGroupIds;
        var facts = new List<EvidenceFact>
        {
            new(audit.Project.Name, $"vpcConfig.vpcId = {config.VpcId ?? "(none)"}", file),
            new(audit.Project.Name, $"vpcConfig.subnets = [{string.Join(", ", subnets)}]", file),
            new(audit.Project.Name, $"vpcConfig.securityGroupIds = [{string.Join(", ", groups)}]", file),
        };
        var missing = new List<string>();
        if (string.IsNullOrEmpty(config.VpcId)) missing.Add("a VPC id");
        if (subnets.Count == 0) missing.Add("at least one subnet");
        if (groups.Count == 0) missing.Add("at least one security group");
        if (missing.Count > 0)
            return verdict.Fail(audit.Resource, $"{audit.Project.Name}'s vpcConfig lacks {string.Join(", ", missing)}", facts);

        var declaredVpcs = audit.Posture.Vpcs ?? [];
        if (declaredVpcs.Count > 0 && !declaredVpcs.Contains(config.VpcId!))
            return verdict.Fail(audit.Resource,
                $"{audit.Project.Name} runs in {config.VpcId}, which the posture does not declare as a build VPC ({string.Join(", ", declaredVpcs)})",
                facts, "Move the project into a declared build VPC, or declare its VPC under build.vpcs once it meets the EP controls.");

        return verdict.Pass(audit.Resource, $"{audit.Project.Name} runs in {config.VpcId} with {subnets.Count} subnet(s) and {groups.Count} security group(s)", facts);
    }
}
