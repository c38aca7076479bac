using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Controls.GitLab;

/// <summary>How a security group rule's protocol and ports read in a message: "tcp 443", "all traffic".</summary>
public static class RuleText
{
    public static string Traffic(IpPermission rule)
    {
        var protocol = rule.IpProtocol switch
        {
            "-1" or "all" => null,
            "6" => "tcp",
            "17" => "udp",
            "1" => "icmp",
            "58" => "icmpv6",
            var p => p,
        };
        if (protocol is null) return "all traffic";
        if (protocol is "icmp" or "icmpv6")
            return rule.FromPort is null or -1 ? $"{protocol} (all types)" : $"{protocol} type {rule.FromPort}" + (rule.ToPort is null or -1 ? "" : $" code {rule.ToPort}");
        if (rule.FromPort is null || rule.ToPort is null || (rule.FromPort <= 0 && rule.ToPort >= 65535) || rule.FromPort == -1)
            return $"{protocol} (all ports)";
        return rule.FromPort == rule.ToPort ? $"{protocol} {rule.FromPort}" : $"{protocol} {rule.FromPort}-{rule.ToPort}";
    }

    /// <summary>The addresses of a source outside the allowed set, briefly ("every address" or a few CIDRs).</summary>
    public static string Outside(CidrSet source, CidrSet allowed)
    {
        var outside = source.Subtract(allowed);
        var cidrs = outside.ToCidrs();
        return cidrs.Count <= 4 ? outside.ToString() : $"{string.Join(", ", cidrs.Take(4))}, ... ({cidrs.Count} CIDRs in all)";
    }
}
