using System.Reflection;
using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Tests.Controls.Network;

/// <summary>
/// CB-3 and EP-1..EP-5 on the repository's fixtures: the reference is green; each violation overlay turns red
/// the network controls it names, and no network control it does not name (CB-3 may join CB-1/CB-2: a project
/// outside a VPC, or with an internet route, usually has a path too).
/// </summary>
public class NetworkFixtureTests
{
    private static readonly string[] NetworkControls = ["CB-3", "EP-1", "EP-2", "EP-3", "EP-4", "EP-5"];

    private static readonly string FixturesRoot = Path.Combine(
        typeof(NetworkFixtureTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!, "Fixtures");

    public static IEnumerable<string> Violations() =>
        Directory.GetDirectories(Path.Combine(FixturesRoot, "violations")).Select(Path.GetFileName).OfType<string>().Order();

    private static async Task<IReadOnlyList<Finding>> EvaluateAsync(string folder)
    {
        var files = await SnapshotFolder.ReadAsync(folder, CancellationToken.None);
        var snapshot = SnapshotReader.Read(files);
        var posture = PostureLoader.Parse(files.Files["posture.json"], Path.Combine(folder, "posture.json"));
        var context = new EvaluationContext(snapshot, posture, TimeProvider.System);
        var catalog = ControlCatalog.Discover();
        var findings = new List<Finding>();
        foreach (var id in NetworkControls)
            findings.AddRange(await catalog.Get(id).EvaluateAsync(context, CancellationToken.None));
        return findings;
    }

    private static string Explain(IEnumerable<Finding> findings) =>
        string.Join("\n", findings.Select(f => $"{f.Control.Id} {f.Resource.Name} {f.Status}: {f.Message}"));

    [Test]
    public async Task The_reference_passes_every_network_control()
    {
        var findings = await EvaluateAsync(Path.Combine(FixturesRoot, "reference"));

        Assert.That(findings.Select(f => f.Control.Id).Distinct(), Is.EquivalentTo(NetworkControls));
        Assert.That(findings.Where(f => f.Status != Status.Pass), Is.Empty, Explain(findings.Where(f => f.Status != Status.Pass)));
    }

    [TestCaseSource(nameof(Violations))]
    public async Task A_violation_turns_red_exactly_the_network_controls_it_names(string violation)
    {
        var folder = Path.Combine(FixturesRoot, "violations", violation);
        var fixture = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "fixture.json")))!;
        var expect = fixture["expect"]!;
        var fail = expect["fail"]!.AsArray().Select(n => (string)n!).ToList();
        var pass = expect["pass"]?.AsArray().Select(n => (string)n!).ToList() ?? [];

        var findings = await EvaluateAsync(folder);

        var red = findings.Where(f => f.Status == Status.Fail).Select(f => f.Control.Id).Distinct().ToList();
        var mayAlsoFail = fail.Any(id => id is "CB-1" or "CB-2") ? new[] { "CB-3" } : [];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(red, Is.SubsetOf(fail.Concat(mayAlsoFail)), Explain(findings.Where(f => f.Status == Status.Fail)));
            foreach (var id in fail.Intersect(NetworkControls))
                Assert.That(red, Does.Contain(id), Explain(findings.Where(f => f.Control.Id == id)));
            foreach (var id in pass)
                Assert.That(findings.Where(f => f.Control.Id == id).Select(f => f.Status), Is.All.EqualTo(Status.Pass), Explain(findings.Where(f => f.Control.Id == id)));
            if (fail.FirstOrDefault() is { } first && NetworkControls.Contains(first))
            {
                var failing = findings.Where(f => f.Control.Id == first && f.Status == Status.Fail).ToList();
                var resource = (string?)expect["resource"];
                var messages = expect["messageContains"]?.AsArray().Select(n => (string)n!).ToList() ?? [];
                var matching = failing.Where(f => (resource == null || f.Resource.Id == resource || f.Resource.Name == resource)
                    && messages.All(m => f.Message.Contains(m, StringComparison.Ordinal)));
                Assert.That(matching, Is.Not.Empty,
                    $"expected a {first} failure on {resource} mentioning {string.Join(", ", messages)}:\n{Explain(failing)}");
            }
        }
    }
}
