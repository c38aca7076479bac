using IsolationChecks.Controls.Catalog;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.GitLab.Hosts;

/// <summary>One declared host being resolved: where to report, in which scope, and the check to run once it is found.</summary>
/// <param name="Placeholder">The resource to report against until the host is found (its declared id or name).</param>
internal sealed record HostResolution(
    ResourceRef Placeholder, ScopeSnapshot Scope, FindingFactory Verdict, Func<GitLabHostUnderAudit, IEnumerable<Finding>> Check)
{
    public string InterfacesFile => Scope.PathOf(AwsCalls.DescribeNetworkInterfaces.File);

    /// <summary>
    /// The host's interfaces and every security group on them (plus <paramref name="declaredGroupIds"/>, groups the host's
    /// own configuration names) become the audit the check judges; a group that describe-security-groups does not list
    /// makes the host inconclusive, never judged on part of its rules.
    /// </summary>
    public IReadOnlyList<Finding> Audit(
        ResourceRef resource, string description, IReadOnlyList<NetworkInterface> attached, IEnumerable<string> declaredGroupIds,
        IEnumerable<EvidenceFact> hostFacts, Func<NetworkInterface, string> interfaceRole)
    {
        if (!Scope.Ec2.SecurityGroups.TryGet(out var groups, out var gap))
            return [Verdict.Unavailable(resource, gap)];
        var groupIds = attached.SelectMany(n => n.Groups).Select(g => g.GroupId)
            .Concat(declaredGroupIds).Distinct(StringComparer.Ordinal).ToList();
        var missing = groupIds.Where(g => groups.All(s => s.GroupId != g)).ToList();
        if (missing.Count > 0)
            return [Verdict.Inconclusive(resource,
                $"cannot verify {resource.Name}: security group(s) {string.Join(", ", missing)} on its interfaces are not in describe-security-groups",
                EvidenceRemedies.Recollect(AwsCalls.DescribeSecurityGroups, Scope.PathOf(AwsCalls.DescribeSecurityGroups.File)),
                new EvidenceFact("security groups", $"{groups.Count} listed", Scope.PathOf(AwsCalls.DescribeSecurityGroups.File)))];

        var facts = hostFacts.Concat(attached.Select(n => new EvidenceFact(n.NetworkInterfaceId,
            $"{interfaceRole(n)}, subnet {n.SubnetId ?? "?"}, private IP {n.PrivateIpAddress ?? "?"}, public IP {n.Association?.PublicIp ?? "none"}, " +
            $"security groups {string.Join(", ", n.Groups.Select(g => g.GroupId))}", InterfacesFile))).ToList();
        var audit = new GitLabHostUnderAudit(resource, description, Scope, attached, groupIds.Select(g => groups.First(s => s.GroupId == g)).ToList(), facts);
        return Check(audit).ToList();
    }
}
