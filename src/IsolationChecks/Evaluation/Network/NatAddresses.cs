using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Evaluation.Network;

/// <summary>
/// The one reading of a NAT gateway's addresses: what the path engine translates to, and the public IPs GL-1, IAM-3 and
/// CONN-1 expect GitLab and IAM to see. A private NAT gateway has no public address, whatever an address lists.
/// </summary>
public static class NatAddresses
{
    /// <summary>The controls whose verdicts rest on the value of a NAT gateway's public IP (the others need only know whether it has one).</summary>
    public static IReadOnlyList<string> PublicIpReadBy { get; } = ["GL-1", "IAM-3", "CONN-1"];

    /// <summary>Each address of the gateway: its private IP and, for a public NAT gateway, the public IP it translates to.</summary>
    public static IReadOnlyList<(string? PrivateIp, string? PublicIp)> Of(NatGateway nat) =>
        nat.NatGatewayAddresses.Select(a => (a.PrivateIp, nat.ConnectivityType == "private" ? null : a.PublicIp)).ToList();

    /// <summary>
    /// The public IPv4 addresses (as /32) through which the gateway sends traffic now, or why it sends none: absent from
    /// the listing, deleted, failed, or without a public IP.
    /// </summary>
    public static (IReadOnlyList<Cidr> PublicIps, string? Problem) Public(NatGateway? gateway)
    {
        if (gateway is null) return ([], "is not in the account's NAT gateway listing");
        var ips = Of(gateway).Select(a => Cidr.TryParseAddress(a.PublicIp, out var cidr) ? cidr : null).OfType<Cidr>().ToList();
        if (gateway.State is "deleted" or "deleting" or "failed") return (ips, $"is {gateway.State}");
        return ips.Count == 0 ? (ips, $"has no public IP (state {gateway.State})") : (ips, null);
    }
}
