using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using IsolationChecks.Posture;

namespace IsolationChecks.Tests.Posture;

/// <summary>
/// What the loader builds from a valid posture, and the semantic rules it adds to the schema. Malformed and
/// structurally wrong postures, one per mistake a user makes, are the bad-input corpus (BadInput/Cases).
/// </summary>
public sealed class PostureLoaderTests
{
    private const string File = "environments/prd/posture.json";

    private static PostureDocument Load(JsonNode posture) => PostureLoader.Parse(PostureSamples.Bytes(posture), File);

    private static InputException Rejects(JsonNode posture) =>
        Assert.Throws<InputException>(() => PostureLoader.Parse(PostureSamples.Bytes(posture), File))!;

    [Test]
    public void The_complete_sample_loads_into_the_model()
    {
        var posture = PostureLoader.Parse(Encoding.UTF8.GetBytes(PostureSamples.Complete), File);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(posture.Version, Is.EqualTo(1));
            Assert.That(posture.Account("prd"), Is.EqualTo(new AccountTarget("222222222222", "ap-northeast-1", null, "arn:aws:iam::222222222222:role/isolation-audit")));
            Assert.That(posture.ExcludedControls, Is.EqualTo(new[] { new ControlExclusion("NET-1", "runs on a CI runner outside the build network") }));
            Assert.That(posture.Build!.Projects, Is.EqualTo(new[] { "app-build", "image-build" }));
            Assert.That(posture.Build.Exclude, Is.EqualTo(new[] { new ResourceExclusion("legacy-build", "retired in Q3") }));
            Assert.That(posture.Build.Judges("legacy-build"), Is.False);
            Assert.That(posture.Build.Judges("some-new-build"), Is.True, "every project is judged unless excluded");
            Assert.That(posture.Build.EffectiveRequiredEndpoints, Is.EqualTo(new[] { "ecr.api", "ecr.dkr", "s3", "logs", "sts", "codeartifact.api" }));
            Assert.That(posture.NatGateways, Is.EqualTo(new[] { new NatGatewayRef("nat-0123456789abcdef0", "dev") }));
            Assert.That(posture.Ecr!.Exclude, Is.EqualTo(new[] { new ResourceExclusion("sandbox/scratch", "personal experiments, deleted nightly") }));
            Assert.That(posture.GitLab!.Hosts[1].Tag, Is.EqualTo(new TagFilter("Role", "gitlab")));
            Assert.That(posture.GitLab.Hosts[3].EcsService, Is.EqualTo(new EcsServiceRef("gitlab", "gitlab-web")));
            Assert.That(posture.GitLab.AllowedCidrs, Is.EqualTo(new[]
            {
                new SourceCidr("203.0.113.0/28"), new SourceCidr("2001:db8:1234::/48"), new SourceCidr("198.18.0.0/15", "partner test network until 2027"),
            }));
            Assert.That(posture.CodeCommit!.IsolatedSourceCidrs, Is.EqualTo(new[] { new SourceCidr("198.51.100.10/32") }));
            Assert.That(posture.GitProbe!.Credentials, Is.EqualTo(new GitCredentialsRef("PULL_USER", "PULL_PASSWORD")));
            Assert.That(posture.GitProbe.TimeoutSeconds, Is.EqualTo(30));
            Assert.That(posture.Connections!.Exclude, Is.EqualTo(new[] { new ResourceExclusion("github-old", "GitHub Enterprise host, retired") }));
            Assert.That(posture.InVpcProbes!.Enabled, Is.False);
            Assert.That(posture.Waivers![0].Expires, Is.EqualTo(new DateOnly(2027, 1, 31)));
        }
    }

    [Test]
    public void A_wide_entry_with_a_reason_shows_the_reason_wherever_it_is_printed()
    {
        var posture = PostureLoader.Parse(Encoding.UTF8.GetBytes(PostureSamples.Complete), File);

        Assert.That(posture.GitLab!.AllowedCidrs![2].ToString(), Is.EqualTo("198.18.0.0/15 (wide on purpose: partner test network until 2027)"));
    }

    [TestCase("com.amazonaws.ap-northeast-1.ecr.api", "ecr.api")]
    [TestCase("ecr.api", "ecr.api")]
    [TestCase("com.amazonaws.ap-northeast-1.s3", "s3")]
    public void Endpoint_services_are_normalised_once_to_short_names(string written, string stored)
    {
        var posture = PostureSamples.CompleteNode();
        posture["build"]!["requiredEndpoints"] = new JsonArray(written);

        var services = Load(posture).Build!.EffectiveRequiredEndpoints;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(services, Is.EqualTo(new[] { stored }));
            Assert.That(EndpointServices.FullName("ap-northeast-1", services[0]), Is.EqualTo($"com.amazonaws.ap-northeast-1.{stored}"), "the prefix is added once");
        }
    }

    [Test]
    public void Every_known_endpoint_service_is_accepted_and_the_list_has_no_repeats()
    {
        var posture = PostureSamples.CompleteNode();
        posture["build"]!["requiredEndpoints"] = new JsonArray(EndpointServices.Known.Select(n => (JsonNode?)n).ToArray());

        Assert.That(Load(posture).Build!.EffectiveRequiredEndpoints, Is.EqualTo(EndpointServices.Known));
    }

    [Test]
    public void Optional_sections_may_be_left_out()
    {
        var text = """{ "version": 1, "name": "min", "accounts": { "prd": { "accountId": "222222222222", "region": "us-east-1" } } }""";

        var posture = PostureLoader.Parse(Encoding.UTF8.GetBytes(text), File);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(posture.Build, Is.Null);
            Assert.That(posture.Waivers, Is.Null);
            Assert.That(posture.ExcludedControls, Is.Null);
            Assert.That(posture.Accounts.Keys, Is.EqualTo(new[] { "prd" }));
        }
    }

    [Test]
    public void A_utf8_byte_order_mark_is_accepted()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(PostureSamples.Complete)).ToArray();

        Assert.That(PostureLoader.Parse(bytes, File).Name, Is.EqualTo("private-cicd"));
    }

    [Test]
    public void Git_credentials_may_name_an_aws_profile_instead_of_environment_variables()
    {
        var posture = PostureSamples.CompleteNode();
        posture["gitProbe"]!["credentials"] = new JsonObject { ["awsProfile"] = "isolated-pull" };

        Assert.That(Load(posture).GitProbe!.Credentials, Is.EqualTo(new GitCredentialsRef(AwsProfile: "isolated-pull")));
    }

    [TestCase("10.20.0.0/16")]
    [TestCase("2001:db8:1234::/48")]
    [TestCase("198.51.100.7/32")]
    [TestCase("2001:DB8::1/128")]
    [TestCase("::ffff:198.51.100.7/128")]
    public void Narrow_cidrs_are_accepted_without_a_reason(string cidr)
    {
        var posture = PostureSamples.CompleteNode();
        posture["codeCommit"]!["isolatedSourceCidrs"]![0] = cidr;

        Assert.That(Load(posture).CodeCommit!.IsolatedSourceCidrs[0], Is.EqualTo(new SourceCidr(cidr)));
    }

    [Test]
    public void The_semantic_errors_carry_line_and_column_too()
    {
        var posture = PostureSamples.CompleteNode();
        posture["build"]!["account"] = "staging";

        var error = Rejects(posture);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.File, Is.EqualTo(File));
            Assert.That(error.Field, Is.EqualTo("$.build.account"));
            Assert.That(error.Expected, Is.EqualTo("the name of an account declared under $.accounts (dev, prd)"));
            Assert.That(error.Actual, Is.EqualTo("\"staging\""));
            Assert.That(error.Position, Is.Not.Null);
        }
    }

    /// <summary>Any list that admits the whole internet is rejected, whatever reasons it gives and however it is split.</summary>
    [Test]
    public void An_allowlist_covering_the_internet_is_never_accepted_even_with_reasons()
    {
        Gen.Int[1, 8].Select(Gen.Bool, Gen.Bool).Sample((prefix, ipv6, reasons) =>
        {
            // The whole space of one family, split into 2^prefix blocks, each with a reason when asked.
            var blocks = Enumerable.Range(0, 1 << prefix).Select(i => ipv6
                ? $"{(i << (16 - prefix)):x}::/{prefix}"
                : $"{(i << (8 - prefix)) & 0xFF}.0.0.0/{prefix}");
            var posture = PostureSamples.CompleteNode();
            posture["gitLab"]!["allowedCidrs"] = new JsonArray(blocks.Select(b => reasons
                ? (JsonNode)new JsonObject { ["cidr"] = b, ["reason"] = "every office" }
                : JsonValue.Create(b)).ToArray());
            try
            {
                Load(posture);
                return false;
            }
            catch (InputException e)
            {
                return e.Field.StartsWith("$.gitLab.allowedCidrs", StringComparison.Ordinal);
            }
        }, iter: 60);
    }

    /// <summary>Disjoint plain blocks of /16 or narrower are accepted exactly when together they hold at most 65,536 addresses.</summary>
    [Test]
    public void Plain_entries_are_limited_together_to_one_ipv4_slash_16()
    {
        Gen.Int[16, 24].Array[1, 6].Sample(prefixes =>
        {
            // Disjoint blocks: block i starts at 10.i.0.0.
            var blocks = prefixes.Select((p, i) => $"10.{i}.0.0/{p}").ToArray();
            var total = prefixes.Sum(p => 1L << (32 - p));
            var posture = PostureSamples.CompleteNode();
            posture["codeCommit"]!["isolatedSourceCidrs"] = new JsonArray(blocks.Select(b => (JsonNode?)b).ToArray());
            try
            {
                Load(posture);
                return total <= 65536;
            }
            catch (InputException e)
            {
                return total > 65536 && e.Field == "$.codeCommit.isolatedSourceCidrs";
            }
        }, iter: 200);
    }

    [Test]
    public async Task LoadAsync_names_the_path_it_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"posture-{Guid.NewGuid():N}.json");
        await System.IO.File.WriteAllTextAsync(path, """{ "version": 3 }""");
        try
        {
            var error = await Assert.ThrowsAsync<InputException>(() => PostureLoader.LoadAsync(path, CancellationToken.None));
            Assert.That(error?.File, Is.EqualTo(path));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
