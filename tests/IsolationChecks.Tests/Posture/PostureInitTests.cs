using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Posture;
using IsolationChecks.Running;
using IsolationChecks.Tests.Cli;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Posture;

/// <summary>
/// `posture init` on the reference snapshot writes a posture that loads, marks every generated section for review, and
/// once reviewed passes the gate on a signed copy of the reference; while unreviewed, a gate refuses it (exit 2, naming
/// what is unreviewed) and any other run says so first.
/// </summary>
public class PostureInitTests
{
    private string _work = null!;
    private string _signed = null!;
    private string _trusted = null!;

    [SetUp]
    public async Task SignACopyOfTheReferenceAsync()
    {
        _work = Directory.CreateTempSubdirectory("init-").FullName;
        _signed = Path.Combine(_work, "evidence");
        using var key = SignedSnapshots.NewKey();
        await SignedSnapshots.WriteReferenceAsync(_signed, key);
        _trusted = SignedSnapshots.WritePublicKey(key, Path.Combine(_work, "audit.pub.pem"));
    }

    [TearDown]
    public void Remove() => Directory.Delete(_work, recursive: true);

    private Task<ToolRun.Result> Run(params string[] args) => ToolRun.RunAsync(args, null, _work);

    private async Task<string> InitAsync()
    {
        var init = await Run("posture", "init", "--from", RepositoryPaths.Reference, "--output", "draft.json");
        Assert.That(init.Code, Is.EqualTo(ExitCodes.GatePassed), init.ToString());
        return Path.Combine(_work, "draft.json");
    }

    [Test]
    public async Task Every_generated_section_is_listed_for_review_and_the_draft_loads()
    {
        var draft = await InitAsync();

        var posture = PostureLoader.Parse(await File.ReadAllBytesAsync(draft), draft);
        var sections = JsonNode.Parse(await File.ReadAllTextAsync(draft))!.AsObject().Select(p => p.Key)
            .Where(k => k is not ("$schema" or "version" or "review" or "waivers")).ToList();
        Assert.That(posture.Unreviewed, Is.True);
        Assert.That(posture.Review!.Pending.Select(p => p.Path.Split('.')[1]).Distinct(), Is.SupersetOf(sections));
        Assert.That(sections, Is.SupersetOf(new[] { "accounts", "build", "natGateways", "ecr", "gitLab", "codeCommit", "connections", "gitProbe", "inVpcProbes" }));
        Assert.That(posture.Review.Pending.Single(p => p.Path == "$.build.privilegedModeAllowed").Note, Does.StartWith("ACCEPTS A RISK").And.Contain("image-build"));
        Assert.That(posture.Review.From, Is.EqualTo(RepositoryPaths.Reference));
    }

    [Test]
    public async Task It_never_overwrites_a_posture()
    {
        var draft = await InitAsync();
        var before = await File.ReadAllTextAsync(draft);

        var again = await Run("posture", "init", "--from", RepositoryPaths.Reference, "--output", "draft.json");

        Assert.That(again.Code, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(again.Error, Does.Contain("never overwrites"));
        Assert.That(await File.ReadAllTextAsync(draft), Is.EqualTo(before));
    }

    [Test]
    public async Task A_gate_refuses_the_unreviewed_posture_naming_what_is_unreviewed()
    {
        var draft = await InitAsync();

        var gate = await Run("audit", "--gate", "--target", _signed, "--posture", draft, "--trusted-keys", _trusted, "--progress", "quiet");

        Assert.That(gate.Code, Is.EqualTo(ExitCodes.ConfigurationError), gate.ToString());
        Assert.That(gate.Error, Does.Contain("$.review.pending at line").And.Contain("a gate run (Gate=true) never judges with generated entries nobody has checked")
            .And.Contain("$.build.privilegedModeAllowed").And.Contain("$.codeCommit"));
        Assert.That(File.Exists(Path.Combine(_work, "isolation-results", "findings.json")), Is.False);
    }

    [Test]
    public async Task Any_other_run_judges_but_says_first_that_the_posture_is_unreviewed()
    {
        var draft = await InitAsync();

        var run = await Run("audit", "--target", _signed, "--posture", draft, "--progress", "plain");

        Assert.That(run.Code, Is.EqualTo(ExitCodes.GatePassed), run.ToString());
        Assert.That(run.Error, Does.Contain("IsolationChecks: POSTURE NOT REVIEWED"));
        Assert.That(run.Output, Does.StartWith("IsolationChecks POSTURE NOT REVIEWED"));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(_work, "isolation-results", "report.md")), Does.Contain("POSTURE NOT REVIEWED"));
        using var findings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work, "isolation-results", "findings.json")));
        Assert.That(findings.RootElement.GetProperty("postureReview").GetString(), Does.Contain("$.gitLab"));
    }

    [Test]
    public async Task Once_reviewed_the_generated_posture_passes_the_gate_on_the_reference()
    {
        var draft = await InitAsync();
        var reviewed = JsonNode.Parse(await File.ReadAllTextAsync(draft))!.AsObject();
        reviewed.Remove("review");
        await File.WriteAllTextAsync(Path.Combine(_work, "reviewed.json"), reviewed.ToJsonString());

        var gate = await Run("audit", "--gate", "--target", _signed, "--posture", "reviewed.json", "--trusted-keys", _trusted, "--progress", "quiet");

        Assert.That(gate.Code, Is.EqualTo(ExitCodes.GatePassed), gate.ToString());
        Assert.That(gate.Output, Does.Contain("audit gate PASSED").And.Not.Contain("DEMO DATA"));
    }
    [TestCase("AttachedManagedPolicies", """[{"PolicyName":"MirrorPush","PolicyArn":"arn:aws:iam::222222222222:policy/MirrorPush"}]""")]
    [TestCase("GroupList", """["mirror-pushers"]""")]
    public async Task A_principal_whose_policies_are_not_all_in_the_details_is_named_for_review_not_silently_left_out(string member, string value)
    {
        var copy = Path.Combine(_work, "incomplete");
        CopyFolder(RepositoryPaths.Reference, copy);
        var iamFile = Path.Combine(copy, "accounts", "222222222222", "ap-northeast-1", "iam", "get-account-authorization-details.json");
        var iam = JsonNode.Parse(await File.ReadAllTextAsync(iamFile))!.AsObject();
        var user = JsonNode.Parse("""
            {"UserName": "mirror-extra", "Arn": "arn:aws:iam::222222222222:user/mirror-extra", "Path": "/", "UserPolicyList": [], "GroupList": [], "AttachedManagedPolicies": []}
            """)!.AsObject();
        user[member] = JsonNode.Parse(value);
        iam["UserDetailList"]!.AsArray().Add(user);
        await File.WriteAllTextAsync(iamFile, iam.ToJsonString());

        var init = await Run("posture", "init", "--from", copy, "--output", "draft.json");

        Assert.That(init.Code, Is.EqualTo(ExitCodes.GatePassed), init.ToString());
        var posture = PostureLoader.Parse(await File.ReadAllBytesAsync(Path.Combine(_work, "draft.json")), "draft.json");
        Assert.That(posture.Review!.Pending.Single(p => p.Path == "$.codeCommit").Note,
            Does.Contain("NOT read, so not declared even if they have Git access: arn:aws:iam::222222222222:user/mirror-extra"));
        Assert.That(posture.CodeCommit!.PushPrincipals, Does.Not.Contain("arn:aws:iam::222222222222:user/mirror-extra"));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
