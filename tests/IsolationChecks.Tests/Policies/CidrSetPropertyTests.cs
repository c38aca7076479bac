using System.Net.Sockets;
using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Tests.Policies;

/// <summary>
/// CidrSet against a brute-force oracle: random CIDR sets inside 10.0.0.0/24, where every one of the 256
/// addresses can be checked, combined with every operation.
/// </summary>
public class CidrSetPropertyTests
{
    private const uint Base = 0x0A000000; // 10.0.0.0

    private static (CidrSet Set, bool[] Members) RandomSet(Random random)
    {
        var members = new bool[256];
        var cidrs = new List<Cidr>();
        for (var i = random.Next(0, 5); i > 0; i--)
        {
            var prefix = random.Next(24, 33);
            var size = 1 << (32 - prefix);
            var first = random.Next(0, 256) / size * size;
            cidrs.Add(Cidr.Parse($"10.0.0.{first}/{prefix}"));
            for (var a = first; a < first + size; a++) members[a] = true;
        }

        return (CidrSet.Of(cidrs), members);
    }

    private static bool[] MembersOf(CidrSet set) =>
        Enumerable.Range(0, 256).Select(a => set.Contains(Cidr.Parse($"10.0.0.{a}/32"))).ToArray();

    [Test]
    public void Operations_agree_with_the_address_by_address_oracle([Range(1, 40)] int seed)
    {
        var random = new Random(seed);
        var (a, am) = RandomSet(random);
        var (b, bm) = RandomSet(random);
        var block = CidrSet.Parse("10.0.0.0/24");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(MembersOf(a.Union(b)), Is.EqualTo(am.Zip(bm, (x, y) => x || y).ToArray()));
            Assert.That(MembersOf(a.Intersect(b)), Is.EqualTo(am.Zip(bm, (x, y) => x && y).ToArray()));
            Assert.That(MembersOf(a.Subtract(b)), Is.EqualTo(am.Zip(bm, (x, y) => x && !y).ToArray()));
            Assert.That(MembersOf(a.Complement().Intersect(block)), Is.EqualTo(am.Select(x => !x).ToArray()));
            Assert.That(a.Complement().Complement(), Is.EqualTo(a));
            Assert.That(a.IsSubsetOf(b), Is.EqualTo(am.Zip(bm).All(p => !p.First || p.Second)));
            if (a.Example() is { } example)
                Assert.That(am[example.GetAddressBytes()[3]], Is.True, "the example is a member");
            else
                Assert.That(am, Has.None.True);
        }
    }

    [Test]
    public void The_cidr_list_is_minimal_disjoint_and_round_trips([Range(1, 40)] int seed)
    {
        var random = new Random(seed);
        var (a, _) = RandomSet(random);
        var cidrs = a.ToCidrs();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(CidrSet.Of(cidrs), Is.EqualTo(a));
            for (var i = 0; i + 1 < cidrs.Count; i++)
            {
                Assert.That(cidrs[i].Last < cidrs[i + 1].First, Is.True, "sorted and disjoint");
                var siblings = cidrs[i].PrefixLength == cidrs[i + 1].PrefixLength && cidrs[i].Last + 1 == cidrs[i + 1].First
                               && (cidrs[i].First - Base) % ((UInt128)2 << (32 - cidrs[i].PrefixLength)) == 0;
                Assert.That(siblings, Is.False, $"{cidrs[i]} and {cidrs[i + 1]} would merge into one block");
            }

            Assert.That(cidrs.All(c => c.Family == AddressFamily.InterNetwork), Is.True);
        }
    }
}
