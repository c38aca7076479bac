using System.Text.Json;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Reporting;

/// <summary>A run's Output holds that run's files only: previous reports go first, a second run is refused, an error leaves error.json.</summary>
public class OutputFolderTests
{
    private string _root = "";

    [SetUp]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("output-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_root, recursive: true);

    private string Output => Path.Combine(_root, "results");

    private RunRequest Request(Dictionary<string, string> parameters, Dictionary<string, string>? environment = null) =>
        new(new Dictionary<string, string>(parameters) { ["Output"] = Output }, environment ?? [], _root, RepositoryPaths.Root);

    private static Task<FinishedRun> RunAsync(RunRequest request, Interruption? interruption = null) =>
        new AuditRun(ControlCatalog.Discover().Controls, TimeProvider.System).RunAsync(request, null, interruption ?? new Interruption());

    private void PreviousRunLeft(params string[] files)
    {
        Directory.CreateDirectory(Output);
        foreach (var file in files)
            File.WriteAllText(Path.Combine(Output, file), "from the previous run");
    }

    [Test]
    public void A_second_claim_on_the_same_folder_is_refused_naming_the_run_that_holds_it()
    {
        using (OutputFolder.Claim(Output, "live", TimeProvider.System))
        {
            var error = Assert.Throws<InputException>(() => OutputFolder.Claim(Output, "snapshots/x", TimeProvider.System));

            Assert.That(error.Field, Is.EqualTo("Output"));
            Assert.That(error.Message, Does.Contain($"pid {Environment.ProcessId}").And.Contain("target live").And.Contain("wait for that run to finish"));
        }

        using var next = OutputFolder.Claim(Output, "live", TimeProvider.System);
        Assert.That(next.PreviousHolder, Is.Null, "the first run released the folder cleanly");
    }

    [Test]
    public void A_run_that_died_holding_the_folder_is_noticed_and_its_lock_does_not_block()
    {
        Directory.CreateDirectory(Output);
        File.WriteAllText(Path.Combine(Output, OutputFolder.HolderFile),
            """{"Pid":999999,"Host":"ci-7","StartedAt":"2026-03-01T02:00:00+00:00","Target":"live"}""");

        using var folder = OutputFolder.Claim(Output, "live", TimeProvider.System);

        Assert.That(folder.PreviousHolder, Does.Contain("pid 999999 on ci-7"));
    }

    [Test]
    public void An_output_path_that_cannot_be_a_folder_is_a_configuration_error()
    {
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "");

        var error = Assert.Throws<InputException>(() => OutputFolder.Claim(Path.Combine(file, "results"), "live", TimeProvider.System));

        Assert.That(error.Message, Does.Contain("Output: expected a folder the results can be written to").And.Contain(file));
    }

    [Test]
    public async Task A_configuration_error_removes_the_previous_reports_and_leaves_its_error_file_instead()
    {
        PreviousRunLeft([.. ReportFormats.All.Select(f => f.FileName), "notes-of-the-team.txt"]);

        var finished = await RunAsync(Request(new() { ["Region"] = "Tokyo" }));

        Assert.That(finished.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(Directory.EnumerateFiles(Output).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(),
            Is.EqualTo(new[] { "error.json", "error.txt", "notes-of-the-team.txt" }), "only the run's own files are replaced");
        using var error = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, "error.json")));
        Assert.That(error.RootElement.GetProperty("kind").GetString(), Is.EqualTo("configuration-error"));
        Assert.That(error.RootElement.GetProperty("exitCode").GetInt32(), Is.EqualTo(2));
        Assert.That(error.RootElement.GetProperty("message").GetString(), Does.Contain("Region").And.Contain("Tokyo"));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(Output, "error.txt")), Does.Contain("exit code 2"));
    }

    [Test]
    public async Task A_finished_run_removes_an_old_error_file_and_writes_its_reports_saying_demo_data()
    {
        PreviousRunLeft("error.json", "error.txt");

        var finished = await RunAsync(Request([]));

        Assert.That(finished.ExitCode, Is.EqualTo(ExitCodes.GatePassed), finished.Outcome.Message);
        Assert.That(Directory.EnumerateFiles(Output).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(),
            Is.EqualTo(ReportFormats.All.Select(f => f.FileName).Order()), "every registered report, nothing else");
        using var findings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, "findings.json")));
        Assert.That(findings.RootElement.GetProperty("demoData").GetBoolean(), Is.True);
        Assert.That(findings.RootElement.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(await File.ReadAllTextAsync(Path.Combine(Output, "report.md")), Does.Contain(RunResult.DemoNotice.Replace("\"", "\\\"", StringComparison.Ordinal)[..40]));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(Output, "report.html")), Does.Contain("DEMO DATA, NOT AN AUDIT"));
    }

    [Test]
    public async Task A_run_refused_because_another_holds_the_folder_leaves_that_runs_files_alone()
    {
        PreviousRunLeft("findings.json");
        using var holder = OutputFolder.Claim(Output, "live", TimeProvider.System);

        var finished = await RunAsync(Request([]));

        Assert.That(finished.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(finished.Outcome.Message, Does.Contain("in use by the run with pid"));
        Assert.That(finished.Files, Is.Empty);
        Assert.That(File.Exists(Path.Combine(Output, "findings.json")), Is.True, "the other run's files are its own");
    }

    [Test]
    public async Task An_interrupted_run_judges_nothing_and_says_so_where_the_reports_would_be()
    {
        PreviousRunLeft("findings.json", "report.md");
        using var interruption = new Interruption();
        interruption.Interrupt("SIGTERM received");

        var finished = await RunAsync(Request([]), interruption);

        Assert.That(finished.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(File.Exists(Path.Combine(Output, "findings.json")), Is.False, "nothing that looks like a finished audit");
        Assert.That(await File.ReadAllTextAsync(Path.Combine(Output, "error.txt")), Does.Contain("INTERRUPTED: SIGTERM received"));
    }

    /// <summary>What a run's progress lines saw in Output as they were printed, before anything was judged.</summary>
    private sealed class OutputWatch(string output) : IProgress<string>
    {
        public string? ErrorJsonSeen { get; private set; }

        public void Report(string value) =>
            ErrorJsonSeen ??= File.Exists(Path.Combine(output, OutputFolder.ErrorJsonFile)) ? File.ReadAllText(Path.Combine(output, OutputFolder.ErrorJsonFile)) : "(none)";
    }

    [Test]
    public async Task While_a_run_is_under_way_error_json_already_says_it_has_not_finished_and_its_reports_replace_it()
    {
        PreviousRunLeft("findings.json");
        var watch = new OutputWatch(Output);

        var finished = await new AuditRun(ControlCatalog.Discover().Controls, TimeProvider.System).RunAsync(Request([]), watch, new Interruption());

        Assert.That(watch.ErrorJsonSeen, Is.Not.Null, "the run printed progress");
        using var seen = JsonDocument.Parse(watch.ErrorJsonSeen!);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(seen.RootElement.GetProperty("kind").GetString(), Is.EqualTo("interrupted"));
            Assert.That(seen.RootElement.GetProperty("exitCode").GetInt32(), Is.EqualTo(ExitCodes.Interrupted));
            Assert.That(seen.RootElement.GetProperty("message").GetString(), Does.Contain("killed"));
            Assert.That(seen.RootElement.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(finished.ExitCode, Is.EqualTo(ExitCodes.GatePassed), finished.Outcome.Message);
            Assert.That(File.Exists(Path.Combine(Output, OutputFolder.ErrorJsonFile)), Is.False, "the reports replaced it");
            Assert.That(File.Exists(Path.Combine(Output, OutputFolder.ErrorTextFile)), Is.False);
        }
    }

    [Test]
    public async Task A_process_ended_while_writing_its_reports_leaves_error_json_saying_so_beside_them()
    {
        using var folder = OutputFolder.Claim(Output, "live", TimeProvider.System);
        folder.ReplacePreviousRun();
        // Half the reports, then the process is gone: what a SIGKILL in WriteReportsAsync leaves.
        await File.WriteAllTextAsync(Path.Combine(Output, "findings.json"), """{"auditGate": {"passed": tr""");

        using var error = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, OutputFolder.ErrorJsonFile)));
        Assert.That(error.RootElement.GetProperty("kind").GetString(), Is.EqualTo("interrupted"));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(Output, OutputFolder.ErrorTextFile)), Does.Contain("exit code 4"));
    }

    [Test]
    public async Task An_interruption_while_the_reports_are_written_wins_error_json_and_the_exit_code()
    {
        using var folder = OutputFolder.Claim(Output, "live", TimeProvider.System);
        folder.ReplacePreviousRun();
        folder.WriteError(new RunOutcome.Interrupted("SIGTERM received"));

        await folder.WriteReportsAsync(Run([Finding(Control("CB-1"), "app-build", Status.Pass)]), CancellationToken.None);

        using var error = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, OutputFolder.ErrorJsonFile)));
        Assert.That(error.RootElement.GetProperty("message").GetString(), Does.Contain("SIGTERM received"));
        Assert.That(folder.Error, Is.EqualTo(new RunOutcome.Interrupted("SIGTERM received")));
    }
}
