using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Evaluation.Network;

/// <summary>Where traffic starts.</summary>
public abstract record PathSource
{
    /// <summary>An existing network interface: its subnet, private (and public) addresses and security groups.</summary>
    public sealed record Interface(string NetworkInterfaceId) : PathSource
    {
        public override string ToString() => NetworkInterfaceId;
    }

    /// <summary>An instance's primary network interface.</summary>
    public sealed record Instance(string InstanceId) : PathSource
    {
        public override string ToString() => InstanceId;
    }

    /// <summary>
    /// An interface that exists only while it runs (a CodeBuild build): any private address of the subnet,
    /// the given security groups, and no public IPv4 address (CodeBuild never assigns one).
    /// </summary>
    public sealed record SubnetWithGroups(string SubnetId, IReadOnlyList<string> SecurityGroupIds) : PathSource
    {
        public override string ToString() => SecurityGroupIds.Count == 0 ? SubnetId : $"{SubnetId}+{string.Join("+", SecurityGroupIds)}";
    }
}

/// <summary>Whether one connection getting through suffices, or every connection of the query must.</summary>
public enum Quantifier
{
    /// <summary>Reachable when some connection of the query completes (no-path proofs: CB-3).</summary>
    Any,

    /// <summary>Reachable only when every connection of the query completes (service access: EP-4).</summary>
    Every,
}

/// <summary>
/// A question to the engine: can traffic from <see cref="Source"/> to <see cref="Destinations"/> on the given
/// protocol and ports complete a connection (request and return)?
/// </summary>
/// <param name="Destinations">Destination addresses; both families may be mixed.</param>
/// <param name="Protocol">IP protocol numbers (0-255 for any).</param>
/// <param name="Ports">Destination ports (TCP/UDP).</param>
/// <param name="ClientPorts">The source (ephemeral) ports the client may use; the return path must admit them.</param>
/// <param name="ApprovedEgress">Route targets that count as staying inside the design (posture build.approvedEgress).</param>
public sealed record PathQuery(
    PathSource Source,
    IReadOnlyList<Cidr> Destinations,
    Interval Protocol,
    Interval Ports,
    Interval ClientPorts,
    Quantifier Quantifier = Quantifier.Any,
    IReadOnlyCollection<string>? ApprovedEgress = null)
{
    /// <summary>The client ports AWS documents for the ephemeral-port return rules of network ACLs.</summary>
    public static Interval EphemeralPorts { get; } = new(1024, 65535);

    /// <summary>Linux's default ephemeral range (net.ipv4.ip_local_port_range), which CodeBuild containers use.</summary>
    public static Interval LinuxEphemeralPorts { get; } = new(32768, 60999);

    /// <summary>Every internet address, any protocol, any port (CB-3).</summary>
    public static PathQuery ToInternet(PathSource source, IReadOnlyCollection<string>? approvedEgress = null) =>
        new(source, [Cidr.Parse("0.0.0.0/0"), Cidr.Parse("::/0")], Interval.AllProtocols, Interval.AllPorts, EphemeralPorts,
            Quantifier.Any, approvedEgress) { InternetOnly = true };

    /// <summary>Only the internet part of <see cref="Destinations"/> is asked about (private ranges are cut out).</summary>
    public bool InternetOnly { get; init; }

    /// <summary>
    /// A request that arrives counts, whether or not its replies would get back (what a one-way protocol needs, and what
    /// decides which address a server sees); otherwise a connection must complete both ways.
    /// </summary>
    public bool RequestOnly { get; init; }

    public string Describe()
    {
        var protocol = Protocols.Describe(Protocol);
        var ports = Protocols.HasPorts(Protocol) ? " " + FlowSet.DescribePorts(Ports) : "";
        var to = InternetOnly ? "any internet address" : string.Join(", ", Destinations);
        return $"{Source} -> {to} ({protocol}{ports})";
    }
}

/// <summary>
/// Traffic from outside the modelled world to a network interface: from the internet (through the interface's public IP,
/// a load balancer or a Client VPN endpoint) and from the edges (VPN, Direct Connect, accounts and VPCs not in the
/// snapshot). Each path names where it entered (<see cref="ReachedPath.Entry"/>).
/// </summary>
public sealed record InboundQuery(Cidr From, string ToInterfaceOrInstance, Interval Protocol, Interval Ports, Interval ClientPorts)
{
    public string Describe()
    {
        var ports = Protocols.HasPorts(Protocol) ? " " + FlowSet.DescribePorts(Ports) : "";
        return $"outside {From} -> {ToInterfaceOrInstance} ({Protocols.Describe(Protocol)}{ports})";
    }
}
