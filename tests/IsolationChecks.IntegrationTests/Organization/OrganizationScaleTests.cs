using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IsolationChecks.Cli;
using IsolationChecks.Collection;
using IsolationChecks.Cli.Commands;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

namespace IsolationChecks.IntegrationTests.Organization;

/// <summary>
/// Organisation scale against moto: 20 accounts of an organisation (6 in a nested unit) in 2 regions, 40 targets, listed
/// with AWS Organizations and reached by assuming a role in each (moto routes by the assumed credentials to the account).
/// The built console tool plans once, collects the whole plan in one process and in 4 shard processes at once, and merges
/// the parts: the merged snapshot's findings are exactly the unsharded one's; overlapping, missing, unsigned and tampered
/// parts are each refused with their reason.
/// </summary>
[Category("EndToEnd")]
public sealed class OrganizationScaleTests
{
    public const int Accounts = 20;
    private const int Nested = 6;
    private static readonly string[] Regions = ["eu-west-1", "eu-central-1"];

    private MotoServer _moto = null!;
    private string _root = null!;
    private string _trusted = null!;
    private string _key = null!;
    private JsonObject _built = null!;
    private RunResult _unsharded = null!;
    private RunResult _sharded = null!;
    private readonly Dictionary<string, TimeSpan> _times = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _shardProgress = new();

    /// <summary>What the audit reads from its environment to reach moto's organisation (the endpoint comes from its settings).</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretKey, ["AWS_REGION"] = "us-east-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    }.AsReadOnly();

    /// <summary>Builds the organisation in moto (python3, boto3) and returns its ids: root, workloads, nested, accounts.</summary>
    public static async Task<JsonObject> BuildAsync(MotoServer moto, int accounts, int nested, params string[] regions)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Organization", "build_organization.py");
        var start = new ProcessStartInfo("python3", [script, moto.Endpoint, $"{accounts}", $"{nested}", .. regions]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, stderr);
        return JsonNode.Parse(stdout)!.AsObject();
    }

    public static string Posture(string parent, IEnumerable<string> regions, string? exclude = null)
    {
        var organization = new JsonObject
        {
            ["reader"] = new JsonObject { ["accountId"] = MotoServer.AccountId },
            ["targets"] = new JsonArray(new JsonObject
            {
                ["parent"] = parent, ["regions"] = new JsonArray(regions.Select(r => (JsonNode?)r).ToArray()), ["roleName"] = "IsolationChecksAudit",
            }),
            ["classTag"] = "isolationchecks:class",
            ["classes"] = JsonNode.Parse("""{ "build": { "build": { "projects": ["*"], "requiredEndpoints": ["s3"] } } }"""),
        };
        if (exclude is not null)
            organization["exclude"] = new JsonArray(new JsonObject { ["accountId"] = exclude, ["reason"] = "decommissioned next week" });
        return new JsonObject { ["version"] = 1, ["name"] = "organisation in moto", ["organization"] = organization }.ToJsonString();
    }

    [OneTimeSetUp]
    public async Task PlanCollectShardAndMergeAsync()
    {
        _moto = await MotoServer.StartAsync();
        _built = await BuildAsync(_moto, Accounts, Nested, Regions);
        _root = Directory.CreateTempSubdirectory("org-scale-").FullName;
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            _key = Path.Combine(_root, "collector.pem");
            await File.WriteAllTextAsync(_key, key.ExportECPrivateKeyPem());
            _trusted = Path.Combine(_root, "collector.pub.pem");
            await File.WriteAllTextAsync(_trusted, key.ExportSubjectPublicKeyInfoPem());
        }

        var posture = Path.Combine(_root, "posture.json");
        await File.WriteAllTextAsync(posture, Posture((string)_built["workloads"]!, Regions));

        await TimedAsync("plan", () => ToolAsync("snapshot", "plan", posture, "--out", Folder("plan"), "--key", _key, "--endpoint-url", _moto.Endpoint));
        await TimedAsync("unsharded", () => ToolAsync("snapshot", "collect", "--plan", Folder("plan"), "--out", Folder("whole"), "--key", _key, "--endpoint-url", _moto.Endpoint));
        await TimedAsync("4 shards", () => Task.WhenAll(Enumerable.Range(1, 4).Select(async k => _shardProgress[k] =
            await ToolAsync("snapshot", "collect", "--plan", Folder("plan"), "--shard", $"{k}/4", "--out", Folder($"part{k}"), "--key", _key, "--endpoint-url", _moto.Endpoint))));
        await TimedAsync("merge", () => ToolAsync("snapshot", "merge", "--plan", Folder("plan"), "--trusted-keys", _trusted, "--out", Folder("merged"), "--key", _key,
            Folder("part1"), Folder("part2"), Folder("part3"), Folder("part4")));
        // The unsharded collection is one part of one shard: merged alone with the plan, it is the whole audit.
        await ToolAsync("snapshot", "merge", "--plan", Folder("plan"), "--trusted-keys", _trusted, "--out", Folder("whole-merged"), "--key", _key, Folder("whole"));
        foreach (var (step, time) in _times)
            TestContext.Progress.WriteLine($"organisation scale, {Accounts * Regions.Length} targets: {step} {time.TotalSeconds:0.0} s");
        // What a target costs in AWS calls: the README's estimate per 100 accounts rests on it.
        var calls = SnapshotFolder.ParseManifest(File.ReadAllBytes(Path.Combine(Folder("whole"), "manifest.json")), "manifest.json").Calls;
        TestContext.Progress.WriteLine($"organisation scale, {Accounts * Regions.Length} targets: {calls.Count} calls, {calls.Sum(c => c.Pages)} pages, "
                                       + $"{calls.Count(c => c.Service == "ec2")} to ec2, {calls.Count(c => c.Service == "iam")} to iam, {calls.Count(c => c.Service == "sts")} to sts");

        _unsharded = await EvaluateAsync(Folder("whole-merged"));
        _sharded = await EvaluateAsync(Folder("merged"));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
        if (_root is not null && Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private string Folder(string name) => Path.Combine(_root, name);

    private async Task TimedAsync(string step, Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        _times[step] = watch.Elapsed;
    }

    /// <summary>Runs the built console tool as a process, as a CodeBuild step does, requires exit code 0, and returns its progress (standard error).</summary>
    private async Task<string> ToolAsync(params string[] args)
    {
        var (code, output, error) = await RunToolAsync(Environment, args);
        Assert.That(code, Is.Zero, $"{output}\n{error}");
        return error;
    }

    public static async Task<(int Code, string Output, string Error)> RunToolAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [EndToEnd.SuiteProcess.ConsoleTool, .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private async Task<RunResult> EvaluateAsync(string folder) =>
        await new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System).RunAsync(
            new SuiteSettings(new TargetSpec.SnapshotFolder(folder), Path.Combine(folder, "posture.json"), Path.Combine(_root, $"out-{Guid.NewGuid():N}"),
                TrustedKeys: _trusted, RequireVerifiedEvidence: true), null, CancellationToken.None);

    /// <summary>Everything a finding says, but the times of the run.</summary>
    private static List<string> Said(RunResult run) => run.Findings.Select(f =>
        $"{f.Control.Id} | {f.Resource} | {f.Status.ToWire()} | {f.Message} | {f.EffectiveRemediation} | {string.Join(" ; ", f.Evidence)}").ToList();

    [Test]
    public void The_merged_shards_give_exactly_the_findings_of_the_unsharded_collection()
    {
        var org = _sharded.Findings.Where(f => f.Control.Id == "ORG-1").ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Said(_sharded), Is.EqualTo(Said(_unsharded)));
            Assert.That(_sharded.Trust.State, Is.EqualTo(EvidenceState.Signed), _sharded.Trust.Reason);
            Assert.That(org, Has.Count.EqualTo(Accounts * Regions.Length), "one ORG-1 verdict per target");
            Assert.That(org.Count(f => f.Status == Status.Pass), Is.EqualTo((Accounts - 1) * Regions.Length), "every build account reached in both regions");
            Assert.That(org.Where(f => f.Status == Status.Inconclusive).Select(f => f.Message), Has.All.Contains("of class sandbox, which the posture does not declare"),
                "the account tagged with an undeclared class is named, not skipped");
            Assert.That(org.Count(f => f.Status == Status.Inconclusive), Is.EqualTo(Regions.Length));
            Assert.That(_sharded.Findings.Where(f => f.Control.Id == "CB-5" && f.Status == Status.Fail).Select(f => f.Resource.Account).Distinct(),
                Is.EqualTo(new[] { (string)_built["accounts"]![0]! }), "the privileged project of the first account, in both regions");
            Assert.That(_sharded.Findings.Where(f => f.Control.Id == "CB-1").Select(f => (f.Resource.Account, f.Resource.Region)).Distinct().Count(),
                Is.EqualTo((Accounts - 1) * Regions.Length), "every build-class target judged");
        }
    }

    [Test]
    public void The_merged_manifest_names_the_plan_and_every_part_with_its_key_and_manifest_digest()
    {
        var manifest = SnapshotFolder.ParseManifest(File.ReadAllBytes(Path.Combine(Folder("merged"), "manifest.json")), "manifest.json");
        var parts = manifest.Parts!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(parts.Select(p => p.Role), Is.EqualTo(new[] { "plan", "shard 1/4", "shard 2/4", "shard 3/4", "shard 4/4" }));
            Assert.That(parts[1].Manifest, Is.EqualTo(FileDigest.Sha256Hex(File.ReadAllBytes(Path.Combine(Folder("part1"), "manifest.json")))));
            Assert.That(parts.Select(p => p.KeyId).Distinct().Single(), Is.EqualTo(_sharded.Trust.KeyId));
            Assert.That(manifest.Targets, Has.Count.EqualTo(Accounts * Regions.Length));
        }
    }

    /// <summary>
    /// Shards run side by side (CodeBuild builds, or processes here): every progress line says which shard it is from, and
    /// after its end comes one summary line per target of its share (calls done, failed, retries, throttled).
    /// </summary>
    [Test]
    public void Every_progress_line_of_a_shard_names_the_shard_its_share_its_end_and_each_target()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var (k, progress) in _shardProgress.OrderBy(p => p.Key))
            {
                var lines = progress.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.That(lines, Has.Length.GreaterThan(2).And.All.StartWith($"shard {k}/4: "), progress);
                Assert.That(lines[0], Does.Match($@"^shard {k}/4: \d+ of the plan's {Accounts * Regions.Length} targets$"));
                var share = int.Parse(System.Text.RegularExpressions.Regex.Match(lines[0], @"^shard \d/4: (\d+) of").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                var done = Array.FindIndex(lines, l => l.StartsWith($"shard {k}/4: done, ", StringComparison.Ordinal));
                Assert.That(done, Is.GreaterThan(0), progress);
                Assert.That(lines[(done + 1)..], Has.Length.EqualTo(share)
                    .And.All.Match($@"^shard {k}/4: collected \S+ \d{{12}} [a-z0-9-]+ all services: \d+ calls done, \d+ failed, \d+ retries, \d+ throttled, "), progress);
            }
        }
    }

    [Test]
    public void A_rerun_of_one_shard_deals_it_the_same_targets()
    {
        var first = SnapshotFolder.ParseManifest(File.ReadAllBytes(Path.Combine(Folder("part3"), "manifest.json")), "manifest.json").Shard!;
        var plan = SnapshotFolder.ReadAsync(Folder("plan"), CancellationToken.None).GetAwaiter().GetResult();
        var (posture, _, targets) = ShardedCollection.ReadPlan(plan);

        Assert.That(ShardPlan.Share(targets, LiveCollection.Together(posture), new ShardSpec(3, 4)).Select(t => t.Folder), Is.EqualTo(first.Folders));
    }

    [Test]
    public async Task The_merge_and_evaluate_step_of_the_batch_build_runs_locally_and_exits_with_the_gate()
    {
        var exchange = Folder("exchange");
        Copy("plan", Path.Combine("exchange", "plan"));
        for (var k = 1; k <= 4; k++)
            Copy($"part{k}", Path.Combine("exchange", "parts", $"{k}"));
        var start = new ProcessStartInfo("bash", [Path.Combine(EndToEnd.SuiteProcess.RepoRoot, "deploy", "codebuild", "step.sh"), "merge-evaluate"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (name, value) in new Dictionary<string, string>
                 {
                     ["EXCHANGE"] = exchange, ["REPORTS"] = Folder("reports"), ["SHARDS"] = "4", ["SIGNING_KEY"] = _key, ["TRUSTED_KEYS"] = _trusted, ["WORK"] = Folder("step-work"),
                     ["ISOLATIONCHECKS"] = $"dotnet {EndToEnd.SuiteProcess.ConsoleTool}", ["CONFIGURATION"] = EndToEnd.SuiteProcess.Configuration,
                 })
            start.Environment[name] = value;
        using var step = Process.Start(start)!;
        var output = step.StandardOutput.ReadToEndAsync();
        var error = step.StandardError.ReadToEndAsync();
        await step.WaitForExitAsync();
        var findings = Path.Combine(exchange, "results", "findings.json");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(step.ExitCode, Is.Not.Zero, "the gate fails: the first account's project runs privileged");
            Assert.That(File.Exists(findings), Is.True, $"{await output}\n{await error}");
            Assert.That(File.Exists(Path.Combine(exchange, "merged", "manifest.sig")), Is.True, "the merged snapshot is signed and kept");
            Assert.That(File.Exists(Path.Combine(Folder("reports"), "findings.junit.xml")), Is.True, "the build's report group gets the JUnit report");
            using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(findings));
            Assert.That(report.RootElement.GetProperty("evidence").GetProperty("state").GetString(), Is.EqualTo("signed"));
            Assert.That(report.RootElement.GetProperty("findings").EnumerateArray().Count(f => f.GetProperty("control").GetString() == "ORG-1"), Is.EqualTo(Accounts * Regions.Length));
        }
    }

    private async Task<(int Code, string Error)> MergeAsync(params string[] parts)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var interruption = new IsolationChecks.Running.Interruption();
        var context = new IsolationChecks.Cli.ToolContext(output, error, ErrorIsTerminal: false, new Dictionary<string, string>(), System.Environment.CurrentDirectory,
            EndToEnd.SuiteProcess.RepoRoot, interruption, TimeProvider.System);
        var code = await new IsolationChecks.Cli.ConsoleTool(context).RunAsync(
            ["snapshot", "merge", "--plan", Folder("plan"), "--trusted-keys", _trusted, "--out", Folder($"refused-{Guid.NewGuid():N}"), .. parts]);
        return (code, error.ToString());
    }

    private string Copy(string part, string name)
    {
        var to = Folder(name);
        foreach (var file in Directory.GetFiles(Folder(part), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(Folder(part), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return to;
    }

    [Test]
    public async Task An_overlap_a_gap_an_unsigned_and_a_tampered_part_are_each_refused_with_the_reason()
    {
        var unsigned = Copy("part2", "unsigned");
        File.Delete(Path.Combine(unsigned, SnapshotSigning.SignatureFile));
        var tampered = Copy("part2", "tampered");
        var vpcs = Directory.GetFiles(tampered, "Vpcs.json", SearchOption.AllDirectories).First();
        await File.WriteAllTextAsync(vpcs, (await File.ReadAllTextAsync(vpcs)).Replace("10.40.0.0/16", "10.41.0.0/16", StringComparison.Ordinal));

        var overlap = await MergeAsync(Folder("part1"), Folder("part2"), Folder("part2"), Folder("part3"), Folder("part4"));
        var gap = await MergeAsync(Folder("part1"), Folder("part2"), Folder("part4"));
        var notSigned = await MergeAsync(Folder("part1"), unsigned, Folder("part3"), Folder("part4"));
        var changed = await MergeAsync(Folder("part1"), tampered, Folder("part3"), Folder("part4"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(overlap.Code, Is.EqualTo(ExitCodes.ConfigurationError));
            Assert.That(overlap.Error, Does.Contain("each shard once (overlap: shard 2/4 is also"));
            Assert.That(gap.Code, Is.EqualTo(ExitCodes.ConfigurationError));
            Assert.That(gap.Error, Does.Contain("gap: rerun shard 3/4 alone"));
            Assert.That(notSigned.Code, Is.EqualTo(ExitCodes.EvidenceUnverified));
            Assert.That(notSigned.Error, Does.Contain("unsigned").And.Contains("not signed"));
            Assert.That(changed.Code, Is.EqualTo(ExitCodes.EvidenceUnverified));
            Assert.That(changed.Error, Does.Contain("tampered").And.Contains("SHA-256 does not match"));
            Assert.That(Directory.GetDirectories(_root, "refused-*"), Is.Empty, "a refused merge writes nothing");
        }
    }
}
