using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Probes;

namespace IsolationChecks.Controls.InVpc.NET2_ServiceNamesResolvePrivately;

/// <summary>NET-2: each required AWS service host name resolves, from inside, to private (RFC 1918) addresses only.</summary>
public sealed class ServiceNamesResolvePrivately : SnapshotControl
{
    private static readonly Cidr[] Rfc1918 = [Cidr.Parse("10.0.0.0/8"), Cidr.Parse("172.16.0.0/12"), Cidr.Parse("192.168.0.0/16")];

    public override ControlMetadata Metadata { get; } = new(
        Id: "NET-2",
        Title: "Service names resolve to the VPC endpoints' private addresses",
        Family: "InVpc",
        Severity: Severity.High,
        Claim: "resolves to private addresses only",
        Rationale: "An interface endpoint is only used when its private DNS answers for the service name. A name that resolves to a public " +
                   "address sends the build to the public endpoint: it fails in an isolated network, or leaves it if a path exists.",
        Remediation: "Enable private DNS on the interface endpoint for the service (and enableDnsSupport/enableDnsHostnames on the VPC), or " +
                     "associate the private hosted zone that answers for the name; then run the probes again.",
        References:
        [
            "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns",
            "https://www.rfc-editor.org/rfc/rfc1918",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        InVpcProbeEvidence.EvaluateServiceHosts(context, verdict, target => Judge(verdict, target));

    private static Finding Judge(FindingFactory verdict, ProbedTarget<ServiceHostProbe> target)
    {
        var (host, resolution) = (target.Probe.Host, target.Probe.Resolution);
        var facts = target.Facts.Append(new EvidenceFact(host,
            $"resolution {resolution.Outcome}: {ListText.Joined(resolution.Addresses, "nothing")}{(resolution.Detail is null ? "" : $" ({resolution.Detail})")}",
            InVpcProbeRecord.SnapshotPath)).ToList();
        switch (resolution.Outcome)
        {
            case ResolutionOutcome.NotFound:
                return verdict.Fail(target.Resource, $"{host} does not resolve from inside the build network ({resolution.Detail}): no endpoint answers for it", facts);
            case ResolutionOutcome.Failed:
                return verdict.Inconclusive(target.Resource, $"cannot tell where {host} resolves: the resolver did not answer ({resolution.Detail})",
                    $"Run the probes again when the build network's resolver (the VPC's .2 resolver or Route 53 Resolver endpoints) answers for {host}; "
                    + "if it never does, that is the problem to fix first.", facts);
        }

        var notPrivate = resolution.Addresses.Where(a => !IsRfc1918(a)).ToList();
        return notPrivate.Count == 0
            ? verdict.Pass(target.Resource, $"{host} resolves to {string.Join(", ", resolution.Addresses)}, all private (RFC 1918)", facts)
            : verdict.Fail(target.Resource,
                $"{host} resolves to {string.Join(", ", notPrivate)}, not a private (RFC 1918) address: the build would use the public endpoint, not the VPC endpoint", facts);
    }

    private static bool IsRfc1918(string address) =>
        !address.Contains(':', StringComparison.Ordinal) && Cidr.TryParse($"{address}/32", out var host) && Rfc1918.Any(r => r.Contains(host));
}
