using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.BadInput;

/// <summary>
/// The bad-input corpus for settings, environment variables and snapshot folders, run in process as a user's run is:
/// Output claimed, settings resolved, the suite run. Each case must end with one message naming what is wrong, and the
/// exit code the documented table gives it (<see cref="ExitCodes"/>).
/// </summary>
public class BadInputCorpusTests
{
    private static readonly string[] RunKinds = ["settings", "environment", "snapshot"];

    public static IEnumerable<TestCaseData> Cases() =>
        BadInputCase.All().Where(c => RunKinds.Contains(c.Kind))
            .Select(c => new TestCaseData(c).SetName($"bad input {c.Kind}/{c.Name}").SetDescription(c.Description));

    [Test]
    public void Every_case_is_well_formed_and_the_corpus_covers_settings_environment_and_snapshots()
    {
        var cases = BadInputCase.All();

        using (Assert.EnterMultipleScope())
        {
            foreach (var c in cases)
            {
                Assert.That(BadInputCase.Kinds, Does.Contain(c.Kind), c.Name);
                Assert.That(c.Description, Is.Not.Empty, c.Name);
                Assert.That(c.Expect.Fragment, Is.Not.Empty, c.Name);
                Assert.That(ExitCodes.Documented.Select(d => d.Code), Does.Contain(c.Expect.ExitCode), c.Name);
                if (c.Kind == "snapshot")
                    Assert.That(File.Exists(Path.Combine(c.Folder, "snapshot")) || Directory.Exists(Path.Combine(c.Folder, "snapshot")), Is.True,
                        $"{c.Name}: a snapshot case has a snapshot file or folder beside case.json");
            }

            Assert.That(cases.Count(c => RunKinds.Contains(c.Kind)), Is.GreaterThanOrEqualTo(30));
            foreach (var kind in RunKinds)
                Assert.That(cases.Count(c => c.Kind == kind), Is.GreaterThanOrEqualTo(4), kind);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Ends_with_one_clear_message_and_the_documented_exit_code(BadInputCase badInput)
    {
        var output = Path.Combine(Path.GetTempPath(), $"bad-input-{Guid.NewGuid():N}");
        try
        {
            var finished = await RunAsync(badInput, output);
            var message = finished.Outcome.Message;

            using (Assert.EnterMultipleScope())
            {
                Assert.That(message, Does.Contain(badInput.Expect.Fragment), badInput.Description);
                Assert.That(finished.ExitCode, Is.EqualTo(badInput.Expect.ExitCode), $"{badInput.Description}\n{message}");
                Assert.That(message, Does.Not.Match(@"\n\s+at \S+\("), "no stack trace in the message");
                Assert.That(message.Split('\n'), Has.Length.LessThanOrEqualTo(2), "one message, not a report");
                var errorText = Path.Combine(finished.OutputFolder, OutputFolder.ErrorTextFile);
                if (finished.ExitCode != ExitCodes.GatePassed && finished.Result is null && finished.Files.Count > 0)
                    Assert.That(File.ReadAllText(errorText), Does.Contain(badInput.Expect.Fragment), "the error file says it too");
            }
        }
        finally
        {
            if (Directory.Exists(output))
                Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>
    /// Runs the case as the suite would: relative paths resolve against the case's folder, the embedded reference is the
    /// repository's, nothing of this process's environment leaks in, and Output is a fresh folder unless the case sets it.
    /// </summary>
    private static Task<FinishedRun> RunAsync(BadInputCase badInput, string output)
    {
        var reference = SettingsResolver.EmbeddedReference(RepositoryPaths.Root);
        string Expand(string value) => value.Replace(BadInputCase.EmbeddedReferenceToken, reference, StringComparison.Ordinal);
        var parameters = (badInput.Parameters ?? []).ToDictionary(p => p.Key, p => Expand(p.Value), StringComparer.Ordinal);
        var environment = (badInput.Environment ?? []).ToDictionary(e => e.Key, e => Expand(e.Value), StringComparer.Ordinal);
        if (badInput.Kind == "snapshot")
            parameters.TryAdd("Target", "snapshot");
        if (!parameters.ContainsKey("Output") && !environment.ContainsKey("ISOLATION_OUTPUT"))
            parameters["Output"] = output;
        var request = new RunRequest(parameters, environment, badInput.Folder, RepositoryPaths.Root);
        return new AuditRun(ControlCatalog.Discover().Controls, TimeProvider.System).RunAsync(request, null, new Interruption());
    }
}

/// <summary>The README states the corpus's size; it must stay true.</summary>
public class BadInputCorpusDocsTests
{
    [Test]
    public void The_readme_states_how_many_settings_environment_and_snapshot_cases_the_corpus_holds()
    {
        var count = BadInputCase.All().Count(c => c.Kind is "settings" or "environment" or "snapshot");

        Assert.That(File.ReadAllText(RepositoryPaths.Path("README.md")),
            Does.Contain($"{count} settings, environment-variable and snapshot-folder cases"));
    }
}
