using IsolationChecks.Collection;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Running;

/// <summary>
/// A live run asks IAM's simulator its questions as soon as the calls they rest on have answered, while the rest of the
/// collection goes on. That is sound only if nothing else changes them: for the reference and every violation fixture,
/// the questions asked of a snapshot holding only those calls' files are exactly the questions asked of the whole one.
/// </summary>
public class PolicySimulationFollowUpTests
{
    public static IEnumerable<string> Fixtures() => RepositoryPaths.ViolationFixtures().Prepend(RepositoryPaths.Reference);

    [TestCaseSource(nameof(Fixtures))]
    public async Task The_questions_from_the_evidence_they_rest_on_are_those_of_the_whole_snapshot(string fixture)
    {
        var files = await IsolationChecks.TestSupport.FixtureOverlay.FilesAsync(fixture);
        var posture = PostureLoader.Parse(files.Files[SnapshotFiles.PostureFile], Path.Combine(fixture, SnapshotFiles.PostureFile));
        var followUp = LiveCollection.PolicySimulations(ControlCatalog.Discover().Controls, posture, LiveCollection.ScopesOf(posture), TimeProvider.System);
        var kept = files.Files.Where(f => f.Key == SnapshotFiles.PostureFile || followUp.RestsOn.Any(call => call.ItemOf(ScopeRelative(f.Key)) is not null))
            .ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        var restingOn = files with
        {
            Files = kept,
            Manifest = files.Manifest is not { } manifest ? null : manifest with
            {
                Calls = manifest.Calls.Where(c => followUp.RestsOn.Any(call => call.Service.IamPrefix == c.Service && call.Operation == c.Operation)).ToList(),
                Files = manifest.Files.Where(f => kept.ContainsKey(f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal),
            },
        };

        var whole = Questions(followUp.Questions(files));
        Assert.That(Questions(followUp.Questions(restingOn)), Is.EqualTo(whole));
        Assert.That(restingOn.Files, Has.Count.LessThan(files.Files.Count), "the follow-up rests on part of the evidence");
        if (fixture == RepositoryPaths.Reference)
            Assert.That(whole, Is.Not.Empty, "the reference raises questions for the simulator");
    }

    private static IReadOnlyList<string> Questions(CollectionRequests requests) =>
        requests.All.Select(r => $"{r.Scope} {r.Item!.Key} {r.Item.Input?.ToJsonString()}").Order(StringComparer.Ordinal).ToList();

    /// <summary>"iam/x.json" of "accounts/111111111111/ap-northeast-1/iam/x.json"; a file at the root as it is.</summary>
    private static string ScopeRelative(string path) =>
        path.StartsWith("accounts/", StringComparison.Ordinal) ? string.Join('/', path.Split('/').Skip(3)) : path;
}
