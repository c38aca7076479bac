using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Network;

/// <summary>Properties over generated networks (seeded, so a failure reproduces): monotonicity, rule-order independence, valid paths.</summary>
public class PathEngineProperties
{
    private static readonly int[] Seeds = Enumerable.Range(1, 12).ToArray();
    private static readonly string[] Outside = ["198.51.100.7", "52.219.1.1", "172.20.0.9", "8.8.8.8"];

    private sealed record Probe(string Source, string Server, int Protocol, int Port)
    {
        public PathQuery Query => new(new PathSource.Interface(Source), [Cidr.Parse(Server)], Interval.Single((UInt128)Protocol),
            Interval.Single((UInt128)Port), PathQuery.EphemeralPorts);

        public override string ToString() => $"{Source} -> {Server} {Protocols.Name(Protocol)} {Port}";
    }

    private static List<Probe> Probes(NetworkScope network, int seed, int count = 120)
    {
        var random = new Random(seed * 7919);
        var interfaces = network.NetworkInterfaces;
        return Enumerable.Range(0, count).Select(_ =>
        {
            var source = interfaces[random.Next(interfaces.Count)].NetworkInterfaceId;
            var server = random.Next(3) == 0 ? Outside[random.Next(Outside.Length)] : interfaces[random.Next(interfaces.Count)].PrivateIpAddress!;
            return new Probe(source, server, random.Next(4) == 0 ? Protocols.Udp : Protocols.Tcp, new[] { 22, 53, 80, 443, 8080 }[random.Next(5)]);
        }).ToList();
    }

    private static Dictionary<Probe, PathAnswer> Answers(NetworkScope network, IEnumerable<Probe> probes)
    {
        var engine = new PathEngine(NetworkModel.Build(network.Build()));
        return probes.Distinct().ToDictionary(p => p, p => engine.Ask(p.Query));
    }

    [TestCaseSource(nameof(Seeds))]
    public void The_engine_agrees_with_a_naive_packet_by_packet_oracle(int seed)
    {
        var network = SyntheticNetwork.Generate(NetworkShape.Small, seed);
        var oracle = new ConcreteOracle(network);
        var answers = Answers(network, Probes(network, seed));

        Assert.That(answers.Values.Select(a => a.Verdict), Has.None.EqualTo(PathVerdict.Inconclusive));
        Assert.That(answers.Values.Count(a => a.Verdict == PathVerdict.Reachable), Is.GreaterThan(0), "the generator should make some paths");
        using (Assert.EnterMultipleScope())
        {
            foreach (var (probe, answer) in answers)
            {
                var expected = oracle.Connect(probe.Source, probe.Protocol, probe.Server, probe.Port) is not null;
                Assert.That(answer.Verdict == PathVerdict.Reachable, Is.EqualTo(expected), $"seed {seed}, {probe}:\n{answer.Describe()}");
            }
        }
    }

    [TestCaseSource(nameof(Seeds))]
    public void Every_reachable_path_is_valid_hop_by_hop_when_its_sample_connection_is_replayed(int seed)
    {
        var network = SyntheticNetwork.Generate(NetworkShape.Small, seed);
        var oracle = new ConcreteOracle(network);
        var answers = Answers(network, Probes(network, seed));
        using (Assert.EnterMultipleScope())
        {
            foreach (var (probe, answer) in answers.Where(a => a.Value.Verdict == PathVerdict.Reachable))
            foreach (var path in answer.Paths)
            {
                var sample = path.Sample;
                var replay = oracle.Connect(probe.Source, (int)sample.Protocol.Lo, probe.Server, (int)sample.ServerPort.Lo, (int)sample.ClientPort.Lo);
                Assert.That(replay, Is.Not.Null, $"seed {seed}, {probe}: the sample of this path does not complete:\n{answer.Describe()}");
                var components = string.Join(" ", path.Hops.Select(h => h.Component));
                foreach (var component in replay ?? [])
                    Assert.That(components, Does.Contain(component), $"seed {seed}, {probe}: the replay crosses {component}, which the path does not name");
            }
        }
    }

    [TestCaseSource(nameof(Seeds))]
    public void Adding_a_deny_or_removing_an_allow_never_creates_a_path(int seed)
    {
        var network = SyntheticNetwork.Generate(NetworkShape.Small, seed);
        var probes = Probes(network, seed);
        var before = Answers(network, probes);
        var random = new Random(seed);

        for (var change = 0; change < 6; change++)
        {
            var changed = SyntheticNetwork.Generate(NetworkShape.Small, seed);
            var what = Restrict(changed, random);
            var after = Answers(changed, probes);
            var created = probes.Where(p => before[p].Verdict != PathVerdict.Reachable && after[p].Verdict == PathVerdict.Reachable).ToList();
            Assert.That(created, Is.Empty, $"seed {seed}: {what} created a path: {string.Join("; ", created)}");
        }
    }

    [TestCaseSource(nameof(Seeds))]
    public void The_order_of_security_group_rules_never_changes_the_answer(int seed)
    {
        var network = SyntheticNetwork.Generate(NetworkShape.Small, seed);
        var probes = Probes(network, seed);
        var before = Answers(network, probes);
        var random = new Random(seed);
        var shuffled = SyntheticNetwork.Generate(NetworkShape.Small, seed);
        for (var i = 0; i < shuffled.SecurityGroups.Count; i++)
            shuffled.SecurityGroups[i] = shuffled.SecurityGroups[i] with
            {
                IpPermissions = shuffled.SecurityGroups[i].IpPermissions!.OrderBy(_ => random.Next()).ToList(),
                IpPermissionsEgress = shuffled.SecurityGroups[i].IpPermissionsEgress!.OrderBy(_ => random.Next()).ToList(),
            };
        var after = Answers(shuffled, probes);

        Assert.That(probes.Select(p => after[p].Verdict), Is.EqualTo(probes.Select(p => before[p].Verdict)));
        Assert.That(probes.Select(p => string.Join(",", after[p].Paths.Select(x => x.Target))),
            Is.EqualTo(probes.Select(p => string.Join(",", before[p].Paths.Select(x => x.Target)))));
    }

    /// <summary>One random restriction: a deny ahead of a network ACL's rules, or one security group or ACL allow removed.</summary>
    private static string Restrict(NetworkScope network, Random random)
    {
        switch (random.Next(3))
        {
            case 0:
            {
                var index = random.Next(network.NetworkAcls.Count);
                var acl = network.NetworkAcls[index];
                var deny = NetworkScope.Entry(random.Next(1, 99), random.Next(2) == 0, "deny", random.Next(2) == 0 ? "6" : "-1",
                    random.Next(2) == 0 ? "0.0.0.0/0" : "10.0.0.0/8", 443, 443);
                network.NetworkAcls[index] = acl with { Entries = [.. acl.Entries!, deny] };
                return $"deny {deny} in {acl.NetworkAclId}";
            }
            case 1:
            {
                var index = random.Next(network.SecurityGroups.Count);
                var group = network.SecurityGroups[index];
                var egress = random.Next(2) == 0;
                var rules = (egress ? group.IpPermissionsEgress : group.IpPermissions)!.ToList();
                if (rules.Count == 0) return "nothing";
                rules.RemoveAt(random.Next(rules.Count));
                network.SecurityGroups[index] = egress ? group with { IpPermissionsEgress = rules } : group with { IpPermissions = rules };
                return $"removing a rule of {group.GroupId}";
            }
            default:
            {
                var index = random.Next(network.NetworkAcls.Count);
                var acl = network.NetworkAcls[index];
                var allows = acl.Entries!.Where(e => e.RuleAction == "allow").ToList();
                if (allows.Count == 0) return "nothing";
                var removed = allows[random.Next(allows.Count)];
                network.NetworkAcls[index] = acl with { Entries = acl.Entries!.Where(e => e != removed).ToList() };
                return $"removing {removed} from {acl.NetworkAclId}";
            }
        }
    }
}
