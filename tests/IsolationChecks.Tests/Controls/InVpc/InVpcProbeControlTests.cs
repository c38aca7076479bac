using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.InVpc.NET1_InternetUnreachable;
using IsolationChecks.Controls.InVpc.NET2_ServiceNamesResolvePrivately;
using IsolationChecks.Controls.InVpc.NET3_ServiceTlsSucceeds;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.InVpc;

/// <summary>NET-1..NET-3 on hand-made variants of the reference's probe record (probes/in-vpc.json).</summary>
public class InVpcProbeControlTests
{
    private const string Record = "probes/in-vpc.json";
    private const string Npm = "registry.npmjs.org:443";
    private const string Logs = "logs.ap-northeast-1.amazonaws.com";

    private static ReferenceVariant Probe(Action<JsonNode> edit) => ReferenceVariant.Load().Edit(Record, edit);

    private static Finding On(IEnumerable<Finding> findings, string resource) => findings.Single(f => f.Resource.Id == resource);

    [Test]
    public void The_reference_run_passes_every_target_and_says_where_it_ran()
    {
        var findings = ReferenceVariant.Load().Evaluate<InternetUnreachable>()
            .Concat(ReferenceVariant.Load().Evaluate<ServiceNamesResolvePrivately>())
            .Concat(ReferenceVariant.Load().Evaluate<ServiceTlsSucceeds>()).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(findings, Has.Count.EqualTo(3 + 6 + 6));
            Assert.That(findings.Where(f => f.Status != Status.Pass).Select(f => f.Message), Is.Empty);
            Assert.That(findings[0].Evidence.Select(e => e.Fact), Has.Some.Contains("in a build of the CodeBuild project app-build, which runs in build VPC vpc-0a4155ce1ac383e36"));
        }
    }

    [TestCase(false)]
    [TestCase(null)]
    public void Probes_disabled_or_undeclared_are_inconclusive_and_say_how_to_run_them(bool? enabled)
    {
        var variant = ReferenceVariant.Load().Edit("posture.json", p =>
        {
            if (enabled is null) p.AsObject().Remove("inVpcProbes");
            else p["inVpcProbes"]!["enabled"] = enabled.Value;
        });

        var finding = variant.Evaluate<InternetUnreachable>().Single();

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("inside the isolated build network"));
        Assert.That(finding.EffectiveRemediation, Does.Contain("inVpcProbes").And.Contain("does not change the audit gate"),
            "deselecting the tests no longer passes a gate judged over every finding");
    }

    [Test]
    public void Without_a_probe_record_every_target_is_inconclusive_naming_the_missing_run()
    {
        var findings = ReferenceVariant.Load().Delete(Record).Evaluate<ServiceTlsSucceeds>();

        Assert.That(findings.Select(f => f.Status).ToList(), Has.Count.EqualTo(6).And.All.EqualTo(Status.Inconclusive));
        Assert.That(findings.Select(f => f.Message), Is.All.Contain("probe:InVpcProbes was not collected"));
    }

    [Test]
    public void An_address_in_the_build_vpc_is_enough_without_a_codebuild_arn()
    {
        var findings = Probe(r => r["source"] = JsonNode.Parse("""{"hostName":"runner","addresses":["172.17.0.2","10.20.2.77"],"codeBuildBuildArn":null}""")).Evaluate<InternetUnreachable>();

        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Pass));
        Assert.That(findings[0].Evidence.Select(e => e.Fact), Has.Some.Contains("10.20.2.77 is in build VPC vpc-0a4155ce1ac383e36 (10.20.0.0/16)"));
    }

    [Test]
    public void A_build_of_a_project_that_the_account_does_not_list_outside_the_build_vpcs_is_not_inside()
    {
        var findings = Probe(r => r["source"] = JsonNode.Parse("""
            {"hostName":"runner","addresses":["172.31.5.9"],"codeBuildBuildArn":"arn:aws:codebuild:ap-northeast-1:222222222222:build/web-build:0f1e2d3c"}
            """)).Evaluate<InternetUnreachable>();

        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive));
        Assert.That(findings[0].Message, Does.Contain("172.31.5.9"));
    }

    [Test]
    public void A_build_of_a_judged_project_that_runs_outside_any_vpc_proves_nothing_about_the_build_network()
    {
        const string projects = "accounts/222222222222/ap-northeast-1/codebuild/batch-get-projects.json";
        var findings = Probe(r => r["source"] = JsonNode.Parse("""
                {"hostName":"codebuild","addresses":["172.31.5.9"],"codeBuildBuildArn":"arn:aws:codebuild:ap-northeast-1:222222222222:build/app-build:0f1e2d3c"}
                """))
            .Edit(projects, p => p["projects"]![0]!.AsObject().Remove("vpcConfig"))
            .Evaluate<InternetUnreachable>();

        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive));
        Assert.That(findings[0].Message, Does.Contain("not a build of a judged CodeBuild project that runs in a build VPC"));
    }

    [TestCase("refused", Status.Inconclusive, "a TCP reset came back")]
    [TestCase("unreachable", Status.Pass, "no connection to registry.npmjs.org:443 (unreachable")]
    [TestCase("name-not-resolved", Status.Pass, "the name does not resolve from inside")]
    [TestCase("error", Status.Inconclusive, "the probe failed")]
    [TestCase("resolver-failed", Status.Inconclusive, "the resolver did not answer")]
    public void Each_way_a_canary_connection_ends_has_its_verdict(string outcome, Status expected, string message)
    {
        var finding = On(Probe(r => r["canaries"]![1]!["outcome"] = outcome).Evaluate<InternetUnreachable>(), Npm);

        Assert.That(finding.Status, Is.EqualTo(expected));
        Assert.That(finding.Message, Does.Contain(message));
    }

    [TestCase("""{"outcome":"not-found","addresses":[],"detail":"NXDOMAIN"}""", Status.Fail, Status.Fail, "does not resolve from inside")]
    [TestCase("""{"outcome":"failed","addresses":[],"detail":"no answer within 5 s"}""", Status.Inconclusive, Status.Inconclusive, "the resolver did not answer")]
    [TestCase("""{"outcome":"resolved","addresses":["10.20.1.25","2406:da14:1:2::25"],"detail":null}""", Status.Fail, Status.Pass, "2406:da14:1:2::25")]
    [TestCase("""{"outcome":"resolved","addresses":["172.16.0.9","192.168.3.3"],"detail":null}""", Status.Pass, Status.Pass, "all private (RFC 1918)")]
    public void Name_resolution_decides_NET2_and_what_NET3_can_try(string resolution, Status net2, Status net3, string message)
    {
        var variant = Probe(r =>
        {
            r["serviceHosts"]![2]!["resolution"] = JsonNode.Parse(resolution);
            if (!resolution.Contains("\"resolved\"", StringComparison.Ordinal))
                r["serviceHosts"]![2]!["tls"] = JsonNode.Parse("""{"outcome":"not-attempted","address":null,"protocol":null,"certificateSubject":null,"detail":"no address to connect to","elapsedMs":0}""");
        });

        var resolved = On(variant.Evaluate<ServiceNamesResolvePrivately>(), Logs);
        var tls = On(variant.Evaluate<ServiceTlsSucceeds>(), Logs);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resolved.Status, Is.EqualTo(net2), resolved.Message);
            Assert.That(resolved.Message, Does.Contain(message));
            Assert.That(tls.Status, Is.EqualTo(net3), tls.Message);
        }
    }

    [Test]
    public void A_declared_host_the_record_does_not_cover_is_inconclusive()
    {
        var variant = ReferenceVariant.Load().Edit("posture.json", p => p["inVpcProbes"]!["serviceHosts"]!.AsArray().Add("ssm.ap-northeast-1.amazonaws.com"));

        var finding = On(variant.Evaluate<ServiceTlsSucceeds>(), "ssm.ap-northeast-1.amazonaws.com");

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("the probe record has no probe of it"));
    }
}
