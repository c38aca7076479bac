using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;
using IsolationChecks.Tests.Support;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Evidence;

/// <summary>
/// No pass without evidence, proven member by member: every evidence file of the reference snapshot is corrupted in every
/// way its declared shape allows (truncated; each member removed when required; each member given the wrong type). For
/// each corruption: the file is a data gap naming its path; no verdict moves towards pass; every verdict whose evidence
/// cites the file is no longer a pass; and when any control consulted the file, some verdict is no longer compliant, so
/// the suite's exit code is non-zero.
/// </summary>
public sealed class CorruptionTests
{
    private sealed record Baseline(
        SnapshotFiles Files, PostureDocument Posture, IReadOnlyList<Finding> Findings, IReadOnlyDictionary<string, IReadOnlySet<string>> ControlsByFile);

    private static readonly Lazy<Baseline> Reference = new(LoadBaseline);

    public static IEnumerable<Corruption> Cases() => CorruptionCases.For(Reference.Value.Files);

    private static Baseline LoadBaseline()
    {
        var files = SnapshotFolder.ReadAsync(RepositoryPaths.Reference, CancellationToken.None).GetAwaiter().GetResult();
        var posture = PostureLoader.Parse(files.Files[SnapshotFiles.PostureFile], "Fixtures/reference/posture.json");
        var findings = Evaluate(files, posture);
        // Which control consulted which file: each control evaluated on its own read, less what the reader itself consulted.
        var controlsByFile = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var control in ControlCatalog.Discover().Controls)
        {
            var snapshot = SnapshotReader.Read(files);
            var before = snapshot.Log!.Files.ToHashSet(StringComparer.Ordinal);
            _ = control.EvaluateAsync(new EvaluationContext(snapshot, posture, TimeProvider.System), CancellationToken.None).GetAwaiter().GetResult();
            foreach (var file in snapshot.Log.Files.Where(f => !before.Contains(f)))
            {
                if (!controlsByFile.TryGetValue(file, out var controls))
                    controlsByFile[file] = controls = new HashSet<string>(StringComparer.Ordinal);
                controls.Add(control.Metadata.Id);
            }
        }

        return new Baseline(files, posture, findings, controlsByFile.ToDictionary(kv => kv.Key, kv => (IReadOnlySet<string>)kv.Value));
    }

    private static IReadOnlyList<Finding> Evaluate(SnapshotFiles files, PostureDocument posture) =>
        new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System)
            .EvaluateAsync(SnapshotReader.Read(files), posture, "posture.json", CancellationToken.None).GetAwaiter().GetResult();

    private static string Key(Finding f) => $"{f.Control.Id} {f.Resource.Id}";

    [Test]
    public void The_reference_is_compliant_and_its_evidence_is_read_by_the_controls()
    {
        var baseline = Reference.Value;

        Assert.That(baseline.Findings.Select(f => f.Status), Is.All.EqualTo(Status.Pass));
        Assert.That(baseline.ControlsByFile.Count, Is.GreaterThan(20));
    }

    /// <summary>Every control of the catalog can be made inconclusive: one file it reads, truncated, leaves it undecided.</summary>
    [TestCaseSource(typeof(ControlCatalogIds), nameof(ControlCatalogIds.All))]
    public void Every_control_is_inconclusive_when_a_file_it_reads_does_not_read(string controlId)
    {
        var baseline = Reference.Value;
        // What it consulted beyond the reader's own reads, and what its verdicts cite (a file the reader consulted first).
        var read = baseline.ControlsByFile.Where(kv => kv.Value.Contains(controlId)).Select(kv => kv.Key)
            .Concat(baseline.Findings.Where(f => f.Control.Id == controlId).SelectMany(f => f.Evidence).Select(e => e.Source).OfType<string>())
            .Where(baseline.Files.Files.ContainsKey)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.That(read, Is.Not.Empty, $"{controlId} reads evidence from the reference");

        var undecided = read.Where(file =>
        {
            var bytes = baseline.Files.Files[file];
            var corrupted = baseline.Files with
            {
                Files = new Dictionary<string, byte[]>(baseline.Files.Files, StringComparer.Ordinal) { [file] = bytes[..(bytes.Length / 2)] },
            };
            return Evaluate(corrupted, baseline.Posture).Any(f => f.Control.Id == controlId && f.Status == Status.Inconclusive);
        });

        Assert.That(undecided, Is.Not.Empty, $"truncating a file {controlId} reads makes one of its verdicts inconclusive");
    }

    /// <summary>A verdict resting on a path question names the network inventories that question read, not only those the control read.</summary>
    [TestCase("CB-3")]
    [TestCase("EP-4")]
    [TestCase("GL-2")]
    [TestCase("CONN-1")]
    public void Each_path_verdict_cites_the_network_inventories_its_own_question_read(string controlId)
    {
        var findings = Reference.Value.Findings.Where(f => f.Control.Id == controlId).ToList();

        Assert.That(findings, Is.Not.Empty);
        foreach (var inventory in new[] { "RouteTables.json", "NetworkAcls.json", "Subnets.json" })
            Assert.That(findings.Where(f => !f.Evidence.Any(e => e.Source?.EndsWith("/" + inventory, StringComparison.Ordinal) == true)).Select(Key), Is.Empty,
                $"every {controlId} verdict cites the {inventory} its path question consulted");
    }

    [TestCaseSource(nameof(Cases))]
    public void A_corrupted_evidence_file_never_leaves_a_pass_resting_on_it(Corruption corruption)
    {
        var baseline = Reference.Value;
        var corrupted = baseline.Files with
        {
            Files = new Dictionary<string, byte[]>(baseline.Files.Files, StringComparer.Ordinal) { [corruption.File] = corruption.Apply(baseline.Files.Files[corruption.File]) },
        };

        var gap = GapOf(corrupted, corruption.File);
        var findings = Evaluate(corrupted, baseline.Posture).ToDictionary(Key);
        var before = baseline.Findings.ToDictionary(Key);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gap, Is.Not.Null, "the corrupted file must read as a data gap, not as evidence");
            Assert.That(gap?.ErrorCode, Is.EqualTo(DataGap.MalformedEvidence));
            Assert.That(gap?.Reason, corruption.What == "truncated" ? Does.Contain("well-formed JSON") : Does.StartWith(corruption.JsonPath), gap?.Describe());
            Assert.That(findings.Where(f => f.Value.Status == Status.Pass && before.TryGetValue(f.Key, out var was) && was.Status != Status.Pass).Select(f => f.Key),
                Is.Empty, "no verdict may move towards pass");
            // A verdict citing the file must not stay a pass; when it is gone (the resource could no longer be listed), its control
            // must now say something other than pass.
            Assert.That(before.Values.Where(f => f.Evidence.Any(e => e.Source == corruption.File))
                    .Where(f => findings.TryGetValue(Key(f), out var now)
                        ? now.Status == Status.Pass
                        : findings.Values.Where(n => n.Control.Id == f.Control.Id).All(n => n.Status == Status.Pass)).Select(Key),
                Is.Empty, "a pass citing the corrupted file must not stay a pass");
            if (baseline.ControlsByFile.TryGetValue(corruption.File, out var readers))
            {
                Assert.That(findings.Values.Where(f => readers.Contains(f.Control.Id)).Count(f => f.Status != Status.Pass), Is.GreaterThan(0),
                    $"{string.Join(", ", readers)} consulted {corruption.File}: one of their verdicts must rest on it");
                Assert.That(findings.Values.Any(f => f.Status is not (Status.Pass or Status.Waived)), Is.True, "the suite's exit code must be non-zero");
            }
        }
    }

    /// <summary>The gap the reader reports for the file, whichever control or document reads it.</summary>
    private static DataGap? GapOf(SnapshotFiles files, string path)
    {
        var snapshot = SnapshotReader.Read(files);
        if (ProbeDocuments.All.FirstOrDefault(p => p.Path == path) is { } probe)
            return Gap(typeof(Snapshot).GetMethod(nameof(Snapshot.ReadProbe))!.MakeGenericMethod(probe.Shape).Invoke(snapshot, [probe])!);
        var scope = snapshot.Scopes.Single(s => s.Folder.Length == 0 || path.StartsWith(s.Folder + "/", StringComparison.Ordinal));
        var relative = scope.Folder.Length == 0 ? path : path[(scope.Folder.Length + 1)..];
        var call = IsolationChecks.Aws.Calls.AwsCalls.All.Single(c => c.ItemOf(relative) is not null);
        var item = call.IsPerItem ? call.ItemOf(relative) : null;
        var read = call.AbsentCodes.Count > 0
            ? typeof(ScopeSnapshot).GetMethod(nameof(ScopeSnapshot.ReadOptional))!.MakeGenericMethod(call.Shape).Invoke(scope, [call, item])!
            : typeof(ScopeSnapshot).GetMethod(nameof(ScopeSnapshot.Read))!.MakeGenericMethod(call.Shape).Invoke(scope, [call, item])!;
        return Gap(read);
    }

    private static DataGap? Gap(object collected) => (DataGap?)collected.GetType().GetProperty("Gap")!.GetValue(collected);

    [Test]
    public void The_corruption_count_in_the_readme_is_the_generated_count()
    {
        var count = Cases().Count();
        var readme = File.ReadAllText(RepositoryPaths.Path("README.md"));

        Assert.That(readme, Does.Contain($"{count} corruptions"), $"README.md states the number of generated corruption cases: {count}");
    }
}

/// <summary>The ids of every control the catalog discovers, as test cases.</summary>
public static class ControlCatalogIds
{
    public static IEnumerable<string> All() => ControlCatalog.Discover().Controls.Select(c => c.Metadata.Id);
}
