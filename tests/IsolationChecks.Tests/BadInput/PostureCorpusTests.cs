using IsolationChecks.Posture;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.BadInput;

/// <summary>
/// The bad-input corpus, posture part: every folder under BadInput/Cases whose case.json has kind "posture" holds a
/// posture.json a user could write (raw bytes, malformed ones included) and the one error it must produce: a single
/// message naming the file, the JSON path, the line and column and what was expected, with no stack trace and no
/// exception type in it, and exit code 2 (configuration error).
/// </summary>
public sealed class PostureCorpusTests
{
    public const string PostureKind = "posture";

    /// <summary>The documented exit code for bad input (a configuration error), which every posture case expects.</summary>
    public const int ConfigurationErrorExitCode = 2;

    private static IEnumerable<BadInputCase> AllCases() => BadInputCase.All();

    public static IEnumerable<TestCaseData> PostureCases() =>
        AllCases().Where(c => c.Kind == PostureKind).Select(c => new TestCaseData(c).SetName($"Posture case {c}"));

    [TestCaseSource(nameof(PostureCases))]
    public async Task A_bad_posture_gives_one_clear_error(BadInputCase badInput)
    {
        var path = System.IO.Path.Combine(badInput.Folder, "posture.json");

        var error = await Assert.ThrowsAsync<InputException>(() => PostureLoader.LoadAsync(path, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(badInput.Description, Is.Not.Empty);
            Assert.That(badInput.Expect.ExitCode, Is.EqualTo(ConfigurationErrorExitCode));
            Assert.That(error!.Message, Does.Contain(badInput.Expect.Fragment));
            Assert.That(error.Message, Does.StartWith(path + ": $"), "the message starts with the file and the JSON path");
            Assert.That(error.Message, Does.Match(@" at line \d+, column \d+: expected "), "the message names line and column");
            Assert.That(error.Message, Does.Not.Contain("\n").And.Not.Contain("   at ").And.Not.Contain("Exception").And.Not.Contain("System."),
                "one line, no stack trace, no exception type");
        }
    }

    [Test]
    public void The_corpus_has_at_least_forty_posture_cases_each_with_its_posture()
    {
        var cases = AllCases().Where(c => c.Kind == PostureKind).ToList();

        Assert.That(cases, Has.Count.GreaterThanOrEqualTo(40));
        Assert.That(cases.Where(c => !File.Exists(System.IO.Path.Combine(c.Folder, "posture.json"))).Select(c => c.ToString()), Is.Empty);
    }

    [Test]
    public void The_readme_states_the_size_of_the_posture_corpus()
    {
        var count = AllCases().Count(c => c.Kind == PostureKind);

        Assert.That(File.ReadAllText(RepositoryPaths.Path("README.md")), Does.Contain($"{count} posture cases"));
    }
}
