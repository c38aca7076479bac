namespace IsolationChecks.Evaluation.Policies;

/// <summary>
/// The CodeCommit actions that act on a repository (Service Authorization Reference, "Actions defined by
/// AWS CodeCommit"), split into read-only and write. IAM-1 asks every write action, so a policy that
/// grants a write through a wildcard or NotAction is caught without guessing which one it meant.
/// Approval-rule-template actions (CreateApprovalRuleTemplate, ...) act on templates, not repositories.
/// </summary>
public static class CodeCommitActions
{
    public const string GitPull = "codecommit:GitPull";
    public const string GitPush = "codecommit:GitPush";

    private static readonly string[] RepositoryActions =
    [
        "AssociateApprovalRuleTemplateWithRepository", "BatchAssociateApprovalRuleTemplateWithRepositories",
        "BatchDescribeMergeConflicts", "BatchDisassociateApprovalRuleTemplateFromRepositories", "BatchGetCommits",
        "BatchGetPullRequests", "BatchGetRepositories", "CancelUploadArchive", "CreateBranch", "CreateCommit",
        "CreatePullRequest", "CreatePullRequestApprovalRule", "CreateRepository", "CreateUnreferencedMergeCommit",
        "DeleteBranch", "DeleteCommentContent", "DeleteFile", "DeletePullRequestApprovalRule", "DeleteRepository",
        "DescribeMergeConflicts", "DescribePullRequestEvents", "DisassociateApprovalRuleTemplateFromRepository",
        "EvaluatePullRequestApprovalRules", "GetApprovalRuleTemplate", "GetBlob", "GetBranch", "GetComment",
        "GetCommentReactions", "GetCommentsForComparedCommit", "GetCommentsForPullRequest", "GetCommit",
        "GetCommitHistory", "GetCommitsFromMergeBase", "GetDifferences", "GetFile", "GetFolder", "GetMergeCommit",
        "GetMergeConflicts", "GetMergeOptions", "GetObjectIdentifier", "GetPullRequest", "GetPullRequestApprovalStates",
        "GetPullRequestOverrideState", "GetReferences", "GetRepository", "GetRepositoryTriggers", "GetTree",
        "GetUploadArchiveStatus", "GitPull", "GitPush", "ListAssociatedApprovalRuleTemplatesForRepository",
        "ListBranches", "ListFileCommitHistory", "ListPullRequests", "ListRepositories", "ListTagsForResource",
        "MergeBranchesByFastForward", "MergeBranchesBySquash", "MergeBranchesByThreeWay",
        "MergePullRequestByFastForward", "MergePullRequestBySquash", "MergePullRequestByThreeWay",
        "OverridePullRequestApprovalRules", "PostCommentForComparedCommit", "PostCommentForPullRequest",
        "PostCommentReply", "PutCommentReaction", "PutFile", "PutRepositoryTriggers", "TagResource",
        "TestRepositoryTriggers", "UntagResource", "UpdateComment", "UpdateDefaultBranch",
        "UpdatePullRequestApprovalRuleContent", "UpdatePullRequestApprovalState", "UpdatePullRequestDescription",
        "UpdatePullRequestStatus", "UpdatePullRequestTitle", "UpdateRepositoryDescription",
        "UpdateRepositoryEncryptionKey", "UpdateRepositoryName", "UploadArchive",
    ];

    private static readonly string[] ReadOnlyPatterns =
        ["GitPull", "Get*", "List*", "Describe*", "BatchGet*", "BatchDescribe*", "EvaluatePullRequestApprovalRules"];

    /// <summary>The documented read-only actions: GitPull, Get*, List*, Describe*, BatchGet*, BatchDescribe*, EvaluatePullRequestApprovalRules.</summary>
    public static bool IsReadOnly(string action)
    {
        var name = action.StartsWith("codecommit:", StringComparison.OrdinalIgnoreCase) ? action["codecommit:".Length..] : action;
        return ReadOnlyPatterns.Any(p => Wildcard.Matches(p, name, ignoreCase: true));
    }

    /// <summary>Every write action on a repository, GitPush first (the one the isolation rests on).</summary>
    public static IReadOnlyList<string> WriteActions { get; } =
        RepositoryActions.Where(a => !IsReadOnly(a)).Select(a => $"codecommit:{a}")
            .OrderBy(a => a == GitPush ? 0 : 1).ThenBy(a => a, StringComparer.Ordinal).ToList();

    /// <summary>arn:{partition}:codecommit:{region}:{account}:{repository}.</summary>
    public static string RepositoryArn(string region, string account, string repository) =>
        $"arn:{Partition(region)}:codecommit:{region}:{account}:{repository}";

    public static string Partition(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";
}
