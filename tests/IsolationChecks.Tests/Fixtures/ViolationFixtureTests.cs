using System.Text.Json;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Fixtures;

/// <summary>
/// The catalog's promise, proven on fixtures: the reference is green, and each violation fixture turns
/// exactly the controls it names red (with a message naming the resource and the reason) and leaves
/// every other verdict as it is on the reference.
/// </summary>
public class ViolationFixtureTests
{
    private sealed record Expectation(
        IReadOnlyList<string>? Fail, IReadOnlyList<string>? Pass, IReadOnlyList<string>? Inconclusive,
        string? Resource, IReadOnlyList<string>? MessageContains);

    private sealed record FixtureFile(string Base, string Description, Expectation Expect);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static FixtureFile Describe(string folder) =>
        JsonSerializer.Deserialize<FixtureFile>(File.ReadAllBytes(Path.Combine(folder, "fixture.json")), Json)!;

    public static IEnumerable<TestCaseData> Violations() =>
        RepositoryPaths.ViolationFixtures().Select(d => new TestCaseData(d).SetName($"Fixture {Path.GetFileName(d)}"));

    private static async Task<Dictionary<(string Control, string Resource), Status>> ReferenceVerdictsAsync() =>
        (await FixtureRun.EvaluateAsync(RepositoryPaths.Reference)).ToDictionary(f => (f.Control.Id, f.Resource.Id), f => f.Status);

    [Test]
    public async Task The_reference_environment_passes_every_control()
    {
        var findings = await FixtureRun.EvaluateAsync(RepositoryPaths.Reference);

        Assert.That(findings, Is.Not.Empty);
        Assert.That(findings.Where(f => f.Status != Status.Pass).Select(f => $"{f.TestName}: {f.Status} {f.Message}"), Is.Empty);
        Assert.That(findings.Select(f => f.Control.Id).Distinct(), Is.EquivalentTo(ControlCatalog.Discover().Controls.Select(c => c.Metadata.Id)),
            "every control says something about the reference");
    }

    [TestCaseSource(nameof(Violations))]
    public async Task A_violation_fixture_changes_exactly_the_verdicts_it_names(string folder)
    {
        var expect = Describe(folder).Expect;
        var reference = await ReferenceVerdictsAsync();
        var findings = await FixtureRun.EvaluateAsync(folder);
        var named = new List<(string Control, Status Status)>();
        named.AddRange((expect.Fail ?? []).Select(id => (id, Status.Fail)));
        named.AddRange((expect.Inconclusive ?? []).Select(id => (id, Status.Inconclusive)));
        named.AddRange((expect.Pass ?? []).Select(id => (id, Status.Pass)));
        Assert.That(named, Is.Not.Empty, "fixture.json names at least one expected verdict");
        var (first, firstStatus) = named[0];

        using (Assert.EnterMultipleScope())
        {
            // resource and messageContains describe the first named verdict (the drift itself); the others
            // are its consequences, which must appear too (at least one finding with that status).
            foreach (var (control, status) in named)
            {
                var isFirst = control == first && status == firstStatus;
                var hits = findings.Where(f => f.Control.Id == control && f.Status == status
                                               && (!isFirst || expect.Resource is null || f.Resource.Name == expect.Resource || f.Resource.Id == expect.Resource)).ToList();
                Assert.That(hits, Is.Not.Empty, $"{control} should be {status}{(isFirst ? $" on {expect.Resource ?? "some resource"}" : "")}; got: " +
                    string.Join("; ", findings.Where(f => f.Control.Id == control).Select(f => $"{f.Resource.Name}={f.Status} {f.Message}")));
                if (isFirst && status != Status.Pass)
                    foreach (var text in expect.MessageContains ?? [])
                        Assert.That(hits.Select(f => f.Message), Has.Some.Contains(text), $"{control} message names '{text}'");
            }

            var namedControls = named.Select(n => n.Control).ToHashSet();
            var changed = findings.Where(f => !namedControls.Contains(f.Control.Id)
                                              && (!reference.TryGetValue((f.Control.Id, f.Resource.Id), out var before) || before != f.Status));
            Assert.That(changed.Select(f => $"{f.TestName}: {f.Status} {f.Message}"), Is.Empty, "verdicts the fixture does not name stay as on the reference");
        }
    }

    [Test]
    public void Every_control_has_a_fixture_that_turns_it_red()
    {
        var red = RepositoryPaths.ViolationFixtures().SelectMany(d => Describe(d).Expect.Fail ?? []).ToHashSet();

        Assert.That(ControlCatalog.Discover().Controls.Select(c => c.Metadata.Id).Where(id => !red.Contains(id)), Is.Empty);
    }

    [Test]
    public void The_violations_readme_lists_every_fixture_with_its_expected_verdicts()
    {
        var readme = File.ReadAllLines(RepositoryPaths.Path("Fixtures", "violations", "README.md"));

        using (Assert.EnterMultipleScope())
        {
            foreach (var folder in RepositoryPaths.ViolationFixtures())
            {
                var name = Path.GetFileName(folder);
                var row = readme.FirstOrDefault(l => l.StartsWith($"| `{name}` |", StringComparison.Ordinal));
                Assert.That(row, Is.Not.Null, $"{name} has a row in Fixtures/violations/README.md");
                var expect = Describe(folder).Expect;
                foreach (var id in (expect.Fail ?? []).Concat(expect.Inconclusive ?? []).Concat(expect.Pass ?? []))
                    Assert.That(row, Does.Contain(id), $"{name}'s row names {id}");
            }
        }
    }
}
