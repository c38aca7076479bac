using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Iam.IAM1_PullPrincipalCannotWrite;
using IsolationChecks.Controls.Iam.IAM2_PullOnlyFromIsolatedCidrs;
using IsolationChecks.Controls.Iam.IAM3_PushOnlyFromNatGateways;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Tests.Support;
using static IsolationChecks.Tests.Support.IamBuilder;
using static IsolationChecks.Tests.Support.OneWayFlowBuilder;

namespace IsolationChecks.Tests.Controls.Iam;

/// <summary>Hand-worked cases for IAM-1..IAM-3 on the one-way Git flow, two accounts in memory.</summary>
public class IamControlTests
{
    private static readonly OneWayFlowBuilder Compliant = new();

    private static Finding Single<TControl>(OneWayFlowBuilder environment) where TControl : IControl, new()
    {
        var findings = Evaluate.With<TControl>(environment.Context());
        Assert.That(findings, Has.Count.EqualTo(1), () => string.Join("\n", findings.Select(f => $"{f.Status} {f.Message}")));
        return findings[0];
    }

    private static OneWayFlowBuilder WithPullUser(Func<IamBuilder, IamBuilder> extra, IEnumerable<PolicyDetail>? inline = null,
        IEnumerable<string>? groups = null, IEnumerable<string>? managed = null, string? boundary = null) => Compliant with
    {
        Iam = extra(new IamBuilder(Prd)
            .WithUser("gitlab-mirror-push", [Inline("mirror-push", PushPolicy())])
            .WithUser("isolated-pull", inline ?? [Inline("isolated-pull", PullPolicy())], groups, managed, boundary)),
    };

    private static OneWayFlowBuilder WithPushUser(string policy) => Compliant with
    {
        Iam = new IamBuilder(Prd)
            .WithUser("gitlab-mirror-push", [Inline("mirror-push", policy)])
            .WithUser("isolated-pull", [Inline("isolated-pull", PullPolicy())]),
    };

    [Test]
    public void Every_iam_control_passes_the_compliant_one_way_flow()
    {
        using (Assert.EnterMultipleScope())
        {
            var iam1 = Single<PullPrincipalCannotWrite>(Compliant);
            Assert.That(iam1.Status, Is.EqualTo(Status.Pass), iam1.Message);
            Assert.That(iam1.TestName, Is.EqualTo("IAM-1 isolated-pull on app cannot write to the mirrored repository"));
            Assert.That(iam1.Resource.Id, Is.EqualTo("arn:aws:iam::222222222222:user/isolated-pull"));
            var iam2 = Single<PullOnlyFromIsolatedCidrs>(Compliant);
            Assert.That(iam2.Status, Is.EqualTo(Status.Pass), iam2.Message);
            Assert.That(iam2.Message, Does.Contain("exactly from the isolated source CIDRs [192.0.2.0/28]"));
            var iam3 = Single<PushOnlyFromNatGateways>(Compliant);
            Assert.That(iam3.Status, Is.EqualTo(Status.Pass), iam3.Message);
            Assert.That(iam3.Evidence.Select(e => e.ToString()), Has.Some.Contains("nat-0d0000000000000001: state available, public IP(s) 198.51.100.20 [accounts/111111111111/ap-northeast-1/NatGateways.json]"));
        }
    }

    [Test]
    public void IAM1_fails_a_pull_user_that_can_push_through_a_group()
    {
        var environment = WithPullUser(iam => iam.WithGroup("developers", [Inline("dev-write",
            Policy("Allow", "codecommit:GitPush", "arn:aws:codecommit:*:222222222222:*", sid: "DevelopersPush"))]), groups: ["developers"]);

        var finding = Single<PullPrincipalCannotWrite>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("pull principal isolated-pull can write to app: codecommit:GitPush from any address (e.g. 1.0.0.0), " +
                                                  "granted by group developers inline policy 'dev-write' Sid 'DevelopersPush'"));
    }

    [Test]
    public void IAM1_fails_a_pull_user_that_can_push_through_an_attached_managed_policy()
    {
        var environment = WithPullUser(iam => iam.WithManaged("CodeCommitPowerUser", Policy("Allow", "codecommit:*", "*", sid: "PowerUser")),
            managed: ["CodeCommitPowerUser"]);

        var finding = Single<PullPrincipalCannotWrite>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("managed policy arn:aws:iam::222222222222:policy/CodeCommitPowerUser (attached to user isolated-pull), version v2 Sid 'PowerUser'")
            .And.Contain("codecommit:GitPush").And.Contain("more write action(s)"));
    }

    [Test]
    public void IAM1_fails_a_pull_user_whose_notaction_allow_grants_writes()
    {
        var environment = WithPullUser(iam => iam, inline: [Inline("pull", $$$$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"EverythingButAdmin","Effect":"Allow","NotAction":["codecommit:DeleteRepository","iam:*"],
              "Resource":"{{{{RepoArn}}}}","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/28"}}}]}
            """)]);

        var finding = Single<PullPrincipalCannotWrite>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Is.EqualTo("pull principal isolated-pull can write to app: codecommit:GitPush, codecommit:AssociateApprovalRuleTemplateWithRepository, " +
            "codecommit:BatchAssociateApprovalRuleTemplateWithRepositories, codecommit:BatchDisassociateApprovalRuleTemplateFromRepositories, " +
            "codecommit:CancelUploadArchive and 38 more write action(s) from 192.0.2.0 (allowed from 192.0.2.0/28), " +
            "granted by user isolated-pull inline policy 'pull' Sid 'EverythingButAdmin'"));
    }

    [Test]
    public void IAM1_passes_when_an_explicit_deny_covers_the_write_a_group_allows()
    {
        var environment = WithPullUser(iam => iam.WithGroup("developers", [Inline("dev", Policy("Allow", "codecommit:*", "*"))]),
            inline: [Inline("isolated-pull", PullPolicy()), Inline("guard", """
                {"Version":"2012-10-17","Statement":[{"Sid":"ReadOnly","Effect":"Deny",
                  "NotAction":["codecommit:GitPull","codecommit:Get*","codecommit:List*","codecommit:Describe*","codecommit:BatchGet*","codecommit:BatchDescribe*","codecommit:EvaluatePullRequestApprovalRules"],"Resource":"*"}]}
                """)], groups: ["developers"]);

        Assert.That(Single<PullPrincipalCannotWrite>(environment).Status, Is.EqualTo(Status.Pass));
    }

    [Test]
    public void IAM1_passes_when_an_unknown_condition_only_narrows_an_allow_that_grants_no_write()
    {
        var environment = WithPullUser(iam => iam, inline: [Inline("pull", PullPolicy("""{"IpAddress":{"aws:SourceIp":"192.0.2.0/28"},"Bool":{"aws:SecureTransport":"true"}}"""))]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Single<PullPrincipalCannotWrite>(environment).Status, Is.EqualTo(Status.Pass));
            var iam2 = Single<PullOnlyFromIsolatedCidrs>(environment);
            Assert.That(iam2.Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(iam2.Message, Does.Contain("depends on aws:SecureTransport"));
        }
    }

    [Test]
    public void IAM1_is_inconclusive_when_a_write_grant_depends_on_an_unknown_key()
    {
        var environment = WithPullUser(iam => iam.WithGroup("ops", [Inline("mfa-write",
            Policy("Allow", "codecommit:GitPush", "*", """{"Bool":{"aws:MultiFactorAuthPresent":"true"}}""", "WriteWithMfa"))]), groups: ["ops"]);

        var finding = Single<PullPrincipalCannotWrite>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("aws:MultiFactorAuthPresent").And.Contain("Sid 'WriteWithMfa'"));
    }

    [Test]
    public void IAM2_fails_a_pull_user_without_source_address_condition_and_names_an_address_that_gets_through()
    {
        var environment = WithPullUser(iam => iam, inline: [Inline("isolated-pull", $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"PullFromIsolatedRoom","Effect":"Allow","Action":"codecommit:GitPull","Resource":"{{RepoArn}}"}]}
            """)]);

        var finding = Single<PullOnlyFromIsolatedCidrs>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Is.EqualTo("isolated-pull can codecommit:GitPull on app from 1.0.0.0, which is outside the isolated source CIDRs [192.0.2.0/28] (allowed from every address): " +
                                                "granted by user isolated-pull inline policy 'isolated-pull' Sid 'PullFromIsolatedRoom'"));
    }

    [Test]
    public void IAM2_fails_an_address_of_the_isolated_room_that_is_wrongly_refused()
    {
        var environment = WithPullUser(iam => iam, inline: [Inline("isolated-pull", PullPolicy("""{"IpAddress":{"aws:SourceIp":["192.0.2.0/29","2001:db8:10::/48"]}}"""))]);

        var finding = Single<PullOnlyFromIsolatedCidrs>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.StartWith("isolated-pull can codecommit:GitPull on app from 2001:db8:10::"));
        Assert.That(finding.Message, Does.Contain("isolated-pull is refused codecommit:GitPull on app from 192.0.2.8, which is in the isolated source CIDRs [192.0.2.0/28]: no identity policy statement allows it"));
    }

    [Test]
    public void IAM2_counts_a_deny_with_not_ip_address_exactly()
    {
        var environment = WithPullUser(iam => iam, inline: [Inline("isolated-pull", $$$$"""
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Pull","Effect":"Allow","Action":"codecommit:GitPull","Resource":"{{{{RepoArn}}}}"},
              {"Sid":"OnlyFromRoom","Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/29","192.0.2.8/29"]}}}]}
            """)]);

        Assert.That(Single<PullOnlyFromIsolatedCidrs>(environment).Status, Is.EqualTo(Status.Pass));
    }

    [Test]
    public void IAM3_fails_a_push_user_that_works_from_any_address()
    {
        var finding = Single<PushOnlyFromNatGateways>(WithPushUser(
            """{"Version":"2012-10-17","Statement":[{"Sid":"Mirror","Effect":"Allow","Action":"codecommit:Git*","Resource":"*"}]}"""));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("gitlab-mirror-push can codecommit:GitPush on app from 1.0.0.0, which is outside the public IPs of the declared NAT gateways [nat-0d0000000000000001: 198.51.100.20] (allowed from every address): granted by user gitlab-mirror-push inline policy 'mirror-push' Sid 'Mirror'"));
    }

    [Test]
    public void IAM3_fails_a_push_user_whose_if_exists_condition_lets_vpc_endpoint_requests_through()
    {
        var finding = Single<PushOnlyFromNatGateways>(WithPushUser(PushPolicy("""{"IpAddressIfExists":{"aws:SourceIp":"198.51.100.20/32"}}""")));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Is.EqualTo("gitlab-mirror-push can codecommit:GitPush on app through a VPC endpoint (a request that carries no aws:SourceIp), " +
                                                "which is outside the public IPs of the declared NAT gateways [nat-0d0000000000000001: 198.51.100.20]: " +
                                                "granted by user gitlab-mirror-push inline policy 'mirror-push' Sid 'MirrorFromGitLab'"));
    }

    [Test]
    public void IAM1_fails_a_write_allowed_only_to_requests_without_source_ip()
    {
        var environment = WithPullUser(iam => iam, inline: [Inline("isolated-pull", PullPolicy()),
            Inline("endpoint-push", Policy("Allow", "codecommit:GitPush", "*", """{"Null":{"aws:SourceIp":"true"}}""", "PushThroughEndpoint"))]);

        var finding = Single<PullPrincipalCannotWrite>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Is.EqualTo("pull principal isolated-pull can write to app: codecommit:GitPush through a VPC endpoint " +
                                                "(a request that carries no aws:SourceIp), granted by user isolated-pull inline policy 'endpoint-push' Sid 'PushThroughEndpoint'"));
    }

    [Test]
    public void IAM3_fails_a_replaced_nat_gateway_with_both_addresses()
    {
        var environment = Compliant with
        {
            NatGateways = [new(NatId, "vpc-0d0000000000000001", "subnet-0d0000000000000001", "available",
                [new NatGatewayAddress("eipalloc-0d02", "eni-0d02", "10.10.0.11", "198.51.100.77", true, "succeeded")], "public")],
        };

        var finding = Single<PushOnlyFromNatGateways>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Is.EqualTo(
            "gitlab-mirror-push can codecommit:GitPush on app from 198.51.100.20, which is outside the public IPs of the declared NAT gateways [nat-0d0000000000000001: 198.51.100.77] " +
            "(allowed outside it from 198.51.100.20/32): " +
            "granted by user gitlab-mirror-push inline policy 'mirror-push' Sid 'MirrorFromGitLab'; and gitlab-mirror-push is refused codecommit:GitPush on app from 198.51.100.77 " +
            "(the public IP of nat-0d0000000000000001), which is in the public IPs of the declared NAT gateways [nat-0d0000000000000001: 198.51.100.77]: no identity policy statement allows it (implicit deny)"));
    }

    [Test]
    public void IAM3_fails_when_the_declared_nat_gateway_is_gone_naming_its_successor()
    {
        var environment = Compliant with
        {
            NatGateways = [new("nat-0d0000000000000002", "vpc-0d0000000000000001", "subnet-0d0000000000000001", "available",
                [new NatGatewayAddress("eipalloc-0d02", "eni-0d02", "10.10.0.11", "198.51.100.77", true, "succeeded")], "public")],
        };

        var finding = Single<PushOnlyFromNatGateways>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("declared NAT gateway nat-0d0000000000000001 in account 111111111111 (dev) is not in the account's NAT gateway listing")
            .And.Contain("nat-0d0000000000000002 (198.51.100.77)").And.Contain("from 198.51.100.20/32"));
    }

    [Test]
    public void IAM3_is_inconclusive_when_the_dev_nat_gateways_were_not_collected()
    {
        var environment = Compliant with { DeclaredNats = [new(NatId, "dev")] };
        var context = environment.Context();
        var dev = context.Snapshot.Scopes[1];
        var gap = new DataGap("ec2", "DescribeNatGateways", "denied", "UnauthorizedOperation", "accounts/111111111111/ap-northeast-1/NatGateways.json");
        context = context with
        {
            Snapshot = context.Snapshot with
            {
                Scopes = [context.Snapshot.Scopes[0], dev with { Ec2 = dev.Ec2 with { NatGateways = Collected<IReadOnlyList<NatGateway>>.Missing(gap) } }],
            },
        };

        var finding = Evaluate.With<PushOnlyFromNatGateways>(context).Single();

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("DescribeNatGateways failed with UnauthorizedOperation"));
    }

    [Test]
    public void A_malformed_policy_is_an_error_naming_the_policy_and_missing_iam_data_is_inconclusive()
    {
        var malformed = WithPullUser(iam => iam, inline: [Inline("broken", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"codecommit:GitPull"}]}""")]);
        var notCollected = Compliant with
        {
            IamGap = new DataGap("iam", "GetAccountAuthorizationDetails", "not authorized", "AccessDenied", "accounts/222222222222/ap-northeast-1/iam/get-account-authorization-details.json"),
        };

        using (Assert.EnterMultipleScope())
        {
            var error = Single<PullOnlyFromIsolatedCidrs>(malformed);
            Assert.That(error.Status, Is.EqualTo(Status.Error));
            Assert.That(error.Message, Does.Contain("user isolated-pull inline policy 'broken'").And.Contain("neither Resource nor NotResource"));
            Assert.That(Single<PullPrincipalCannotWrite>(notCollected).Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(Single<PushOnlyFromNatGateways>(notCollected).Message, Does.Contain("AccessDenied"));
        }
    }

    [Test]
    public void Each_mirrored_repository_is_judged_with_its_own_resource_id()
    {
        var environment = Compliant with { CodeCommit = Compliant.CodeCommit with { MirroredRepositories = ["app", "infra"] } };

        var findings = Evaluate.With<PullOnlyFromIsolatedCidrs>(environment.Context());

        Assert.That(findings.Select(f => (f.Resource.Id, f.Resource.Name, f.Status)), Is.EqualTo(new[]
        {
            ("arn:aws:iam::222222222222:user/isolated-pull#app", "isolated-pull on app", Status.Pass),
            ("arn:aws:iam::222222222222:user/isolated-pull#infra", "isolated-pull on infra", Status.Fail),
        }));
    }

    [Test]
    public void A_declared_principal_that_does_not_exist_is_inconclusive()
    {
        var environment = Compliant with { CodeCommit = Compliant.CodeCommit with { PullPrincipals = ["isolated-pull", "ghost"] } };

        var findings = Evaluate.With<PullOnlyFromIsolatedCidrs>(environment.Context());

        Assert.That(findings.Select(f => (f.Resource.Name, f.Status)),
            Is.EqualTo(new[] { ("isolated-pull on app", Status.Pass), ("ghost on app", Status.Inconclusive) }));
    }
}
