using System.Reflection;
using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Git.GIT1_PushRefused;
using IsolationChecks.Git;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Git;

/// <summary>GIT-1's verdicts on hand-made probe records, and on the reference fixture and its GIT-1 overlays.</summary>
public class PushRefusedControlTests
{
    private const string Url = "https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/app";

    private static readonly GitProbeRecord Refused = new(GitProbeRecord.CurrentFormat, Url, "main", "isolated-pull-at-222222222222",
        "env:U/P", "203.0.113.10", new DateTimeOffset(2026, 11, 22, 18, 5, 12, TimeSpan.Zero),
        new GitReadStep("GET", $"{Url}/info/refs?service=git-upload-pack", "libgit2", true, 200, 400, 2, ["HEAD", "refs/heads/main"], true),
        new GitHttpStep("GET", $"{Url}/info/refs?service=git-receive-pack", 403, null, 180),
        null);

    private static readonly GitProbePosture Declared = new(Url, "main", new GitCredentialsRef("U", "P"));

    private static IReadOnlyList<Finding> Evaluate(IReadOnlyDictionary<string, byte[]> files, GitProbePosture? posture, SnapshotManifest? manifest = null)
    {
        var snapshot = new Snapshot("test", manifest, [], IntegrityReport.Unverified, new SnapshotFiles("test", files, manifest));
        var context = new EvaluationContext(snapshot, new PostureDocument(1, "test", new Dictionary<string, AccountTarget>(), GitProbe: posture), TimeProvider.System);
        return new PushRefused().EvaluateAsync(context, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static Finding Single(GitProbeRecord record, GitProbePosture? posture = null)
    {
        var findings = Evaluate(new Dictionary<string, byte[]> { [GitProbeRecord.SnapshotPath] = record.ToJson() }, posture ?? Declared);
        Assert.That(findings, Has.Count.EqualTo(1));
        return findings[0];
    }

    [Test]
    public void Read_ok_with_the_branch_and_receive_pack_403_passes_with_the_requests_as_evidence()
    {
        var finding = Single(Refused);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
            Assert.That(finding.TestName, Is.EqualTo("GIT-1 app reads with the pull credentials and refuses a push"));
            Assert.That(finding.Resource.Region, Is.EqualTo("ap-northeast-1"));
            Assert.That(finding.Evidence.Select(e => e.ToString()), Has.Some.Contains($"GET {Url}/info/refs?service=git-receive-pack: HTTP 403 in 180 ms"));
            Assert.That(finding.Evidence.Select(e => e.ToString()), Has.Some.Contains("from 203.0.113.10"));
            Assert.That(finding.Evidence.Select(e => e.Source), Has.All.EqualTo(GitProbeRecord.SnapshotPath));
        }
    }

    [Test]
    public void Receive_pack_200_fails_even_when_reading_failed()
    {
        var allowed = Refused with { ReceivePackDiscovery = Refused.ReceivePackDiscovery! with { Status = 200 } };
        var allowedWithoutRead = allowed with { Read = Refused.Read! with { Succeeded = false, Status = 404, ErrorClass = GitErrorClass.NotFound } };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Single(allowed).Status, Is.EqualTo(Status.Fail));
            Assert.That(Single(allowed).Message, Does.Contain("may push").And.Contain("200"));
            Assert.That(Single(allowedWithoutRead).Status, Is.EqualTo(Status.Fail));
        }
    }

    [Test]
    public void A_successful_cli_dry_run_fails()
    {
        var record = Refused with { CliSecondOpinion = new GitCliStep("git push --dry-run ...", 0, null, false, 900) };

        Assert.That(Single(record), Has.Property(nameof(Finding.Status)).EqualTo(Status.Fail)
            .And.Property(nameof(Finding.Message)).Contains("git push --dry-run"));
    }

    [TestCase(GitErrorClass.Unauthorized, 401, "HTTP 401")]
    [TestCase(GitErrorClass.Forbidden, 403, "HTTP 403")]
    [TestCase(GitErrorClass.Dns, null, "dns")]
    [TestCase(GitErrorClass.Tls, null, "tls")]
    [TestCase(GitErrorClass.Timeout, null, "timeout")]
    public void A_failed_read_is_inconclusive_with_the_reason(GitErrorClass errorClass, int? status, string reason)
    {
        var record = Refused with { Read = new GitReadStep("GET", "u", "libgit2", false, status, 10, 0, [], false, errorClass, "libgit2 said so") };

        var finding = Single(record);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(finding.Message, Does.Contain(reason).And.Contain("libgit2 said so").And.Contain("proves nothing"));
        }
    }

    [Test]
    public void An_anonymous_read_is_named_in_the_evidence()
    {
        var record = Refused with { Read = Refused.Read! with { CredentialsRequested = false } };

        Assert.That(Single(record).Evidence.Select(e => e.Fact), Has.Some.Contains("did not ask for credentials"));
        Assert.That(Single(Refused with { Read = Refused.Read! with { CredentialsRequested = true } }).Evidence.Select(e => e.Fact),
            Has.None.Contains("did not ask for credentials"));
    }

    [Test]
    public void A_missing_expected_branch_is_inconclusive()
    {
        var record = Refused with { Read = Refused.Read! with { ExpectedBranchPresent = false, Refs = ["HEAD", "refs/heads/master"] } };

        Assert.That(Single(record), Has.Property(nameof(Finding.Status)).EqualTo(Status.Inconclusive)
            .And.Property(nameof(Finding.Message)).Contains("expected branch main"));
    }

    [TestCase(401, null, "HTTP 401")]
    [TestCase(302, GitErrorClass.Redirect, "redirect")]
    [TestCase(null, GitErrorClass.Timeout, "timeout")]
    [TestCase(500, null, "HTTP 500")]
    public void Receive_pack_discovery_other_than_403_is_inconclusive(int? status, GitErrorClass? errorClass, string reason)
    {
        var record = Refused with { ReceivePackDiscovery = Refused.ReceivePackDiscovery! with { Status = status, ErrorClass = errorClass } };

        Assert.That(Single(record), Has.Property(nameof(Finding.Status)).EqualTo(Status.Inconclusive)
            .And.Property(nameof(Finding.Message)).Contains(reason));
    }

    [Test]
    public void A_cli_second_opinion_that_disagrees_is_inconclusive_and_one_that_agrees_is_named()
    {
        var disagrees = Refused with { CliSecondOpinion = new GitCliStep("git push --dry-run ...", 128, "fatal: unable to access: Could not resolve host", false, 50) };
        var agrees = Refused with { CliSecondOpinion = new GitCliStep("git push --dry-run ...", 128, "fatal: ... The requested URL returned error: 403", true, 50) };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Single(disagrees).Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(Single(disagrees).Message, Does.Contain("Could not resolve host"));
            Assert.That(Single(agrees).Status, Is.EqualTo(Status.Pass));
            Assert.That(Single(agrees).Message, Does.Contain("git push --dry-run` was refused with 403"));
        }
    }

    [Test]
    public void A_probe_that_could_not_start_is_inconclusive()
    {
        var record = Refused with { Read = null, ReceivePackDiscovery = null, Principal = null, SetupError = "environment variable(s) P are not set" };

        Assert.That(Single(record), Has.Property(nameof(Finding.Status)).EqualTo(Status.Inconclusive)
            .And.Property(nameof(Finding.Message)).Contains("P are not set"));
    }

    [Test]
    public void A_record_for_another_repository_than_declared_is_inconclusive()
    {
        var finding = Single(Refused, Declared with { RepositoryUrl = "https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/other" });

        Assert.That(finding, Has.Property(nameof(Finding.Status)).EqualTo(Status.Inconclusive)
            .And.Property(nameof(Finding.Message)).Contains("repos/other"));
    }

    [Test]
    public void A_declared_url_with_user_info_still_matches_its_record()
    {
        var finding = Single(Refused, Declared with { RepositoryUrl = "https://isolated-pull@git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/app/" });

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
    }

    [Test]
    public void No_probe_record_is_inconclusive_and_says_how_to_run_the_probe()
    {
        var withPosture = Evaluate(new Dictionary<string, byte[]>(), Declared);
        var withoutPosture = Evaluate(new Dictionary<string, byte[]>(), null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(withPosture, Has.Count.EqualTo(1));
            Assert.That(withPosture[0].Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(withPosture[0].Message, Does.Contain("was not run").And.Contain("gitProbe").And.Contain("Target=live"));
            Assert.That(withPosture[0].Resource.Id, Is.EqualTo(Url));
            Assert.That(withoutPosture, Has.Count.EqualTo(1));
            Assert.That(withoutPosture[0].Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(withoutPosture[0].Evidence.Single().Source, Is.EqualTo(GitProbeRecord.SnapshotPath));
        }
    }

    [Test]
    public void A_probe_that_failed_in_collection_is_quoted_from_the_manifest()
    {
        var manifest = new SnapshotManifest(SnapshotManifest.CurrentFormat, "test", DateTimeOffset.UnixEpoch, [],
            [new ManifestCall("", GitProbeRecord.Service, GitProbeRecord.Operation, null, null, "failed", 0, 1, 10, "ProbeCrashed", "libgit2 native library missing")],
            new Dictionary<string, string>());

        var findings = Evaluate(new Dictionary<string, byte[]>(), Declared, manifest);

        Assert.That(findings.Single().Message, Does.Contain("ProbeCrashed").And.Contain("libgit2 native library missing"));
    }

    [Test]
    public void Records_survive_a_round_trip_through_json()
    {
        var record = Refused with { CliSecondOpinion = new GitCliStep("git push --dry-run", 128, "fatal: 403", true, 5) };

        var again = GitProbeRecord.FromJson(record.ToJson());

        Assert.That(again.ToJson(), Is.EqualTo(record.ToJson()));
        Assert.That(System.Text.Encoding.UTF8.GetString(record.ToJson()), Does.Contain("\"errorClass\": null"));
    }

    // ---- the reference fixture and the GIT-1 overlays ----

    private static string RepoRoot => typeof(PushRefusedControlTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    private static string ReferenceRecordPath => Path.Combine(RepoRoot, "Fixtures", "reference", GitProbeRecord.SnapshotPath);

    [Test]
    public void The_reference_fixture_passes()
    {
        var record = GitProbeRecord.FromJson(File.ReadAllBytes(ReferenceRecordPath));

        var finding = Single(record);

        Assert.That(finding.Status, Is.EqualTo(Status.Pass), finding.Message);
    }

    [TestCase("GIT-1-push-allowed")]
    [TestCase("GIT-1-read-failed")]
    public void The_violation_overlays_give_their_expected_verdict(string name)
    {
        var fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot, "Fixtures", "violations", name, "fixture.json")))!;
        var document = JsonNode.Parse(File.ReadAllText(ReferenceRecordPath))!;
        foreach (var patch in fixture["patches"]!.AsArray())
        {
            Assert.That((string?)patch!["file"], Is.EqualTo(GitProbeRecord.SnapshotPath));
            Assert.That((string?)patch["op"], Is.EqualTo("replace"));
            Replace(document, (string)patch["path"]!, patch["value"]?.DeepClone());
        }

        var finding = Single(GitProbeRecord.FromJson(System.Text.Encoding.UTF8.GetBytes(document.ToJsonString())));

        var expect = fixture["expect"]!;
        var expectedStatus = expect["fail"] is not null ? Status.Fail : Status.Inconclusive;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((JsonArray)(expect["fail"] ?? expect["inconclusive"])!).Select(n => (string)n!), Is.EqualTo(new[] { "GIT-1" }));
            Assert.That(finding.Status, Is.EqualTo(expectedStatus), finding.Message);
            Assert.That(finding.Resource.Id, Is.EqualTo((string?)expect["resource"]));
            foreach (var text in expect["messageContains"]!.AsArray())
                Assert.That(finding.Message, Does.Contain((string)text!));
        }
    }

    /// <summary>RFC 6901 "replace" on an existing member or element (enough for these overlays).</summary>
    private static void Replace(JsonNode root, string pointer, JsonNode? value)
    {
        var tokens = pointer.Split('/').Skip(1).Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
        var parent = tokens.SkipLast(1).Aggregate(root, (node, token) => node is JsonArray array ? array[int.Parse(token)]! : node[token]!);
        if (parent is JsonArray list) list[int.Parse(tokens[^1])] = value;
        else
        {
            Assert.That(parent.AsObject().ContainsKey(tokens[^1]), Is.True, $"{pointer} does not exist: replace needs an existing target");
            parent[tokens[^1]] = value;
        }
    }
}
