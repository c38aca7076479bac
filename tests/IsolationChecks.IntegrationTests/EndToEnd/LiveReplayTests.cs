using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.IntegrationTests.Faults;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.IntegrationTests.Policies;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>
/// Evaluation is a pure function of the snapshot and the posture: a live run against moto (with IAM's simulator stood in
/// by the fault proxy, as moto lacks it) and the offline replay of the snapshot it saved give identical findings, and the
/// saved folder alone (its own posture, its simulator answers, its signature) is what the replay needs.
/// </summary>
[Category("EndToEnd")]
public sealed class LiveReplayTests
{
    private const string Region = "eu-west-1";

    private MotoServer _moto = null!;
    private SimulatorStandIn _simulator = null!;
    private ECDsa _key = null!;
    private string _root = null!;
    private string _trusted = null!;
    private RunResult _live = null!;
    private string _saved = null!;

    [OneTimeSetUp]
    public async Task RunLiveAndSaveAsync()
    {
        _moto = await MotoServer.StartAsync(MotoSetup.CredentialsAndFaultProxy, CancellationToken.None);
        var built = JsonNode.Parse(await PythonScript.RunAsync(_moto, OneWayFlowMotoTests.BuildScript))!.AsObject();
        var (account, nat, natIp) = ((string)built["account"]!, (string)built["nat"]!, (string)built["natIp"]!);
        _simulator = new SimulatorStandIn(new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["gitlab-mirror-push"] = new Dictionary<string, string> { ["codecommit:GitPull"] = $"{natIp}/32", ["codecommit:GitPush"] = $"{natIp}/32" },
            ["isolated-pull"] = new Dictionary<string, string> { ["codecommit:GitPull"] = "203.0.113.10/32" },
            ["drifted-pull"] = new Dictionary<string, string>
            {
                ["codecommit:GitPull"] = "0.0.0.0/0", ["codecommit:GitPush"] = "0.0.0.0/0", ["codecommit:CreateBranch"] = "0.0.0.0/0",
            },
        });
        _moto.Faults.Answer("iam", "SimulatePrincipalPolicy", _simulator.Answer);

        _root = Directory.CreateTempSubdirectory("replay-").FullName;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signing = Path.Combine(_root, "audit.pem");
        await File.WriteAllTextAsync(signing, _key.ExportECPrivateKeyPem());
        _trusted = Path.Combine(_root, "audit.pub.pem");
        await File.WriteAllTextAsync(_trusted, _key.ExportSubjectPublicKeyInfoPem());
        var posture = Path.Combine(_root, "posture.json");
        await File.WriteAllTextAsync(posture, $$"""
            { "version": 1, "name": "one-way flow in moto",
              "accounts": { "prd": { "accountId": "{{account}}", "region": "{{Region}}" } },
              "natGateways": [ { "id": "{{nat}}", "account": "prd" } ],
              "ecr": { "account": "prd", "repositories": ["*"], "allowedPrincipalAccounts": ["{{account}}"] },
              "codeCommit": { "account": "prd", "mirroredRepositories": ["app"], "pushPrincipals": ["arn:aws:iam::{{account}}:user/gitlab-mirror-push"],
                              "pullPrincipals": ["arn:aws:iam::{{account}}:user/isolated-pull", "arn:aws:iam::{{account}}:user/drifted-pull"],
                              "isolatedSourceCidrs": ["203.0.113.10/32"] } }
            """);
        _saved = Path.Combine(_root, "saved");
        _live = await RunAsync(new SuiteSettings(new TargetSpec.Live(), posture, Path.Combine(_root, "out-live"),
            EndpointUrl: _moto.Faults.Url, SaveSnapshot: _saved, SigningKey: signing));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
        _key?.Dispose();
        if (_root is not null && Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private static Task<RunResult> RunAsync(SuiteSettings settings) =>
        new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System).RunAsync(settings, null, CancellationToken.None);

    private Task<RunResult> ReplayAsync(string folder, bool requireVerified = false, string? trusted = "default") =>
        RunAsync(new SuiteSettings(new TargetSpec.SnapshotFolder(folder), Path.Combine(folder, SnapshotFiles.PostureFile), Path.Combine(_root, $"out-{Guid.NewGuid():N}"),
            TrustedKeys: trusted == "default" ? _trusted : trusted, RequireVerifiedEvidence: requireVerified));

    /// <summary>Everything a finding says, but the times of the run.</summary>
    private static IEnumerable<string> Said(RunResult run) => run.Findings.Select(f =>
        $"{f.Control.Id} | {f.Resource} | {f.Status.ToWire()} | {f.Message} | {f.EffectiveRemediation} | {string.Join(" ; ", f.Evidence)}");

    [Test]
    public async Task The_offline_replay_of_the_saved_snapshot_gives_exactly_the_live_findings()
    {
        var replay = await ReplayAsync(_saved);

        Assert.That(Said(replay), Is.EqualTo(Said(_live)));
        Assert.That(_live.Findings.Select(f => f.Control.Id).Distinct(), Is.SupersetOf(new[] { "IAM-1", "IAM-2", "IAM-3", "ECR-1" }));
    }

    [Test]
    public void The_live_run_asked_the_simulator_and_kept_its_answers_as_evidence()
    {
        var answers = Directory.GetFiles(_saved, "*.json", SearchOption.AllDirectories)
            .Where(f => f.Contains("iam/simulate-principal-policy", StringComparison.Ordinal)).ToList();
        var iam = _live.Findings.Where(f => f.Control.Id.StartsWith("IAM-", StringComparison.Ordinal)).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answers, Has.Count.EqualTo(_simulator.Questions).And.Count.GreaterThan(0));
            Assert.That(iam, Has.All.Matches<Finding>(f => f!.Evidence.Any(e => e.Subject == AwsCalls.SimulatePrincipalPolicy.IamAction && e.Fact.Contains("SimulatePrincipalPolicy"))),
                "every IAM verdict was cross-checked with IAM's answers");
            Assert.That(iam.Single(f => f.Control.Id == "IAM-1" && f.Resource.Name.StartsWith("drifted-pull", StringComparison.Ordinal)).Status, Is.EqualTo(Status.Fail));
            Assert.That(iam.Where(f => f.Resource.Name.StartsWith("isolated-pull", StringComparison.Ordinal)).Select(f => f.Status), Is.All.EqualTo(Status.Pass));
        }
    }

    [Test]
    public async Task The_saved_folder_holds_the_posture_it_was_judged_with_under_its_signed_manifest()
    {
        var replay = await ReplayAsync(_saved, requireVerified: true);
        var manifest = SnapshotFolder.ParseManifest(File.ReadAllBytes(Path.Combine(_saved, "manifest.json")), "manifest.json");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_live.Trust.State, Is.EqualTo(EvidenceState.Live));
            Assert.That(replay.Trust.State, Is.EqualTo(EvidenceState.Signed), replay.Trust.Reason);
            Assert.That(replay.Trust.KeyId, Is.EqualTo(SnapshotSigning.KeyIdOf(_key)));
            Assert.That(manifest.Files, Does.ContainKey(SnapshotFiles.PostureFile));
            Assert.That(replay.Gate.EvidenceRefusal, Is.Null);
        }
    }

    [Test]
    public async Task The_gate_refuses_the_same_evidence_when_its_signature_is_gone_or_its_signer_unknown()
    {
        var unsigned = Path.Combine(_root, "unsigned");
        CopyFolder(_saved, unsigned);
        File.Delete(Path.Combine(unsigned, SnapshotSigning.SignatureFile));

        var withoutSignature = await ReplayAsync(unsigned, requireVerified: true);
        var withoutTrust = await ReplayAsync(_saved, requireVerified: true, trusted: null);
        var exploring = await ReplayAsync(unsigned);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(withoutSignature.Gate.Passed, Is.False);
            Assert.That(withoutSignature.Gate.EvidenceRefusal, Does.Contain("not signed"));
            Assert.That(withoutTrust.Gate.EvidenceRefusal, Does.Contain("no trusted public key"));
            Assert.That(exploring.Gate.EvidenceRefusal, Is.Null, "without Evidence=verified an unverified snapshot is fine to explore");
            Assert.That(exploring.Trust.State, Is.EqualTo(EvidenceState.Unverified));
            Assert.That(Said(exploring), Is.EqualTo(Said(_live)), "the verdicts are the same: only the gate's trust differs");
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
