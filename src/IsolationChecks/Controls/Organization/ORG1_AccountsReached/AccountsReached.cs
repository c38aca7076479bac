using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.Organization.ORG1_AccountsReached;

/// <summary>
/// ORG-1: every account and region the posture targets was reached and is judged. Each account the posture names, and each
/// (active account, region) its organisation targets cover, must have been confirmed by STS (the collector reads nothing of
/// an account it could not confirm, so an audit role that cannot be assumed leaves no evidence at all); each organisation
/// member must have a class the posture declares; each target must have been listed completely. Nothing is ever skipped
/// silently: an account that cannot be reached is named here with the error.
/// </summary>
public sealed class AccountsReached : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "ORG-1",
        Title: "Every targeted account is reached and judged",
        Family: "Organization",
        Severity: Severity.High,
        Claim: "was reached with its audit role and is judged by its class",
        Rationale: "An audit over many accounts is only as complete as the accounts it reached: an account whose audit role is missing, " +
                   "whose trust policy refuses the collector, or that nobody classified would otherwise drop out of every control without a word.",
        Remediation: "Deploy the read-only audit role in the account with a trust policy that admits the collector's role " +
                     "(deploy/codebuild/isolationchecks-audit-role.json, deployed by a StackSet over the targeted units), or leave the account out under " +
                     "organization.exclude with the reason; then run again.",
        References:
        [
            "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html",
            "https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context)
    {
        var posture = context.Posture;
        var members = posture.Members.Select(m => m.Scope.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, account) in posture.Accounts.Where(a => !members.Contains(a.Key)).OrderBy(a => a.Key, StringComparer.Ordinal))
            yield return Reached(verdict, context, name, account, $"accounts.{name}", EvidenceRemedies.For);

        if (posture.Organization is not { } organization)
            yield break;
        var listing = OrganizationTargets.Resolve(posture, context.Snapshot);
        foreach (var incomplete in listing.Incomplete.DistinctBy(i => (i.Index, i.Gap.File)))
            yield return verdict.Inconclusive(
                new ResourceRef($"organization:targets[{incomplete.Index}]", $"(accounts under {incomplete.Target.Parent})", organization.Reader.AccountId, OrganizationPosture.ReaderRegion),
                $"the accounts under {incomplete.Target.Parent} (organization.targets[{incomplete.Index}]) were not all listed: {incomplete.Gap.Describe()}; " +
                "an account that was not listed is not audited",
                EvidenceRemedies.For(incomplete.Gap),
                new EvidenceFact(incomplete.Gap.Operation, incomplete.Gap.Describe(), incomplete.Gap.File));

        foreach (var (exclusion, index) in listing.UnmatchedExclusions)
            yield return verdict.Inconclusive(
                new ResourceRef($"posture:organization.exclude[{index}]", $"{exclusion.AccountId} (excluded)", exclusion.AccountId, ""),
                $"the posture excludes account {exclusion.AccountId} ({exclusion.Reason}), but no target lists it, so the exclusion matches nothing",
                $"Correct the account id in organization.exclude[{index}], or remove the exclusion if the account left the targeted units; then run again.");

        var unclassified = listing.Unclassified.ToDictionary(u => u.Member.Scope.Name, u => u.Gap, StringComparer.Ordinal);
        foreach (var member in posture.Members)
        {
            var account = posture.Account(member.Scope.Name);
            var resource = Resource(member.Scope.Name, account);
            if (unclassified.TryGetValue(member.Scope.Name, out var tagGap))
                yield return verdict.Inconclusive(resource, $"the class of account {account.AccountId} ({member.Scope.Name}) is unknown: its tags were not read ({tagGap.Describe()})",
                    EvidenceRemedies.For(tagGap), new EvidenceFact(tagGap.Operation, tagGap.Describe(), tagGap.File));
            else if (member.Class is null)
                yield return verdict.Inconclusive(resource,
                    $"account {account.AccountId} ({member.Scope.Name}) has no class: its target names none and its tag {organization.ClassTag} is absent, " +
                    "so nothing says what to expect of it",
                    $"Tag the account in AWS Organizations with {organization.ClassTag}=<class> (one of {ClassList(organization)}), give its target a class, " +
                    "or leave it out under organization.exclude with the reason; then run again.",
                    new EvidenceFact(account.AccountId, $"no tag {organization.ClassTag}", $"organization/{AwsCalls.ListTagsForResource.FileFor(account.AccountId)}"));
            else if (!organization.Classes.ContainsKey(member.Class))
                yield return verdict.Inconclusive(resource,
                    $"account {account.AccountId} ({member.Scope.Name}) is of class {member.Class}, which the posture does not declare, so nothing says what to expect of it",
                    $"Declare class {member.Class} under organization.classes, or correct the account's tag {organization.ClassTag} (classes: {ClassList(organization)}); then run again.",
                    new EvidenceFact(account.AccountId, $"class {member.Class}", $"organization/{AwsCalls.ListTagsForResource.FileFor(account.AccountId)}"));
            else
                yield return Reached(verdict, context, member.Scope.Name, account, $"class {member.Class}", gap =>
                    $"Make sure the audit role {account.RoleArn} exists in account {account.AccountId} and its trust policy admits the collector's role " +
                    $"({gap.ErrorCode ?? "not collected"}), or leave the account out under organization.exclude with the reason; then run again.");
        }

        if (posture.Members.Count == 0 && listing.Incomplete.Count == 0)
            yield return verdict.Inconclusive(new ResourceRef("organization:targets", "(no account)", organization.Reader.AccountId, OrganizationPosture.ReaderRegion),
                $"the organisation's targets ({string.Join(", ", organization.Targets.Select(t => t.Parent))}) cover no active account that is not excluded: nothing to judge is not a pass",
                "Check the targeted unit ids under organization.targets; then run again.");
    }

    private static ResourceRef Resource(string name, AccountTarget account) => new($"{account.AccountId}/{account.Region}", name, account.AccountId, account.Region);

    private static string ClassList(OrganizationPosture organization) => organization.Classes.Count == 0 ? "none declared" : string.Join(", ", organization.Classes.Keys);

    /// <summary>Whether STS confirmed the account: its identity file read, naming the account the posture expects.</summary>
    private static Finding Reached(FindingFactory verdict, EvaluationContext context, string name, AccountTarget account, string why, Func<DataGap, string> remedy)
    {
        var resource = Resource(name, account);
        if (!context.ScopeOf(name).TryGet(out var scope, out var scopeGap))
            return verdict.Inconclusive(resource, $"account {account.AccountId} ({name}) in {account.Region} is not in the snapshot: {scopeGap.Describe()}",
                "Collect every targeted account: a merged snapshot needs every shard's part (isolationchecks snapshot merge refuses a gap); then run again.",
                new EvidenceFact(name, scopeGap.Describe(), scopeGap.File));
        if (!scope.CallerIdentity.TryGet(out var identity, out var gap))
            return verdict.Inconclusive(resource, $"account {account.AccountId} ({name}) in {account.Region} was not reached: {gap.Describe()}; nothing of it was collected",
                remedy(gap), new EvidenceFact(AwsCalls.GetCallerIdentity.IamAction, gap.Describe(), gap.File));
        var fact = new EvidenceFact(AwsCalls.GetCallerIdentity.IamAction, $"account {identity.Account} as {identity.Arn}", scope.PathOf(AwsCalls.GetCallerIdentity.File));
        return identity.Account == account.AccountId
            ? verdict.Pass(resource, $"account {account.AccountId} ({name}, {why}) in {account.Region} was reached as {identity.Arn}", fact)
            : verdict.Fail(resource,
                $"the evidence filed as account {account.AccountId} ({name}) in {account.Region} was collected as {identity.Arn}, in account {identity.Account}: " +
                "every verdict on it judges the wrong account",
                [fact],
                $"Collect {name} again with credentials that reach account {account.AccountId} (the collector confirms the account before it reads anything); " +
                "a snapshot whose folders and identities disagree was put together by hand or altered.");
    }
}
