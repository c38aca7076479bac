using IsolationChecks.Controls.Catalog;
using IsolationChecks.Probes;

namespace IsolationChecks.Controls.InVpc.NET3_ServiceTlsSucceeds;

/// <summary>NET-3: from inside, a TLS handshake with each required service host name on 443 succeeds and its certificate validates.</summary>
public sealed class ServiceTlsSucceeds : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "NET-3",
        Title: "Required AWS services answer TLS from inside the build network",
        Family: "InVpc",
        Severity: Severity.High,
        Claim: "answers TLS on 443 from inside the build network",
        Rationale: "Isolation is only useful if builds still reach what they need. An endpoint whose security group or network ACL drops 443, " +
                   "or a name answered by something presenting the wrong certificate, breaks builds or intercepts them.",
        Remediation: "Allow TCP 443 from the build subnets in the endpoint's security group and the network ACLs on both sides, and check that " +
                     "the endpoint's private DNS answers for the name; a certificate that does not validate means something other than AWS answers.",
        References:
        [
            "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        InVpcProbeEvidence.EvaluateServiceHosts(context, verdict, target => Judge(verdict, target));

    private static Finding Judge(FindingFactory verdict, ProbedTarget<ServiceHostProbe> target)
    {
        var (host, tls) = (target.Probe.Host, target.Probe.Tls);
        var facts = target.Facts.Append(new EvidenceFact(host,
            $"TLS {tls.Outcome} with {tls.Address ?? "no address"} after {tls.ElapsedMs} ms" +
            (tls.Protocol is null ? "" : $", {tls.Protocol}, certificate {tls.CertificateSubject}") + (tls.Detail is null ? "" : $"; {tls.Detail}"),
            InVpcProbeRecord.SnapshotPath)).ToList();
        return tls.Outcome switch
        {
            TlsOutcome.Succeeded => verdict.Pass(target.Resource, $"{host} answered TLS ({tls.Protocol}) at {tls.Address} with a valid certificate for the name ({tls.CertificateSubject})", facts),
            TlsOutcome.Failed => verdict.Fail(target.Resource, $"no TLS session with {host} at {tls.Address}: {tls.Detail}", facts),
            _ when target.Probe.Resolution.Outcome == ResolutionOutcome.Failed =>
                verdict.Inconclusive(target.Resource, $"cannot tell whether {host} answers TLS: its name did not resolve ({target.Probe.Resolution.Detail})",
                    $"NET-2's finding for {host} says why the name does not resolve; once it resolves inside the build network, run the probes again.", facts),
            _ => verdict.Fail(target.Resource, $"no TLS session with {host}: the name does not resolve from inside ({target.Probe.Resolution.Detail})", facts),
        };
    }
}
