using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Tests.Evaluation;

public class CidrTests
{
    [TestCase("10.0.0.0/8", "10.1.2.0/24", true)]
    [TestCase("10.1.2.0/24", "10.0.0.0/8", false)]
    [TestCase("0.0.0.0/0", "203.0.113.10/32", true)]
    [TestCase("2001:db8::/32", "2001:db8:1::/48", true)]
    [TestCase("::/0", "10.0.0.0/8", false)]
    public void Contains_is_exact_and_family_aware(string outer, string inner, bool expected) =>
        Assert.That(Cidr.Parse(outer).Contains(Cidr.Parse(inner)), Is.EqualTo(expected));

    [TestCase("10.1.2.3/16", "10.1.0.0/16")]
    [TestCase("203.0.113.10", "203.0.113.10/32")]
    [TestCase("2001:db8::1/64", "2001:db8::/64")]
    [TestCase("::/0", "::/0")]
    public void Parse_normalises_to_the_network_address(string text, string expected) =>
        Assert.That(Cidr.Parse(text).ToString(), Is.EqualTo(expected));

    [TestCase("10.0.0.0/33")]
    [TestCase("300.0.0.0/8")]
    [TestCase("vpc-123")]
    [TestCase("")]
    public void Rejects_what_is_not_a_cidr(string text) =>
        Assert.That(Cidr.TryParse(text, out _), Is.False);

    [TestCase("0.0.0.0/0", true)]
    [TestCase("52.0.0.0/8", true)]
    [TestCase("198.51.100.0/24", true)]
    [TestCase("10.0.0.0/8", false)]
    [TestCase("172.16.0.0/12", false)]
    [TestCase("192.168.10.0/24", false)]
    [TestCase("100.64.0.0/10", false)]
    [TestCase("10.0.0.0/7", true)]
    [TestCase("::/0", true)]
    [TestCase("2600:1f18::/32", true)]
    [TestCase("fd00::/8", false)]
    [TestCase("64:ff9b::/96", true)]
    public void Internet_address_space_is_everything_routable(string destination, bool covers) =>
        Assert.That(InternetAddressSpace.Covers(Cidr.Parse(destination)), Is.EqualTo(covers));
}
