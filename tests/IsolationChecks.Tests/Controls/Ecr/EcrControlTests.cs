using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Ecr.ECR1_RepositoryPolicyIsPrivate;
using IsolationChecks.Controls.Ecr.ECR2_ImmutableTags;
using IsolationChecks.Controls.Ecr.ECR3_ImageScanning;
using IsolationChecks.Controls.Ecr.ECR4_LifecyclePolicy;
using IsolationChecks.Controls.Ecr.ECR5_NoPublicRepositories;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.Ecr;

/// <summary>Hand-worked cases for the ECR controls on small in-memory snapshots.</summary>
public class EcrControlTests
{
    private static readonly EcrBuilder OneRepository = new EcrBuilder().WithRepository(EcrBuilder.Compliant("app"));

    private static Finding Single<TControl>(EcrBuilder environment, EcrPosture? posture = null) where TControl : IControl, new()
    {
        var findings = Evaluate.With<TControl>(environment.Context(posture));
        Assert.That(findings, Has.Count.EqualTo(1), () => string.Join("\n", findings.Select(f => $"{f.Status} {f.Message}")));
        return findings[0];
    }

    private static string Policy(string principal, string? condition = null, string sid = "Pull") =>
        $$"""{"Version":"2012-10-17","Statement":[{"Sid":"{{sid}}","Effect":"Allow","Principal":{{principal}},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]{{(condition is null ? "" : ",\"Condition\":" + condition)}}}]}""";

    private static EcrBuilder WithPolicy(string policy) => new EcrBuilder().WithRepository(EcrBuilder.Compliant("app"), policy);

    [Test]
    public void Every_ecr_control_passes_a_compliant_repository_without_a_policy()
    {
        var environment = OneRepository with { PublicRepositoriesJson = """{"repositories":[]}""" };
        using (Assert.EnterMultipleScope())
        {
            var ecr1 = Single<RepositoryPolicyIsPrivate>(environment);
            Assert.That(ecr1.Status, Is.EqualTo(Status.Pass));
            Assert.That(ecr1.Message, Does.Contain("has no repository policy"));
            Assert.That(ecr1.Evidence.Select(e => e.Fact), Has.Some.Contains("RepositoryPolicyNotFoundException"));
            Assert.That(ecr1.TestName, Is.EqualTo("ECR-1 app grants no public or foreign-account access"));
            Assert.That(Single<ImmutableTags>(environment).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<ImageScanning>(environment).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<LifecyclePolicySet>(environment).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<NoPublicRepositories>(environment).Status, Is.EqualTo(Status.Pass));
        }
    }

    [TestCase("\"*\"")]
    [TestCase("""{"AWS":"*"}""")]
    [TestCase("""{"AWS":["arn:aws:iam::222222222222:root","*"]}""")]
    public void ECR1_fails_a_grant_to_everyone_and_names_the_statement(string principal)
    {
        var finding = Single<RepositoryPolicyIsPrivate>(WithPolicy(Policy(principal, sid: "OpenPull")));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("Sid 'OpenPull'").And.Contain("to everyone").And.Contain("ecr:BatchGetImage"));
    }

    [TestCase("""{"StringEquals":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f60789"}}""")]
    [TestCase("""{"StringEquals":{"aws:SourceVpc":"vpc-0b0000000000000001"}}""")]
    [TestCase("""{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}""")]
    [TestCase("""{"StringEquals":{"aws:PrincipalAccount":["222222222222","333333333333"]}}""")]
    [TestCase("""{"ForAnyValue:StringLike":{"aws:SourceVpce":"vpce-0a1b*"}}""")]
    public void ECR1_passes_a_grant_to_everyone_narrowed_to_our_network_or_organisation(string condition)
    {
        var finding = Single<RepositoryPolicyIsPrivate>(WithPolicy(Policy("""{"AWS":"*"}""", condition)));

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
        Assert.That(finding.Evidence.Select(e => e.Fact), Has.Some.Contains("narrowed by"));
    }

    [TestCase("""{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f60789"}}""", "without a condition")]
    [TestCase("""{"StringNotEquals":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f60789"}}""", "without a condition")]
    [TestCase("""{"StringLike":{"aws:SourceVpce":"*"}}""", "without a condition")]
    [TestCase("""{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}""", "without a condition")]
    [TestCase("""{"StringEquals":{"aws:SourceIp":"203.0.113.0/24"}}""", "without a condition")]
    [TestCase("""{"StringEquals":{"aws:PrincipalAccount":"444444444444"}}""", "444444444444, which is not an allowed account")]
    public void ECR1_fails_conditions_that_do_not_narrow_to_our_network(string condition, string expected)
    {
        var finding = Single<RepositoryPolicyIsPrivate>(WithPolicy(Policy("\"*\"", condition)));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain(expected));
    }

    [TestCase("""{"AWS":"arn:aws:iam::444444444444:root"}""", Status.Fail, "444444444444, which is not an allowed account")]
    [TestCase("""{"AWS":"444444444444"}""", Status.Fail, "not an allowed account")]
    [TestCase("""{"AWS":"arn:aws:iam::333333333333:role/deployer"}""", Status.Pass, "only")]
    [TestCase("""{"AWS":"arn:aws:iam::222222222222:root"}""", Status.Pass, "only")]
    [TestCase("""{"Service":"codebuild.amazonaws.com"}""", Status.Pass, "only")]
    [TestCase("""{"AWS":"AIDAEXAMPLEDELETED"}""", Status.Inconclusive, "cannot be read")]
    public void ECR1_judges_named_principals_against_the_allowlist(string principal, Status expected, string message)
    {
        var finding = Single<RepositoryPolicyIsPrivate>(WithPolicy(Policy(principal)));

        Assert.That(finding.Status, Is.EqualTo(expected), finding.Message);
        Assert.That(finding.Message + string.Join(" ", finding.Evidence), Does.Contain(message));
    }

    [Test]
    public void ECR1_fails_not_principal_and_ignores_deny_statements()
    {
        var policy = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"DenyPush","Effect":"Deny","Principal":"*","Action":"ecr:PutImage"},
              {"Sid":"AllButOne","Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::222222222222:user/x"},"Action":"ecr:*"}]}
            """;

        var finding = Single<RepositoryPolicyIsPrivate>(WithPolicy(policy));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Does.Contain("Sid 'AllButOne'").And.Contain("NotPrincipal").And.Not.Contain("DenyPush"));
    }

    [Test]
    public void ECR1_reports_a_malformed_policy_as_an_error_naming_the_repository()
    {
        var finding = Single<RepositoryPolicyIsPrivate>(WithPolicy("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"someone","Action":"ecr:*"}]}"""));

        Assert.That(finding.Status, Is.EqualTo(Status.Error));
        Assert.That(finding.Message, Does.Contain("repository policy of app is malformed").And.Contain("Principal"));
    }

    [Test]
    public void ECR1_is_inconclusive_when_the_policy_was_not_collected()
    {
        var environment = OneRepository with
        {
            Policies = new()
            {
                ["app"] = Collected<Optional<RepositoryPolicy>>.Missing(new DataGap("ecr", "GetRepositoryPolicy", "not authorized", "AccessDeniedException", "ecr/get-repository-policy/app.json")),
            },
        };

        var finding = Single<RepositoryPolicyIsPrivate>(environment);

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("AccessDeniedException"));
    }

    [TestCase("MUTABLE", Status.Fail)]
    [TestCase("IMMUTABLE_WITH_EXCLUSION", Status.Fail)]
    public void ECR2_fails_mutable_tags(string mutability, Status expected)
    {
        var finding = Single<ImmutableTags>(new EcrBuilder().WithRepository(EcrBuilder.Compliant("app") with { ImageTagMutability = mutability }));

        Assert.That(finding.Status, Is.EqualTo(expected));
        Assert.That(finding.Message, Does.Contain("app"));
    }

    private static EcrBuilder Scanning(bool scanOnPush, string scanType, params RegistryScanningRule[] rules) =>
        new EcrBuilder().WithRepository(EcrBuilder.Compliant("team/app") with { ImageScanningConfiguration = new ImageScanningConfiguration(scanOnPush) }) with
        {
            Scanning = new RegistryScanningConfiguration(new ScanningConfiguration(scanType, rules), "222222222222"),
        };

    private static RegistryScanningRule Rule(string frequency, string filter) => new(frequency, [new ScanningRepositoryFilter(filter, "WILDCARD")]);

    [Test]
    public void ECR3_honours_the_registry_scanning_configuration()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Single<ImageScanning>(Scanning(false, "BASIC")).Status, Is.EqualTo(Status.Fail));
            Assert.That(Single<ImageScanning>(Scanning(true, "BASIC")).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<ImageScanning>(Scanning(false, "BASIC", Rule("SCAN_ON_PUSH", "team/*"))).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<ImageScanning>(Scanning(false, "ENHANCED", Rule("CONTINUOUS_SCAN", "*"))).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single<ImageScanning>(Scanning(false, "BASIC", Rule("SCAN_ON_PUSH", "other/*"))).Status, Is.EqualTo(Status.Fail));
            Assert.That(Single<ImageScanning>(Scanning(false, "ENHANCED", Rule("MANUAL", "*"))).Status, Is.EqualTo(Status.Fail));
            var enhanced = Single<ImageScanning>(Scanning(true, "ENHANCED", Rule("SCAN_ON_PUSH", "other/*")));
            Assert.That(enhanced.Status, Is.EqualTo(Status.Fail));
            Assert.That(enhanced.Message, Does.Contain("ENHANCED scanning, which ignores it"));
        }
    }

    [Test]
    public void ECR3_is_inconclusive_without_the_registry_configuration()
    {
        var environment = Scanning(true, "BASIC") with
        {
            ScanningGap = new DataGap("ecr", "GetRegistryScanningConfiguration", "denied", "AccessDeniedException", "ecr/get-registry-scanning-configuration.json"),
        };

        Assert.That(Single<ImageScanning>(environment).Status, Is.EqualTo(Status.Inconclusive));
    }

    [Test]
    public void ECR4_fails_a_repository_without_lifecycle_policy()
    {
        var finding = Single<LifecyclePolicySet>(new EcrBuilder().WithRepository(EcrBuilder.Compliant("base-images"), lifecycle: false));

        Assert.That(finding.Status, Is.EqualTo(Status.Fail));
        Assert.That(finding.Message, Is.EqualTo("base-images has no lifecycle policy"));
        Assert.That(finding.Evidence.Single().Fact, Does.Contain("LifecyclePolicyNotFoundException"));
    }

    [Test]
    public void ECR5_fails_each_public_repository_not_allowed_by_name()
    {
        var environment = OneRepository with
        {
            PublicRepositoriesJson = """
                {"repositories":[
                  {"repositoryArn":"arn:aws:ecr-public::222222222222:repository/leak","registryId":"222222222222","repositoryName":"leak","repositoryUri":"public.ecr.aws/x1y2z3/leak","createdAt":"2026-11-01T00:00:00Z"},
                  {"repositoryArn":"arn:aws:ecr-public::222222222222:repository/docs-site","registryId":"222222222222","repositoryName":"docs-site","repositoryUri":"public.ecr.aws/x1y2z3/docs-site"}]}
                """,
        };

        var findings = Evaluate.With<NoPublicRepositories>(environment.Context(new EcrPosture("prd", ["*"], PublicRepositoriesAllowed: ["docs-site"])));

        Assert.That(findings.Select(f => (f.Resource.Name, f.Status)), Is.EqualTo(new[] { ("leak", Status.Fail), ("docs-site", Status.Pass) }));
        Assert.That(findings[0].Message, Does.Contain("public.ecr.aws/x1y2z3/leak"));
    }

    [Test]
    public void ECR5_is_inconclusive_when_ecr_public_was_not_collected()
    {
        var finding = Single<NoPublicRepositories>(OneRepository);

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("ecr-public:DescribeRepositories"));
    }

    [Test]
    public void A_named_repository_that_is_absent_fails_and_no_ecr_scope_says_so()
    {
        var findings = Evaluate.With<ImmutableTags>(OneRepository.Context(new EcrPosture("prd", ["app", "base-images"])));
        var unscoped = Evaluate.With<LifecyclePolicySet>(new EvaluationContext(OneRepository.Context().Snapshot,
            new PostureDocument(1, "t", new Dictionary<string, AccountTarget>()), TimeProvider.System));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(findings.Select(f => (f.Resource.Name, f.Status)), Is.EquivalentTo(new[] { ("app", Status.Pass), ("base-images", Status.Fail) }));
            Assert.That(unscoped.Single().Status, Is.EqualTo(Status.Inconclusive));
        }
    }
}
