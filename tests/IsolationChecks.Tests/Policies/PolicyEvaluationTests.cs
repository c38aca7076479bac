using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Policies;
using IsolationChecks.Tests.Support;
using static IsolationChecks.Tests.Support.IamBuilder;

namespace IsolationChecks.Tests.Policies;

/// <summary>
/// Cases drawn from AWS's documented policy-evaluation logic, asked as "from which source addresses is
/// this allowed": each expectation is the exact set, worked out by hand.
/// </summary>
public class PolicyEvaluationTests
{
    private const string Repo = "arn:aws:codecommit:ap-northeast-1:222222222222:app";
    private const string Isolated = "192.0.2.0/28";

    private static AccessDecision Decide(IamBuilder iam, string user, string action = CodeCommitActions.GitPull, string resource = Repo)
    {
        var (policies, problem) = EffectivePermissions.Resolve(iam.Build(), user, "ap-northeast-1", "iam.json");
        Assert.That(problem, Is.Null, () => problem!.Message);
        return EffectivePermissions.Evaluate(policies!, action, resource);
    }

    private static string SourceIp(string op, params string[] cidrs) =>
        "{\"" + op + "\":{\"aws:SourceIp\":[" + string.Join(",", cidrs.Select(c => $"\"{c}\"")) + "]}}";

    private static void AssertExact(AccessDecision decision, CidrSet expected)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decision.Allowed.IsExact, Is.True, () => $"depends on {string.Join(", ", decision.Allowed.DependsOn)}");
            Assert.That(decision.Allowed.Lower, Is.EqualTo(expected), () => $"allowed from {decision.Allowed.Lower}, expected {expected}");
        }
    }

    [Test]
    public void Implicit_deny_when_nothing_allows() =>
        AssertExact(Decide(new IamBuilder().WithUser("u"), "u"), CidrSet.Empty);

    [Test]
    public void An_allow_without_source_condition_allows_from_every_address() =>
        AssertExact(Decide(new IamBuilder().WithUser("u", [Inline("p", Policy("Allow", "codecommit:GitPull", Repo))]), "u"), CidrSet.Everything);

    [Test]
    public void Explicit_deny_wins_over_allow()
    {
        var iam = new IamBuilder().WithUser("u", [
            Inline("allow", Policy("Allow", "codecommit:*", "*")),
            Inline("deny", Policy("Deny", "codecommit:GitPush", Repo, sid: "NoPush")),
        ]);

        using (Assert.EnterMultipleScope())
        {
            AssertExact(Decide(iam, "u", CodeCommitActions.GitPush), CidrSet.Empty);
            AssertExact(Decide(iam, "u", CodeCommitActions.GitPull), CidrSet.Everything);
        }
    }

    [Test]
    public void NotAction_with_allow_grants_every_other_action()
    {
        var iam = new IamBuilder().WithUser("u", [Inline("p", Policy("Allow", "codecommit:GitPull", Repo, actionKey: "NotAction"))]);

        using (Assert.EnterMultipleScope())
        {
            AssertExact(Decide(iam, "u", CodeCommitActions.GitPush), CidrSet.Everything);
            AssertExact(Decide(iam, "u", CodeCommitActions.GitPull), CidrSet.Empty);
        }
    }

    [Test]
    public void Actions_match_case_insensitively_with_wildcards_and_resources_case_sensitively()
    {
        var iam = new IamBuilder().WithUser("u", [Inline("p", Policy("Allow", "CodeCommit:git*", "arn:aws:codecommit:*:222222222222:ap?"))]);

        using (Assert.EnterMultipleScope())
        {
            AssertExact(Decide(iam, "u", CodeCommitActions.GitPush), CidrSet.Everything);
            AssertExact(Decide(iam, "u", CodeCommitActions.GitPush, "arn:aws:codecommit:ap-northeast-1:222222222222:APP"), CidrSet.Empty);
            AssertExact(Decide(iam, "u", "codecommit:GetBranch"), CidrSet.Empty);
        }
    }

    [Test]
    public void Not_ip_address_deny_leaves_exactly_the_listed_ranges()
    {
        var iam = new IamBuilder().WithUser("u", [
            Inline("allow", Policy("Allow", "codecommit:GitPull", Repo)),
            Inline("deny", Policy("Deny", "*", "*", SourceIp("NotIpAddress", Isolated, "2001:db8:10::/48"))),
        ]);

        AssertExact(Decide(iam, "u"), CidrSet.Parse(Isolated, "2001:db8:10::/48"));
    }

    [Test]
    public void Overlapping_cidrs_across_allow_and_deny_are_subtracted_exactly()
    {
        var iam = new IamBuilder().WithUser("u", [Inline("p", $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"codecommit:GitPull","Resource":"*","Condition":{{SourceIp("IpAddress", "10.0.0.0/8", "10.1.0.0/16")}}},
              {"Effect":"Allow","Action":"codecommit:GitPull","Resource":"*","Condition":{{SourceIp("IpAddress", "10.255.0.0/16", "11.0.0.0/8")}}},
              {"Effect":"Deny","Action":"codecommit:*","Resource":"*","Condition":{{SourceIp("IpAddress", "10.0.0.0/9")}}}]}
            """)]);

        AssertExact(Decide(iam, "u"), CidrSet.Parse("10.128.0.0/9", "11.0.0.0/8"));
    }

    [TestCase("IpAddress", false)]
    [TestCase("IpAddressIfExists", true)]
    [TestCase("ForAllValues:IpAddress", true)]
    [TestCase("ForAnyValue:IpAddress", false)]
    [TestCase("NotIpAddress", true)]
    public void A_request_without_source_ip_follows_the_missing_key_rules(string op, bool allowedWithoutSourceIp)
    {
        var iam = new IamBuilder().WithUser("u", [Inline("p", Policy("Allow", "codecommit:GitPull", Repo, SourceIp(op, Isolated)))]);

        var allowed = Decide(iam, "u").Allowed;

        Assert.That((allowed.IsExact, allowed.LowerWithoutSourceIp), Is.EqualTo((true, allowedWithoutSourceIp)));
    }

    [Test]
    public void A_not_ip_address_deny_also_refuses_requests_without_source_ip()
    {
        var iam = new IamBuilder().WithUser("u", [
            Inline("allow", Policy("Allow", "codecommit:GitPull", Repo)),
            Inline("deny", Policy("Deny", "*", "*", SourceIp("NotIpAddress", Isolated))),
        ]);

        var allowed = Decide(iam, "u").Allowed;

        Assert.That((allowed.Lower, allowed.LowerWithoutSourceIp, allowed.UpperWithoutSourceIp), Is.EqualTo((CidrSet.Parse(Isolated), false, false)));
    }

    [Test]
    public void Ipv6_ranges_are_part_of_the_set()
    {
        var iam = new IamBuilder().WithUser("u", [Inline("p",
            Policy("Allow", "codecommit:GitPull", Repo, SourceIp("IpAddress", "2001:db8::/32", "203.0.113.0/24")))]);

        var decision = Decide(iam, "u");

        AssertExact(decision, CidrSet.Parse("203.0.113.0/24", "2001:db8::/32"));
        Assert.That(decision.Allowed.Lower.Subtract(CidrSet.Parse("0.0.0.0/0")).Example()!.ToString(), Is.EqualTo("2001:db8::"));
    }

    [Test]
    public void A_permissions_boundary_intersects_with_the_identity_policies()
    {
        var iam = new IamBuilder()
            .WithManaged("boundary", Policy("Allow", "codecommit:*", "*", SourceIp("IpAddress", "10.0.0.0/16", "10.2.0.0/16")))
            .WithUser("u", [Inline("p", Policy("Allow", "codecommit:GitPull", Repo, SourceIp("IpAddress", "10.0.0.0/15")))], boundary: "boundary");

        AssertExact(Decide(iam, "u"), CidrSet.Parse("10.0.0.0/16"));
    }

    [Test]
    public void A_boundary_alone_grants_nothing()
    {
        var iam = new IamBuilder()
            .WithManaged("boundary", Policy("Allow", "*", "*"))
            .WithUser("u", boundary: "boundary");

        AssertExact(Decide(iam, "u"), CidrSet.Empty);
    }

    [Test]
    public void A_deny_in_the_boundary_is_an_explicit_deny()
    {
        var iam = new IamBuilder()
            .WithManaged("boundary", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
                  {"Sid":"NoPush","Effect":"Deny","Action":"codecommit:GitPush","Resource":"*"}]}
                """)
            .WithUser("u", [Inline("p", Policy("Allow", "*", "*"))], boundary: "boundary");

        var decision = Decide(iam, "u", CodeCommitActions.GitPush);

        AssertExact(decision, CidrSet.Empty);
        Assert.That(decision.WhyRefused(System.Net.IPAddress.Parse("198.51.100.1")), Does.Contain("Sid 'NoPush'"));
    }

    [Test]
    public void Group_inline_and_managed_policies_count_and_name_themselves()
    {
        var iam = new IamBuilder()
            .WithManaged("push", Policy("Allow", "codecommit:GitPush", Repo, sid: "ManagedPush"))
            .WithGroup("developers", [Inline("dev", Policy("Allow", "codecommit:GitPush", "*", SourceIp("IpAddress", "198.51.100.0/24"), "GroupPush"))])
            .WithUser("u", groups: ["developers"], managed: ["push"]);

        var decision = Decide(iam, "u", CodeCommitActions.GitPush);

        AssertExact(decision, CidrSet.Everything);
        Assert.That(decision.GrantsFrom(System.Net.IPAddress.Parse("198.51.100.7")).Select(g => g.Describe()), Is.EquivalentTo(new[]
        {
            "managed policy arn:aws:iam::222222222222:policy/push (attached to user u), version v2 Sid 'ManagedPush'",
            "group developers inline policy 'dev' Sid 'GroupPush'",
        }));
    }

    [Test]
    public void A_user_whose_inline_policy_list_IAM_omitted_is_judged_on_its_other_policies()
    {
        var iam = new IamBuilder()
            .WithManaged("pull", Policy("Allow", "codecommit:GitPull", Repo))
            .WithUser("u", managed: ["pull"]);
        iam = iam with { Users = [iam.Users[0] with { UserPolicyList = null }] };

        AssertExact(Decide(iam, "u"), CidrSet.Everything);
    }

    [Test]
    public void An_unknown_condition_key_makes_the_answer_a_range_that_names_the_key()
    {
        var iam = new IamBuilder().WithUser("u", [Inline("p", Policy("Allow", "codecommit:GitPull", Repo,
            """{"IpAddress":{"aws:SourceIp":"192.0.2.0/28"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}"""))]);

        var decision = Decide(iam, "u");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(decision.Allowed.Lower, Is.EqualTo(CidrSet.Empty));
            Assert.That(decision.Allowed.Upper, Is.EqualTo(CidrSet.Parse(Isolated)));
            Assert.That(decision.DependsOn, Is.EqualTo(new[] { "aws:MultiFactorAuthPresent" }));
        }
    }

    [Test]
    public void A_deny_on_an_unknown_key_leaves_the_answer_open_never_allowed_by_accident()
    {
        var iam = new IamBuilder().WithUser("u", [
            Inline("allow", Policy("Allow", "codecommit:GitPull", Repo)),
            Inline("deny", Policy("Deny", "*", "*", """{"StringNotEquals":{"aws:SourceVpce":"vpce-0123"}}""")),
        ]);

        var decision = Decide(iam, "u");

        Assert.That((decision.Allowed.Lower, decision.Allowed.Upper), Is.EqualTo((CidrSet.Empty, CidrSet.Everything)));
        Assert.That(decision.DependsOn, Does.Contain("aws:SourceVpce"));
    }

    [Test]
    public void Keys_that_follow_from_the_principal_are_decided()
    {
        var iam = new IamBuilder().WithUser("u", [
            Inline("p", Policy("Allow", "codecommit:GitPull", Repo, """{"StringEquals":{"aws:username":"u","AWS:PrincipalType":"User"},"Bool":{"aws:ViaAWSService":"false"}}""")),
            Inline("q", Policy("Deny", "*", "*", """{"StringNotEquals":{"aws:PrincipalAccount":"222222222222"}}""")),
        ]);

        AssertExact(Decide(iam, "u"), CidrSet.Everything);
    }

    [Test]
    public void A_policy_variable_in_the_resource_makes_the_answer_depend_on_it()
    {
        var iam = new IamBuilder().WithUser("u", [Inline("p", Policy("Allow", "codecommit:GitPull", "arn:aws:codecommit:*:*:${aws:username}-*"))]);

        var decision = Decide(iam, "u");

        Assert.That((decision.Allowed.Lower, decision.Allowed.Upper), Is.EqualTo((CidrSet.Empty, CidrSet.Everything)));
        Assert.That(decision.DependsOn, Has.Some.Contains("policy variable"));
    }

    [Test]
    public void Statement_may_be_a_single_object()
    {
        var iam = new IamBuilder().WithUser("u", [Inline("p",
            """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["codecommit:GitPull"],"Resource":["*"]}}""")]);

        AssertExact(Decide(iam, "u"), CidrSet.Everything);
    }

    [TestCase("""{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}""", "Effect is 'Permit'")]
    [TestCase("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}""", "exactly one of Action and NotAction")]
    [TestCase("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"not-an-ip"}}}]}""", "not an IP address")]
    [TestCase("""{"Version":"2012-10-18","Statement":[]}""", "Version '2012-10-18'")]
    [TestCase("""{"Version":"2012-10-17","Statment":[]}""", "unknown top-level element 'Statment'")]
    public void A_malformed_document_is_a_problem_naming_the_policy(string document, string expected)
    {
        var iam = new IamBuilder().WithUser("u", [Inline("broken", document)]);

        var (policies, problem) = EffectivePermissions.Resolve(iam.Build(), "u", "ap-northeast-1", "iam.json");
        if (problem is null) Assert.That(() => EffectivePermissions.Evaluate(policies!, CodeCommitActions.GitPull, Repo),
            Throws.TypeOf<PolicyFormatException>().With.Message.Contains("user u inline policy 'broken'").And.Message.Contains(expected));
        else
            Assert.That(problem, Has.Property(nameof(PolicyProblem.IsMalformed)).True
                .And.Property(nameof(PolicyProblem.Message)).Contains("user u inline policy 'broken'")
                .And.Property(nameof(PolicyProblem.Message)).Contains(expected));
    }

    [Test]
    public void A_url_encoded_document_is_read()
    {
        var encoded = Uri.EscapeDataString(Policy("Allow", "codecommit:GitPull", Repo));
        var iam = new IamBuilder().WithUser("u", [new IsolationChecks.Aws.Shapes.PolicyDetail("p", IamBuilder.Json($"\"{encoded}\""))]);

        AssertExact(Decide(iam, "u"), CidrSet.Everything);
    }

    [Test]
    public void Missing_group_or_managed_policy_is_a_gap_not_an_error()
    {
        var iam = new IamBuilder().WithUser("u", groups: ["ghost"]).WithUser("v", managed: ["absent"]);

        var (_, group) = EffectivePermissions.Resolve(iam.Build(), "u", "ap-northeast-1", null);
        var (_, managed) = EffectivePermissions.Resolve(iam.Build(), "v", "ap-northeast-1", null);
        var (_, nobody) = EffectivePermissions.Resolve(iam.Build(), "w", "ap-northeast-1", null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(group, Has.Property(nameof(PolicyProblem.IsMalformed)).False.And.Property(nameof(PolicyProblem.Message)).Contains("group ghost"));
            Assert.That(managed, Has.Property(nameof(PolicyProblem.IsMalformed)).False.And.Property(nameof(PolicyProblem.Message)).Contains("policy/absent"));
            Assert.That(nobody, Has.Property(nameof(PolicyProblem.Message)).Contains("neither a user nor a role"));
        }
    }
}
