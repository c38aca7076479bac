using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Tests.Policies;

public class CidrSetTests
{
    private static string Cidrs(CidrSet set) => string.Join(" ", set.ToCidrs());

    [TestCase(new[] { "10.0.0.0/25", "10.0.0.128/25" }, "10.0.0.0/24")]
    [TestCase(new[] { "10.0.0.0/24", "10.0.0.0/8" }, "10.0.0.0/8")]
    [TestCase(new[] { "10.0.0.1", "10.0.0.2" }, "10.0.0.1/32 10.0.0.2/32")]
    [TestCase(new[] { "10.0.0.2", "10.0.0.3", "10.0.0.1" }, "10.0.0.1/32 10.0.0.2/31")]
    [TestCase(new[] { "2001:db8::/33", "2001:db8:8000::/33", "192.0.2.0/24" }, "192.0.2.0/24 2001:db8::/32")]
    public void Union_is_normalised_to_the_minimal_cidr_list(string[] cidrs, string expected) =>
        Assert.That(Cidrs(CidrSet.Parse(cidrs)), Is.EqualTo(expected));

    [Test]
    public void Complement_of_one_address_is_every_other_address_of_both_families()
    {
        var rest = CidrSet.Parse("255.255.255.255").Complement();

        Assert.That(Cidrs(rest), Is.EqualTo(
            "0.0.0.0/1 128.0.0.0/2 192.0.0.0/3 224.0.0.0/4 240.0.0.0/5 248.0.0.0/6 252.0.0.0/7 254.0.0.0/8 " +
            "255.0.0.0/9 255.128.0.0/10 255.192.0.0/11 255.224.0.0/12 255.240.0.0/13 255.248.0.0/14 255.252.0.0/15 " +
            "255.254.0.0/16 255.255.0.0/17 255.255.128.0/18 255.255.192.0/19 255.255.224.0/20 255.255.240.0/21 " +
            "255.255.248.0/22 255.255.252.0/23 255.255.254.0/24 255.255.255.0/25 255.255.255.128/26 255.255.255.192/27 " +
            "255.255.255.224/28 255.255.255.240/29 255.255.255.248/30 255.255.255.252/31 255.255.255.254/32 ::/0"));
    }

    [Test]
    public void Everything_and_empty_are_complements_and_render_as_such()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CidrSet.Everything.Complement(), Is.EqualTo(CidrSet.Empty));
            Assert.That(CidrSet.Empty.Complement(), Is.EqualTo(CidrSet.Everything));
            Assert.That(Cidrs(CidrSet.Everything), Is.EqualTo("0.0.0.0/0 ::/0"));
            Assert.That(CidrSet.Parse("0.0.0.0/0", "::/0").IsEverything, Is.True);
            Assert.That(CidrSet.Empty.Example(), Is.Null);
        }
    }

    [Test]
    public void Intersect_and_subtract_are_exact_on_overlapping_ranges()
    {
        var a = CidrSet.Parse("10.0.0.0/8", "2001:db8::/32");
        var b = CidrSet.Parse("10.128.0.0/9", "172.16.0.0/12", "2001:db8:ffff::/48");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Cidrs(a.Intersect(b)), Is.EqualTo("10.128.0.0/9 2001:db8:ffff::/48"));
            Assert.That(Cidrs(a.Subtract(b)), Is.EqualTo(
                "10.0.0.0/9 2001:db8::/33 2001:db8:8000::/34 2001:db8:c000::/35 2001:db8:e000::/36 2001:db8:f000::/37 " +
                "2001:db8:f800::/38 2001:db8:fc00::/39 2001:db8:fe00::/40 2001:db8:ff00::/41 2001:db8:ff80::/42 " +
                "2001:db8:ffc0::/43 2001:db8:ffe0::/44 2001:db8:fff0::/45 2001:db8:fff8::/46 2001:db8:fffc::/47 2001:db8:fffe::/48"));
            Assert.That(a.Subtract(b).Union(a.Intersect(b)), Is.EqualTo(a));
            Assert.That(CidrSet.Parse("10.1.0.0/16").IsSubsetOf(a), Is.True);
            Assert.That(b.IsSubsetOf(a), Is.False);
        }
    }

    [Test]
    public void The_ipv6_space_is_handled_at_its_edges()
    {
        var top = CidrSet.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
        var all6 = CidrSet.Parse("::/0");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(top.Union(all6.Subtract(top)), Is.EqualTo(all6));
            Assert.That(Cidrs(all6.Subtract(CidrSet.Parse("::/1"))), Is.EqualTo("8000::/1"));
            Assert.That(all6.Subtract(top).Example()!.ToString(), Is.EqualTo("::1"));
            Assert.That(top.Example()!.ToString(), Is.EqualTo("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        }
    }

    [Test]
    public void Example_names_an_address_of_the_set_preferring_ipv4()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CidrSet.Parse("203.0.113.0/24", "2001:db8::/32").Example()!.ToString(), Is.EqualTo("203.0.113.0"));
            Assert.That(CidrSet.Parse("2001:db8::5").Example()!.ToString(), Is.EqualTo("2001:db8::5"));
            Assert.That(CidrSet.Parse("198.51.100.20").Complement().Example()!.ToString(), Is.EqualTo("0.0.0.1"));
        }
    }

    [Test]
    public void Sets_equal_when_they_hold_the_same_addresses_however_written() =>
        Assert.That(CidrSet.Parse("10.0.0.0/24"), Is.EqualTo(CidrSet.Parse("10.0.0.128/25", "10.0.0.0/26", "10.0.0.64/26")));
}
