using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.Catalog;

/// <summary>A NAT gateway the posture declares, read from the account that owns it, with the public IPs it sends from now.</summary>
/// <param name="Problem">Why it contributes no address (absent, deleted, no public IP); null when it does.</param>
public sealed record DeclaredNat(NatGatewayRef Declared, ScopeSnapshot Scope, NatGateway? Gateway, IReadOnlyList<Cidr> PublicIps, string? Problem)
{
    public string File => Scope.PathOf(AwsCalls.DescribeNatGateways.File);

    /// <summary>What the snapshot says of it, for evidence.</summary>
    public EvidenceFact Fact => new(Declared.Id,
        Problem ?? $"state {Gateway!.State}, public IP(s) {string.Join(", ", PublicIps.Select(i => i.ToString().Replace("/32", "", StringComparison.Ordinal)))}", File);
}

/// <summary>The posture's natGateways, each resolved in its owner's scope (GL-1, IAM-3 and CONN-1 read the same answer).</summary>
public static class DeclaredNatGateways
{
    /// <summary>Every declared NAT gateway, or the gap (scope or listing not collected) that keeps one unknown.</summary>
    public static (IReadOnlyList<DeclaredNat>? Nats, DataGap? Gap) Resolve(EvaluationContext context)
    {
        var nats = new List<DeclaredNat>();
        foreach (var declared in context.Posture.NatGateways ?? [])
        {
            if (!context.ScopeOf(declared.Account).TryGet(out var scope, out var gap)) return (null, gap);
            if (!scope.Ec2.NatGateways.TryGet(out var gateways, out gap)) return (null, gap);
            var gateway = gateways.FirstOrDefault(g => g.NatGatewayId == declared.Id);
            var (ips, problem) = NatAddresses.Public(gateway);
            nats.Add(new DeclaredNat(declared, scope, gateway, ips, problem));
        }

        return (nats, null);
    }
}
