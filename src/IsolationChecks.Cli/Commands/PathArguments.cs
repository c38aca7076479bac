using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;

namespace IsolationChecks.Cli.Commands;

/// <summary>What to ask after `isolationchecks path`.</summary>
/// <param name="Source">Null for --from-internet.</param>
/// <param name="InternetSource">The internet address of --from-internet.</param>
/// <param name="Destinations">Addresses of --to; empty for --to internet or --from-internet.</param>
/// <param name="ToInterface">What --to names with --from-internet: an eni-/i-, an IP address, or a load balancer (ARN or loadbalancer/NAME).</param>
public sealed record PathArguments(
    string Snapshot,
    PathSource? Source,
    Cidr? InternetSource,
    IReadOnlyList<Cidr> Destinations,
    bool ToInternet,
    string? ToInterface,
    Interval Protocol,
    Interval Ports,
    bool Json,
    string? Account,
    string? Region,
    IReadOnlyList<string> ApprovedEgress)
{
    public const string Usage =
        "path --snapshot DIR (--from <eni-|i-|subnet-id+sg-id[+sg-id...]> --to <ip|cidr|internet>[:port][/PROTOCOL] " +
        "| --from-internet <ip> --to <eni-|i-|ip|load balancer ARN|loadbalancer/NAME>[:port][/PROTOCOL]) " +
        "[--account ID] [--region R] [--approved-egress ID] [--json]; PROTOCOL is tcp, udp, icmp, icmpv6, all or a protocol number 0-255";

    public static PathArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var approved = new List<string>();
        var json = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--json")
            {
                json = true;
                continue;
            }

            if (name is not ("--snapshot" or "--from" or "--from-internet" or "--to" or "--account" or "--region" or "--approved-egress"))
                throw new UsageException($"unknown option '{name}'");
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"{name} needs a value");
            if (name == "--approved-egress") approved.Add(args[++i]);
            else if (!values.TryAdd(name, args[++i])) throw new UsageException($"{name} is given twice");
        }

        var snapshot = values.GetValueOrDefault("--snapshot") ?? throw new UsageException("--snapshot DIR is required");
        var to = values.GetValueOrDefault("--to") ?? throw new UsageException("--to is required");
        var from = values.GetValueOrDefault("--from");
        var fromInternet = values.GetValueOrDefault("--from-internet");
        if ((from is null) == (fromInternet is null)) throw new UsageException("give exactly one of --from and --from-internet");
        var (target, protocol, ports) = SplitTarget(to);

        if (fromInternet is not null)
        {
            if (!Cidr.TryParseAddress(fromInternet, out var internet))
                throw new UsageException($"--from-internet expects an IP address, got '{fromInternet}'");
            if (!target.StartsWith("eni-", StringComparison.Ordinal) && !target.StartsWith("i-", StringComparison.Ordinal)
                && !Cidr.TryParseAddress(target, out _) && !IsLoadBalancer(target) && !IsLoadBalancerPath(target))
                throw new UsageException($"with --from-internet, --to must be a network interface (eni-...), an instance (i-...), an IP address or a load balancer (its ARN, or loadbalancer/NAME), got '{target}'");
            return new PathArguments(snapshot, null, internet, [], false, target, protocol, ports, json,
                values.GetValueOrDefault("--account"), values.GetValueOrDefault("--region"), approved);
        }

        var source = ParseSource(from!);
        var toInternet = target == "internet";
        IReadOnlyList<Cidr> destinations = toInternet ? [Cidr.Parse("0.0.0.0/0"), Cidr.Parse("::/0")]
            : Cidr.TryParse(target, out var destination) ? [destination]
            : throw new UsageException($"--to expects an IP address, a CIDR or 'internet', got '{target}'");
        return new PathArguments(snapshot, source, null, destinations, toInternet, null, protocol, ports, json,
            values.GetValueOrDefault("--account"), values.GetValueOrDefault("--region"), approved);
    }

    public static PathSource ParseSource(string text)
    {
        if (text.StartsWith("eni-", StringComparison.Ordinal)) return new PathSource.Interface(text);
        if (text.StartsWith("i-", StringComparison.Ordinal)) return new PathSource.Instance(text);
        if (text.StartsWith("subnet-", StringComparison.Ordinal))
        {
            var parts = text.Split('+', StringSplitOptions.RemoveEmptyEntries);
            var bad = parts.Skip(1).FirstOrDefault(p => !p.StartsWith("sg-", StringComparison.Ordinal));
            if (bad is not null) throw new UsageException($"--from subnet-...+sg-...: '{bad}' is not a security group id");
            if (parts.Length < 2)
                throw new UsageException($"--from {text}: name the security groups of the interface too ({parts[0]}+sg-...): every interface has at least one, " +
                                         "and they decide what it may send");
            return new PathSource.SubnetWithGroups(parts[0], parts.Skip(1).ToList());
        }

        throw new UsageException($"--from expects eni-..., i-... or subnet-...[+sg-...], got '{text}'");
    }

    /// <summary>"10.0.1.5:443/tcp", "[2001:db8::1]:443", "eni-1:22/tcp", "internet/udp", "10.0.0.0/16/50" into target, protocol and ports.</summary>
    public static (string Target, Interval Protocol, Interval Ports) SplitTarget(string text)
    {
        Interval? protocol = null;
        var slash = text.LastIndexOf('/');
        var slashes = text.Count(c => c == '/');
        var ownSlashes = IsLoadBalancer(text) ? 3 : IsLoadBalancerPath(text) ? 1 : 0;
        if (slash > 0 && slashes > ownSlashes && ProtocolOf(text[(slash + 1)..]) is { } named && !Cidr.TryParse(text, out _))
        {
            protocol = named;
            text = text[..slash];
        }

        string target;
        string? port = null;
        if (IsLoadBalancer(text) || IsLoadBalancerPath(text))
        {
            var last = text.LastIndexOf('/');
            var colon = text.IndexOf(':', last + 1);
            target = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }
        else if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) throw new UsageException($"missing ']' in '{text}'");
            target = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':') throw new UsageException($"expected ':port' after ']' in '{text}'");
                port = text[(close + 2)..];
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            var isIpv6 = text.Count(c => c == ':') > 1;
            target = colon < 0 || isIpv6 ? text : text[..colon];
            port = colon < 0 || isIpv6 ? null : text[(colon + 1)..];
        }

        Interval ports = Interval.AllPorts;
        if (port is not null)
        {
            if (!int.TryParse(port, out var number) || number is < 0 or > 65535)
                throw new UsageException($"'{port}' is not a port (0-65535)");
            ports = Interval.Single((UInt128)number);
            protocol ??= Interval.Single(Protocols.Tcp);
        }

        if (protocol is { } p && !Protocols.HasPorts(p) && port is not null)
            throw new UsageException($"'{text}': {Protocols.Describe(p)} has no ports; leave out the ':{port}'");
        return (target, protocol ?? Interval.AllProtocols, ports);
    }

    /// <summary>"tcp", "udp", "icmp", "icmpv6", "all" or a protocol number 0-255; null for anything else.</summary>
    private static Interval? ProtocolOf(string text) => text.ToLowerInvariant() switch
    {
        "all" => Interval.AllProtocols,
        "tcp" or "udp" or "icmp" or "icmpv6" => Protocols.Parse(text),
        _ when text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) <= 255
            ? Interval.Single(UInt128.Parse(text, System.Globalization.CultureInfo.InvariantCulture))
            : throw new UsageException($"'{text}' is not an IP protocol number (0-255)"),
        _ => null,
    };

    public static bool IsLoadBalancer(string text) => text.StartsWith("arn:", StringComparison.Ordinal) && text.Contains(":loadbalancer/", StringComparison.Ordinal);

    private static bool IsLoadBalancerPath(string text) => text.StartsWith("loadbalancer/", StringComparison.Ordinal);

    public PathQuery ToQuery() => new(Source!, Destinations, Protocol, Ports, PathQuery.EphemeralPorts, Quantifier.Any, ApprovedEgress)
    {
        InternetOnly = ToInternet,
    };

    public InboundQuery ToInboundQuery() => new(InternetSource!, ToInterface!, Protocol, Ports, PathQuery.EphemeralPorts);

    /// <summary>The resource id the scope must hold (to pick the account and region of a multi-scope snapshot).</summary>
    public string AnchorId => Source switch
    {
        PathSource.Interface eni => eni.NetworkInterfaceId,
        PathSource.Instance instance => instance.InstanceId,
        PathSource.SubnetWithGroups build => build.SubnetId,
        _ => ToInterface!,
    };
}
