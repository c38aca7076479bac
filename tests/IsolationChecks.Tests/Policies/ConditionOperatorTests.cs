using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Policies;

namespace IsolationChecks.Tests.Policies;

/// <summary>The condition operators on request keys whose value (or absence) is known, per the IAM condition-operator reference.</summary>
public class ConditionOperatorTests
{
    private static readonly RequestContext Context = RequestContext.Create(new Dictionary<string, IReadOnlyList<string>>
    {
        ["aws:username"] = ["isolated-pull"],
        ["aws:PrincipalArn"] = ["arn:aws:iam::222222222222:user/isolated-pull"],
        ["aws:MultiFactorAuthAge"] = ["300"],
        ["aws:CurrentTime"] = ["2026-11-24T01:00:00Z"],
        ["aws:SecureTransport"] = ["true"],
        ["aws:TagKeys"] = ["team", "env"],
        ["aws:EmptySet"] = [],
    }, ["aws:MultiFactorAuthPresent", "aws:CalledVia"]);

    private static bool? Holds(string op, string key, params string[] values)
    {
        var clause = new ConditionClause(op, ConditionOperator.Parse(op), key, values);
        var bounds = ConditionEvaluator.Evaluate(clause, Context);
        return !bounds.IsExact ? null : bounds.Lower.IsEverything ? true : bounds.Lower.IsEmpty ? false : throw new AssertionException("partial set");
    }

    [TestCase("StringEquals", "aws:username", "isolated-pull", true)]
    [TestCase("StringEquals", "AWS:USERNAME", "Isolated-Pull", false)]
    [TestCase("StringEqualsIgnoreCase", "aws:username", "Isolated-Pull", true)]
    [TestCase("StringNotEquals", "aws:username", "gitlab-mirror-push", true)]
    [TestCase("StringLike", "aws:username", "isolated-*", true)]
    [TestCase("StringNotLike", "aws:username", "isolated-?ull", false)]
    [TestCase("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:user/isolated-*", true)]
    [TestCase("ArnEquals", "aws:PrincipalArn", "arn:aws:iam::111111111111:user/isolated-pull", false)]
    [TestCase("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::222222222222:role/*", true)]
    [TestCase("NumericLessThan", "aws:MultiFactorAuthAge", "3600", true)]
    [TestCase("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", "300", true)]
    [TestCase("NumericNotEquals", "aws:MultiFactorAuthAge", "300", false)]
    [TestCase("DateGreaterThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", true)]
    [TestCase("DateLessThan", "aws:CurrentTime", "1700000000", false)]
    [TestCase("Bool", "aws:SecureTransport", "TRUE", true)]
    public void Operators_compare_a_present_key(string op, string key, string value, bool expected) =>
        Assert.That(Holds(op, key, value), Is.EqualTo(expected));

    [TestCase("Bool", false)]
    [TestCase("BoolIfExists", true)]
    [TestCase("StringEquals", false)]
    [TestCase("StringNotEquals", true)]
    [TestCase("StringNotEqualsIfExists", true)]
    [TestCase("ForAnyValue:StringEquals", false)]
    [TestCase("ForAllValues:StringEquals", true)]
    public void A_key_known_to_be_absent_follows_the_documented_rules(string op, bool expected) =>
        Assert.That(Holds(op, "aws:MultiFactorAuthPresent", "true"), Is.EqualTo(expected));

    [TestCase("Null", "aws:MultiFactorAuthPresent", "true", true)]
    [TestCase("Null", "aws:MultiFactorAuthPresent", "false", false)]
    [TestCase("Null", "aws:username", "true", false)]
    [TestCase("Null", "aws:SourceIp", "false", true)]
    public void Null_tests_presence(string op, string key, string value, bool expected) =>
        Assert.That(Holds(op, key, value), Is.EqualTo(expected));

    [TestCase("ForAllValues:StringEquals", new[] { "team", "env", "owner" }, true)]
    [TestCase("ForAllValues:StringEquals", new[] { "team" }, false)]
    [TestCase("ForAnyValue:StringEquals", new[] { "env" }, true)]
    [TestCase("ForAnyValue:StringEquals", new[] { "owner" }, false)]
    public void Set_operators_over_a_multivalued_key(string op, string[] values, bool expected) =>
        Assert.That(Holds(op, "aws:TagKeys", values), Is.EqualTo(expected));

    [TestCase("ForAllValues:StringEquals", true)]
    [TestCase("ForAnyValue:StringEquals", false)]
    public void Set_operators_on_an_empty_set(string op, bool expected) =>
        Assert.That(Holds(op, "aws:EmptySet", "anything"), Is.EqualTo(expected));

    [TestCase("StringEquals", "aws:SourceVpce")]
    [TestCase("StringEqualsFooBar", "aws:username")]
    [TestCase("StringLike", "aws:SourceIp")]
    public void What_cannot_be_decided_stays_open(string op, string key) =>
        Assert.That(Holds(op, key, "x"), Is.Null);

    [Test]
    public void A_policy_variable_in_a_value_stays_open() =>
        Assert.That(Holds("StringEquals", "aws:username", "${aws:username}"), Is.Null);

    [TestCase("IpAddress", "192.0.2.0/24")]
    [TestCase("IpAddressIfExists", "192.0.2.0/24")]
    [TestCase("ForAnyValue:IpAddress", "192.0.2.0/24")]
    [TestCase("NotIpAddress", "0.0.0.0/1, 128.0.0.0/2, 193.0.0.0/8, 194.0.0.0/7, 196.0.0.0/6, 200.0.0.0/5, 208.0.0.0/4, 224.0.0.0/3, 2001:db8:1::/48")]
    public void Source_ip_operators_yield_exact_sets(string op, string expected)
    {
        var values = op == "NotIpAddress"
            ? new[] { "192.0.0.0/8" }.Concat(["2001:db8:1::/48"]).ToArray()
            : ["192.0.2.0/24"];
        var bounds = ConditionEvaluator.Evaluate(new ConditionClause(op, ConditionOperator.Parse(op), "aws:SourceIp", values), Context);
        var expectedSet = op == "NotIpAddress" ? CidrSet.Parse("192.0.0.0/8", "2001:db8:1::/48").Complement() : CidrSet.Parse(expected);

        Assert.That(bounds, Has.Property(nameof(AddressBounds.IsExact)).True.And.Property(nameof(AddressBounds.Lower)).EqualTo(expectedSet));
        if (op == "NotIpAddress") Assert.That(string.Join(", ", bounds.Lower.ToCidrs().Take(8)), Is.EqualTo(string.Join(", ", expected.Split(", ").Take(8))));
    }
}
