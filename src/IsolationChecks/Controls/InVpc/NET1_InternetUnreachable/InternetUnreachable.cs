using IsolationChecks.Controls.Catalog;
using IsolationChecks.Probes;

namespace IsolationChecks.Controls.InVpc.NET1_InternetUnreachable;

/// <summary>NET-1: from inside the build network, a TCP connection to each declared internet canary fails within the timeout.</summary>
public sealed class InternetUnreachable : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "NET-1",
        Title: "The internet is unreachable from inside the build network",
        Family: "InVpc",
        Severity: Severity.Critical,
        Claim: "cannot be reached from inside the build network",
        Rationale: "The configuration checks (CB-2, CB-3) reason about routes and rules; this probe tries for real. A build that can open a " +
                   "connection to a public registry can pull unvetted code and push data out, whatever the diagrams say.",
        Remediation: "Remove the route that leads out (NAT gateway, internet gateway, transit gateway, peering, a proxy) from the build subnets' " +
                     "route tables, and the security-group or network-ACL rules that admit it; then run the probes again.",
        References:
        [
            "https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html",
            "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        InVpcProbeEvidence.Evaluate<CanaryProbe>(context, verdict,
            record => record.Canaries.Select(c => (c.Target, (CanaryProbe?)c)),
            target => Judge(verdict, target),
            posture => posture.InternetCanaries);

    private static Finding Judge(FindingFactory verdict, ProbedTarget<CanaryProbe> target)
    {
        var probe = target.Probe;
        var facts = target.Facts.Append(new EvidenceFact(probe.Target,
            $"{probe.Outcome} after {probe.ElapsedMs} ms; resolved to {ListText.Joined(probe.Resolved, "nothing")}; {probe.Detail}", InVpcProbeRecord.SnapshotPath)).ToList();
        return probe.Outcome switch
        {
            ConnectOutcome.Connected => verdict.Fail(target.Resource,
                $"{probe.Target} was reached from inside the build network: a TCP connection to {probe.Address} was established in {probe.ElapsedMs} ms", facts),
            ConnectOutcome.Timeout or ConnectOutcome.Unreachable => verdict.Pass(target.Resource,
                $"no connection to {probe.Target} ({probe.Outcome.ToString().ToLowerInvariant()}: {probe.Detail})", facts),
            ConnectOutcome.NameNotResolved => verdict.Pass(target.Resource,
                $"no connection to {probe.Target}: the name does not resolve from inside ({probe.Detail}), so no address could be tried", facts),
            ConnectOutcome.ResolverFailed => verdict.Inconclusive(target.Resource,
                $"cannot tell whether {probe.Target} is reachable: the resolver did not answer ({probe.Detail}), so no address was tried",
                $"Declare the canary {probe.Target} by IP address (host:port) so the probe needs no resolver, or fix the resolver inside the build network; "
                + "then run the probes again.", facts),
            ConnectOutcome.Refused => verdict.Inconclusive(target.Resource,
                $"cannot tell whether {probe.Target} is reachable: a TCP reset came back ({probe.Detail}); something on the path answered for the address. " +
                "If it is the internet host, the build network reaches the internet; find what answers (a proxy, a firewall rejecting with a reset)",
                $"Find what sent the reset for {probe.Target} (a packet capture or the firewall's log inside the build network): a reset from the canary itself "
                + "means the internet is reachable; one from a local firewall means it is not. Then declare a canary that answers differently, or run again.", facts),
            _ => verdict.Inconclusive(target.Resource, $"cannot tell whether {probe.Target} is reachable: the probe failed ({probe.Detail})",
                "Fix what made the probe itself fail (named above), then run the probes again inside the build network.", facts),
        };
    }
}
