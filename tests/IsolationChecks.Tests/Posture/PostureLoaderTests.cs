using NUnit.Framework;
using System.Text;
using System.Text.Json.Nodes;
using IsolationChecks.Posture;

namespace IsolationChecks.Tests.Posture;

public sealed class PostureLoaderTests
{
    private const string File = "environments/prd/posture.json";

    private const string RootMembers =
        "only the members $schema, version, name, accounts, build, natGateways, ecr, gitLab, codeCommit, gitProbe, connections, inVpcProbes, waivers";

    private const string Cidr = "an IPv4 or IPv6 CIDR block such as 10.0.0.0/16 or 2001:db8::/32";

    public sealed record BadPosture(string Name, Action<JsonObject> Mutate, string Field, string Expected, string? Actual = null)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<BadPosture> BadPostures()
    {
        yield return new("unknown key at the root", p => p["extra"] = 1, "$.extra", RootMembers, "unknown member \"extra\"");
        yield return new("unknown key nested in build", p => p["build"]!["project"] = "x", "$.build.project",
            "only the members account, projects, vpcs, privilegedModeAllowed, approvedEgress, requiredEndpoints", "unknown member \"project\"");
        yield return new("unknown key in a host selector's tag", p => p["gitLab"]!["hosts"]![1]!["tag"]!["Value"] = "x",
            "$.gitLab.hosts[1].tag.Value", "only the members key, value", "unknown member \"Value\"");
        yield return new("wrong type: enabled as a string", p => p["inVpcProbes"]!["enabled"] = "yes", "$.inVpcProbes.enabled", "true or false", "\"yes\"");
        yield return new("wrong type: projects as a string", p => p["build"]!["projects"] = "app-build", "$.build.projects",
            "an array with at least one item", "\"app-build\"");
        yield return new("wrong type: accounts as an array", p => p["accounts"] = new JsonArray(), "$.accounts",
            "an object mapping account names to {accountId, region}", "an array");
        yield return new("missing required member", p => p.Remove("name"), "$.name", "a non-empty string naming the environment", "absent");
        yield return new("bad IPv4 CIDR", p => p["codeCommit"]!["isolatedSourceCidrs"]![0] = "10.0.0.300/32",
            "$.codeCommit.isolatedSourceCidrs[0]", Cidr, "\"10.0.0.300/32\"");
        yield return new("IPv4 address without a prefix length", p => p["codeCommit"]!["isolatedSourceCidrs"]![0] = "198.51.100.10",
            "$.codeCommit.isolatedSourceCidrs[0]", Cidr);
        yield return new("bad IPv6 CIDR", p => p["gitLab"]!["allowedCidrs"]![1] = "2001:db8::g/32", "$.gitLab.allowedCidrs[1]", Cidr);
        yield return new("IPv6 prefix too long", p => p["gitLab"]!["allowedCidrs"]![1] = "2001:db8::/129", "$.gitLab.allowedCidrs[1]", Cidr);
        yield return new("IPv4 host bits set", p => p["codeCommit"]!["isolatedSourceCidrs"]![0] = "10.1.2.3/16",
            "$.codeCommit.isolatedSourceCidrs[0]", "the network address 10.1.0.0/16 (host bits must be zero)", "\"10.1.2.3/16\"");
        yield return new("IPv6 host bits set", p => p["gitLab"]!["allowedCidrs"]![1] = "2001:db8:1234::1/48",
            "$.gitLab.allowedCidrs[1]", "the network address 2001:db8:1234::/48 (host bits must be zero)");
        yield return new("account id with 11 digits", p => p["accounts"]!["prd"]!["accountId"] = "22222222222",
            "$.accounts.prd.accountId", "a 12-digit AWS account id", "\"22222222222\"");
        yield return new("account id as a number", p => p["accounts"]!["dev"]!["accountId"] = 111111111111,
            "$.accounts.dev.accountId", "a 12-digit AWS account id", "111111111111");
        yield return new("bad region", p => p["accounts"]!["dev"]!["region"] = "tokyo", "$.accounts.dev.region", "an AWS region such as ap-northeast-1");
        yield return new("bad VPC id", p => p["build"]!["vpcs"]![0] = "vpc-123", "$.build.vpcs[0]",
            "a VPC id: vpc- followed by 8 or 17 lowercase hex digits", "\"vpc-123\"");
        yield return new("bad NAT gateway id", p => p["natGateways"]![0]!["id"] = "nat-XYZ", "$.natGateways[0].id",
            "a NAT gateway id: nat- followed by 8 or 17 lowercase hex digits");
        yield return new("bad principal ARN (a policy)", p => p["codeCommit"]!["pullPrincipals"]![1] = "arn:aws:iam::222222222222:policy/x",
            "$.codeCommit.pullPrincipals[1]", "an IAM user, role or group ARN such as arn:aws:iam::111111111111:user/name");
        yield return new("bad connection host ARN", p => p["connections"]!["hosts"]![0] = "arn:aws:codeconnections:ap-northeast-1:222222222222:connection/x",
            "$.connections.hosts[0]", "a CodeConnections host ARN such as arn:aws:codeconnections:ap-northeast-1:111111111111:host/gitlab-0123abcd");
        yield return new("reference to an undeclared account", p => p["build"]!["account"] = "staging", "$.build.account",
            "the name of an account declared under $.accounts (dev, prd)", "\"staging\"");
        yield return new("version 2", p => p["version"] = 2, "$.version", "1 (the only posture format version this tool reads)", "2");
        yield return new("empty required list", p => p["codeCommit"]!["pushPrincipals"] = new JsonArray(), "$.codeCommit.pushPrincipals",
            "an array with at least one item", "an empty array");
        yield return new("no accounts", p => p["accounts"] = new JsonObject(), "$.accounts",
            "at least one account, e.g. {\"prd\": {\"accountId\": \"111111111111\", \"region\": \"ap-northeast-1\"}}", "an empty object");
        yield return new("two host selectors", p => p["gitLab"]!["hosts"]![0]!["tag"] = new JsonObject { ["key"] = "a", ["value"] = "b" },
            "$.gitLab.hosts[0]", "exactly one of instanceId, tag, loadBalancerArn, ecsService", "instanceId, tag");
        yield return new("no host selector", p => p["gitLab"]!["hosts"]![0] = new JsonObject(),
            "$.gitLab.hosts[0]", "exactly one of instanceId, tag, loadBalancerArn, ecsService", "none");
        yield return new("ECS cluster given as an ARN", p => p["gitLab"]!["hosts"]![3]!["ecsService"]!["cluster"] = "arn:aws:ecs:ap-northeast-1:111111111111:cluster/gitlab",
            "$.gitLab.hosts[3].ecsService.cluster", "an ECS cluster or service name (letters, digits, '-', '_'; up to 255 characters), not an ARN");
        yield return new("waiver date that does not exist", p => p["waivers"]![0]!["expires"] = "2027-02-30", "$.waivers[0].expires",
            "a date as YYYY-MM-DD that exists in the calendar", "\"2027-02-30\"");
        yield return new("waiver date in another format", p => p["waivers"]![0]!["expires"] = "31/01/2027", "$.waivers[0].expires", "a date as YYYY-MM-DD");
        yield return new("bad control id in a waiver", p => p["waivers"]![0]!["control"] = "ecr4", "$.waivers[0].control", "a control id such as CB-2");
        yield return new("git credentials: both environment and profile", p => p["gitProbe"]!["credentials"]!["awsProfile"] = "prd",
            "$.gitProbe.credentials", "either usernameEnv and passwordEnv (names of environment variables), or awsProfile",
            "usernameEnv, passwordEnv, awsProfile");
        yield return new("git credentials: password without username", p => p["gitProbe"]!["credentials"]!.AsObject().Remove("usernameEnv"),
            "$.gitProbe.credentials", "either usernameEnv and passwordEnv (names of environment variables), or awsProfile", "passwordEnv");
        yield return new("git URL with credentials in it", p => p["gitProbe"]!["repositoryUrl"] = "https://user:pw@example.com/repo",
            "$.gitProbe.repositoryUrl", "an absolute http or https URL of the repository without credentials in it");
        yield return new("timeout out of range", p => p["inVpcProbes"]!["timeoutSeconds"] = 0, "$.inVpcProbes.timeoutSeconds", "an integer from 1 to 3600", "0");
        yield return new("canary port out of range", p => p["inVpcProbes"]!["internetCanaries"]![0] = "example.com:70000",
            "$.inVpcProbes.internetCanaries[0]", "host:port with a port from 1 to 65535, such as example.com:443");
    }

    [TestCaseSource(nameof(BadPostures))]
    public void A_malformed_posture_names_the_file_the_path_and_what_was_expected(BadPosture bad)
    {
        var posture = PostureSamples.CompleteNode();
        bad.Mutate(posture);

        var error = Assert.Throws<InputException>(() => PostureLoader.Parse(PostureSamples.Bytes(posture), File));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.File, Is.EqualTo(File));
            Assert.That(error.Field, Is.EqualTo(bad.Field));
            Assert.That(error.Expected, Is.EqualTo(bad.Expected));
            if (bad.Actual is not null)
                Assert.That(error.Actual, Is.EqualTo(bad.Actual));
        }
    }

    [Test]
    public void Malformed_JSON_reports_the_line_and_column()
    {
        var text = "{\n  \"version\": 1,\n  \"name\": \"x\"\n  \"accounts\": {}\n}";

        var error = Assert.Throws<InputException>(() => PostureLoader.Parse(Encoding.UTF8.GetBytes(text), File));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.File, Is.EqualTo(File));
            Assert.That(error.Expected, Is.EqualTo("well-formed JSON"));
            Assert.That(error.Actual, Is.EqualTo("malformed JSON at line 4, byte 3"));
        }
    }

    [Test]
    public void A_duplicated_member_is_rejected_rather_than_silently_overwritten()
    {
        var text = """{ "version": 1, "name": "a", "name": "b", "accounts": {} }""";

        var error = Assert.Throws<InputException>(() => PostureLoader.Parse(Encoding.UTF8.GetBytes(text), File));

        Assert.That(error.Expected, Is.EqualTo("well-formed JSON"));
    }

    [Test]
    public void The_complete_sample_loads_into_the_model()
    {
        var posture = PostureLoader.Parse(Encoding.UTF8.GetBytes(PostureSamples.Complete), File);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(posture.Version, Is.EqualTo(1));
            Assert.That(posture.Account("prd"), Is.EqualTo(new AccountTarget("222222222222", "ap-northeast-1", null, "arn:aws:iam::222222222222:role/isolation-audit")));
            Assert.That(posture.Build!.Projects, Is.EqualTo(new[] { "app-build", "image-build" }));
            Assert.That(posture.Build.EffectiveRequiredEndpoints, Does.Contain("codeartifact.api"));
            Assert.That(posture.NatGateways, Is.EqualTo(new[] { new NatGatewayRef("nat-0123456789abcdef0", "dev") }));
            Assert.That(posture.GitLab!.Hosts[1].Tag, Is.EqualTo(new TagFilter("Role", "gitlab")));
            Assert.That(posture.GitLab.Hosts[3].EcsService, Is.EqualTo(new EcsServiceRef("gitlab", "gitlab-web")));
            Assert.That(posture.CodeCommit!.IsolatedSourceCidrs, Is.EqualTo(new[] { "198.51.100.10/32" }));
            Assert.That(posture.GitProbe!.Credentials, Is.EqualTo(new GitCredentialsRef("PULL_USER", "PULL_PASSWORD")));
            Assert.That(posture.GitProbe.TimeoutSeconds, Is.EqualTo(30));
            Assert.That(posture.InVpcProbes!.Enabled, Is.False);
            Assert.That(posture.Waivers![0].Expires, Is.EqualTo(new DateOnly(2027, 1, 31)));
        }
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
            Assert.That(posture.Accounts.Keys, Is.EqualTo(new[] { "prd" }));
        }
    }

    [Test]
    public void Git_credentials_may_name_an_aws_profile_instead_of_environment_variables()
    {
        var posture = PostureSamples.CompleteNode();
        posture["gitProbe"]!["credentials"] = new JsonObject { ["awsProfile"] = "isolated-pull" };

        var loaded = PostureLoader.Parse(PostureSamples.Bytes(posture), File);

        Assert.That(loaded.GitProbe!.Credentials, Is.EqualTo(new GitCredentialsRef(AwsProfile: "isolated-pull")));
    }

    [TestCase("0.0.0.0/0")]
    [TestCase("::/0")]
    [TestCase("10.0.0.0/8")]
    [TestCase("2001:db8::/32")]
    [TestCase("198.51.100.7/32")]
    public void Valid_cidrs_are_accepted(string cidr)
    {
        var posture = PostureSamples.CompleteNode();
        posture["codeCommit"]!["isolatedSourceCidrs"]![0] = cidr;

        Assert.That(PostureLoader.Parse(PostureSamples.Bytes(posture), File).CodeCommit!.IsolatedSourceCidrs[0], Is.EqualTo(cidr));
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
