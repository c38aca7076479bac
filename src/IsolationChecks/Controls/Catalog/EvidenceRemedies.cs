using IsolationChecks.Aws.Calls;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.Catalog;

/// <summary>
/// How to get the evidence an inconclusive finding lacks: the permission, the file, the setting. Never the control's own
/// remediation, which says how to fix a resource that failed: an inconclusive resource has not been shown to be broken.
/// </summary>
public static class EvidenceRemedies
{
    /// <summary>What to do about one gap in the snapshot, chosen by why the data is missing.</summary>
    public static string For(DataGap gap) => GapRemedies.For(gap);

    /// <summary>A file the snapshot should hold and does not (or holds incomplete): collect it again, or add the AWS CLI's output by hand.</summary>
    public static string Recollect(AwsCall call, string? file, string? item = null) => GapRemedies.Recollect(call, file, item);

    /// <summary>A route whose reach the snapshot cannot settle (a missing route table, an unresolved prefix list, an unknown target).</summary>
    public const string UndecidedRoutes =
        "Each undecided route above names what is missing: collect the route tables (ec2:DescribeRouteTables) and managed prefix-list entries "
        + "(ec2:GetManagedPrefixListEntries) completely, or, if the route's target is an approved exit, declare it under build.approvedEgress; then run again.";

    /// <summary>A path through something the path engine does not model, or through data the snapshot lacks.</summary>
    public const string UnmodelledPath =
        "Each undecided point above names a hop the path engine cannot follow (docs/network-semantics.md lists what is modelled): collect the data it "
        + "names (for a prefix list, ec2:GetManagedPrefixListEntries), declare an approved exit under build.approvedEgress, or review that hop by hand; "
        + "then run again.";

    /// <summary>The posture names a resource the account's complete listing does not hold.</summary>
    public static string NotListed(string postureField, string kind, string accountId, string region) =>
        $"Check the name in {postureField} and the account and region the posture gives it ({accountId}, {region}): if the name is wrong, correct it; "
        + $"if the {kind} really does not exist there, create it or remove it from the posture. Then run again.";

    /// <summary>An IAM answer that depends on conditions or principals the evaluator cannot settle from the policies alone.</summary>
    public const string UndecidedPolicy =
        "The answer depends on the conditions or principals named above, which the policies alone do not settle: review those statements by hand "
        + "(aws iam get-account-authorization-details), or express the restriction with aws:SourceIp or aws:SourceVpce, which the evaluation reads; "
        + "with Target=live, IAM's policy simulator cross-checks it. Then run again.";

    /// <summary>A build VPC of the posture in which no project in scope runs: there is no build to judge from.</summary>
    public static string NoBuildsInVpc(string vpcId) =>
        $"Either name the projects that build in {vpcId} under build.projects, or remove {vpcId} from build.vpcs if no build runs there any more; then run again.";

    /// <summary>A setting of the posture that this verdict needs and the posture does not give.</summary>
    public static string DeclareInPosture(string what) =>
        $"Declare {what} in the posture file (schemas/posture.schema.json), then run again.";
}
