using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.GitLab.GL1_IngressAllowlist;

/// <summary>
/// GL-1: every inbound rule of every security group on the GitLab host's interfaces admits only the allowed sources,
/// derived from the live NAT gateways (their current public IPs as /32) plus the declared CIDRs. A rule source is
/// allowed exactly when it is a subset of that set: a /24 around the NAT IP is not.
/// </summary>
public sealed class IngressAllowlist : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "GL-1",
        Title: "GitLab security groups admit only the NAT gateways and the declared sources",
        Family: "GitLab",
        Severity: Severity.Critical,
        Claim: "admits inbound traffic only from the allowed sources",
        Rationale: "GitLab holds the code before it is mirrored into the isolated account. Its security groups are the only thing " +
                   "between it and the internet; one rule opened \"for a quick test\" exposes it. The allowlist is derived from the " +
                   "NAT gateways' current public IPs, so a replaced NAT gateway (new IP) is caught as well.",
        Remediation: "Remove the offending inbound rule (aws ec2 revoke-security-group-ingress --group-id SG --ip-permissions ...) and admit only " +
                     "the dev NAT gateways' public IPs as /32 and the declared work-terminal CIDRs; reference another security group only if the " +
                     "posture lists it under gitLab.allowedSecurityGroups.",
        References:
        [
            "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
            "https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html",
            "https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-host-vpc.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        GitLabHostsInScope.EvaluateAgainstAllowlist(context, verdict, (audit, sources) => Judge(verdict, audit, sources));

    private static Finding Judge(FindingFactory verdict, GitLabHostUnderAudit audit, GitLabAllowedSources sources)
    {
        var allowed = sources.Addresses;
        var offences = new List<string>();
        var facts = new List<EvidenceFact>(audit.Facts);
        facts.AddRange(sources.Facts);
        facts.Add(new EvidenceFact("allowed sources", $"{sources.Label} = {allowed}"));
        var file = audit.SecurityGroupsFile;
        foreach (var group in audit.SecurityGroups)
        {
            var where = $"{group.GroupId} ({group.GroupName}) on {string.Join(", ", audit.InterfacesOf(group.GroupId).DefaultIfEmpty(audit.Description))}";
            var rules = group.IpPermissions;
            if (rules.Count == 0) facts.Add(new EvidenceFact(group.GroupId, "no inbound rule", file));
            foreach (var rule in rules)
            {
                var traffic = RuleText.Traffic(rule);
                void Judge(string source, CidrSet addresses, string subject, string? origin)
                {
                    if (addresses.IsSubsetOf(allowed))
                    {
                        facts.Add(new EvidenceFact(group.GroupId, $"admits {traffic} from {subject}: within the allowed sources", origin ?? file));
                        return;
                    }

                    var widthNote = addresses.Intersect(allowed).IsEmpty ? "" : $", wider than the allowed address(es) {addresses.Intersect(allowed)} it contains";
                    offences.Add($"{where} admits {traffic} from {source}, which is outside {sources.Label}" +
                                 $" (admits {RuleText.Outside(addresses, allowed)}{widthNote})");
                    facts.Add(new EvidenceFact(group.GroupId, $"admits {traffic} from {subject}: OUTSIDE the allowed sources", origin ?? file));
                }

                foreach (var range in rule.IpRanges)
                {
                    if (!Cidr.TryParse(range.CidrIp, out var cidr)) return verdict.Error(audit.Resource, $"{group.GroupId} has an inbound rule from '{range.CidrIp}', which is not a CIDR");
                    Judge(range.CidrIp, CidrSet.Of(cidr), range.CidrIp, null);
                }

                foreach (var range in rule.Ipv6Ranges)
                {
                    if (!Cidr.TryParse(range.CidrIpv6, out var cidr)) return verdict.Error(audit.Resource, $"{group.GroupId} has an inbound rule from '{range.CidrIpv6}', which is not a CIDR");
                    Judge(range.CidrIpv6, CidrSet.Of(cidr), range.CidrIpv6, null);
                }

                foreach (var reference in rule.PrefixListIds)
                {
                    if (!audit.Scope.Ec2.EntriesOf(reference.PrefixListId, audit.Scope.Folder).TryGet(out var entries, out var gap))
                        return verdict.Unavailable(audit.Resource, gap);
                    var entriesFile = audit.Scope.PathOf(AwsCalls.GetManagedPrefixListEntries.FileFor(reference.PrefixListId));
                    if (entries.Count == 0) facts.Add(new EvidenceFact(group.GroupId, $"admits {traffic} from prefix list {reference.PrefixListId}, which has no entry", entriesFile));
                    foreach (var entry in entries)
                    {
                        if (!Cidr.TryParse(entry.Cidr, out var cidr)) return verdict.Error(audit.Resource, $"prefix list {reference.PrefixListId} has an entry '{entry.Cidr}', which is not a CIDR");
                        Judge($"{entry.Cidr} (an entry of prefix list {reference.PrefixListId})", CidrSet.Of(cidr), $"{entry.Cidr} via {reference.PrefixListId}", entriesFile);
                    }
                }

                foreach (var pair in rule.UserIdGroupPairs)
                {
                    var referenced = pair.GroupId ?? pair.GroupName ?? "(unnamed group)";
                    var owner = pair.UserId is { } u && u != audit.Scope.AccountId ? $" of account {u}" : "";
                    if (pair.GroupId is not null && sources.AllowedSecurityGroups.Contains(pair.GroupId))
                    {
                        facts.Add(new EvidenceFact(group.GroupId, $"admits {traffic} from security group {referenced}{owner}: declared in gitLab.allowedSecurityGroups", file));
                        continue;
                    }

                    offences.Add($"{where} admits {traffic} from security group {referenced}{owner}, which gitLab.allowedSecurityGroups does not declare");
                    facts.Add(new EvidenceFact(group.GroupId, $"admits {traffic} from security group {referenced}{owner}: NOT declared", file));
                }
            }
        }

        var nats = string.Join("; ", sources.Problems);
        var notAdmitted = sources.NatAddresses.Keys.Where(ip => !Admitted(audit, Cidr.Parse(ip))).ToList();
        if (notAdmitted.Count > 0)
            facts.Add(new EvidenceFact("allowed sources", $"the current NAT public IP(s) {string.Join(", ", notAdmitted)} are admitted by no rule: connections from behind the NAT gateway cannot reach GitLab"));
        if (offences.Count > 0)
        {
            var note = (nats.Length > 0 ? $"; note: {nats}" : "") +
                       (notAdmitted.Count > 0 ? $"; the current NAT public IP(s) {string.Join(", ", notAdmitted.Select(ip => $"{ip} ({sources.NatAddresses[ip]})"))} are not admitted at all" : "");
            return verdict.Fail(audit.Resource, $"{audit.Resource.Name}: {string.Join("; ", offences)}{note}", facts);
        }

        return verdict.Pass(audit.Resource,
            $"every inbound rule of {string.Join(", ", audit.SecurityGroups.Select(g => g.GroupId))} on {audit.Resource.Name} admits only {sources.Label}" +
            (nats.Length > 0 ? $" (note: {nats})" : ""), facts);
    }

    private static bool Admitted(GitLabHostUnderAudit audit, Cidr address) =>
        audit.SecurityGroups.SelectMany(g => g.IpPermissions).Any(rule =>
            rule.IpRanges.Select(r => r.CidrIp).Concat(rule.Ipv6Ranges.Select(r => r.CidrIpv6))
            .Any(text => Cidr.TryParse(text, out var cidr) && cidr.Contains(address)));
}
