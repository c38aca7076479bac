using System.Text.Json;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Cli;

/// <summary>
/// The console tool as users run it (in process): the commands, the documented exit codes, the settings' precedence
/// (option over environment over default) and the rule that no source weakens a gate.
/// </summary>
public class ConsoleToolTests
{
    private string _work = null!;

    [SetUp]
    public void CreateWorkFolder() => _work = Directory.CreateTempSubdirectory("console-").FullName;

    [TearDown]
    public void RemoveWorkFolder() => Directory.Delete(_work, recursive: true);

    private Task<ToolRun.Result> Run(IReadOnlyDictionary<string, string>? environment, params string[] args) => ToolRun.RunAsync(args, environment, _work);

    private Task<ToolRun.Result> Run(params string[] args) => ToolRun.RunAsync(args, null, _work);

    public static IEnumerable<TestCaseData> Mistakes() =>
    [
        new TestCaseData((object)Array.Empty<string>()).SetName("No command"),
        new TestCaseData((object)new[] { "audits" }).SetName("An unknown command"),
        new TestCaseData((object)new[] { "audit", "--target" }).SetName("An option without its value"),
        new TestCaseData((object)new[] { "audit", "--progress", "fancy" }).SetName("A value outside the option's choices"),
        new TestCaseData((object)new[] { "snapshot", "diff", "only-one" }).SetName("A missing argument"),
        new TestCaseData((object)new[] { "audit", "--nope" }).SetName("An unknown option"),
    ];

    [TestCaseSource(nameof(Mistakes))]
    public async Task Command_line_mistakes_are_configuration_errors_with_one_message(string[] args)
    {
        var run = await Run(args);

        Assert.That(run.Code, Is.EqualTo(ExitCodes.ConfigurationError), run.ToString());
        Assert.That(run.Error, Does.StartWith("isolationchecks: ").And.Contain("--help"));
        Assert.That(run.Error, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public async Task Help_lists_every_command_and_the_exit_codes()
    {
        var run = await Run("--help");

        Assert.That(run.Code, Is.EqualTo(ExitCodes.GatePassed));
        foreach (var command in new[] { "audit", "controls", "snapshot", "posture", "path", "probe-vpc" })
            Assert.That(run.Output, Does.Contain($"  {command}"));
        foreach (var (code, meaning) in ExitCodes.Documented)
            Assert.That(run.Output, Does.Contain($"{code} {meaning}"));
    }

    [Test]
    public async Task Controls_lists_the_catalog_with_what_each_control_reads_and_its_remediation()
    {
        var text = await Run("controls");
        var json = await Run("controls", "--json");
        var catalog = ControlCatalog.Discover().Controls.Select(c => c.Metadata).ToList();

        Assert.That((text.Code, json.Code), Is.EqualTo((0, 0)));
        using var document = JsonDocument.Parse(json.Output);
        var listed = document.RootElement.EnumerateArray().ToList();
        Assert.That(listed.Select(c => c.GetProperty("id").GetString()), Is.EqualTo(catalog.Select(c => c.Id)));
        foreach (var (control, entry) in catalog.Zip(listed))
        {
            Assert.That(text.Output, Does.Contain(control.Id).And.Contain(control.Title).And.Contain(control.Remediation));
            Assert.That(entry.GetProperty("severity").GetString(), Is.EqualTo(control.Severity.ToWire()));
            Assert.That(entry.GetProperty("reads").GetArrayLength(), Is.GreaterThan(0), $"{control.Id} reads nothing?");
        }

        Assert.That(listed.Single(c => c.GetProperty("id").GetString() == "CB-1").GetProperty("reads").EnumerateArray().Select(r => r.GetString()),
            Does.Contain("codebuild/batch-get-projects.json"));
        Assert.That(listed.Single(c => c.GetProperty("id").GetString() == "NET-1").GetProperty("reads").EnumerateArray().Select(r => r.GetString()),
            Does.Contain("probes/in-vpc.json"));
    }

    [Test]
    public async Task Audit_of_the_embedded_reference_passes_says_demo_data_and_writes_every_format()
    {
        var run = await Run("audit", "--progress", "plain");

        Assert.That(run.Code, Is.EqualTo(ExitCodes.GatePassed), run.ToString());
        Assert.That(run.Output, Does.Contain("DEMO DATA, NOT AN AUDIT").And.Contain("audit gate PASSED").And.Contain("exit code 0 (gate passed)"));
        Assert.That(run.Error, Does.Contain("IsolationChecks: Evaluating"), "progress goes to standard error, as plain lines");
        Assert.That(Directory.GetFiles(Path.Combine(_work, "isolation-results")).Select(Path.GetFileName),
            Is.SupersetOf(ReportFormats.All.Select(f => f.FileName)));
    }

    [Test]
    public async Task Format_selects_the_reports_and_an_unknown_one_names_the_known_ones()
    {
        var markdown = await Run("audit", "--format", "md", "--output", "only-md", "--progress", "quiet");
        var unknown = await Run("audit", "--format", "md,pdf", "--output", "bad", "--progress", "quiet");

        Assert.That(markdown.Code, Is.EqualTo(ExitCodes.GatePassed), markdown.ToString());
        Assert.That(Directory.GetFiles(Path.Combine(_work, "only-md")).Select(Path.GetFileName).Where(f => !f!.StartsWith('.')), Is.EquivalentTo(new[] { "report.md" }));
        Assert.That(unknown.Code, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(unknown.Error, Does.Contain("\"pdf\"").And.Contain("json, md, html"));
        Assert.That(File.Exists(Path.Combine(_work, "bad", "findings.json")), Is.False, "nothing judged");
    }

    [Test]
    public async Task An_option_wins_over_the_environment_which_wins_over_the_default()
    {
        var environment = new Dictionary<string, string> { ["ISOLATION_OUTPUT"] = "from-environment", ["ISOLATION_FORMATS"] = "json" };

        var environmentOnly = await Run(environment, "audit", "--progress", "quiet");
        var option = await Run(environment, "audit", "--output", "from-option", "--format", "html", "--progress", "quiet");

        Assert.That((environmentOnly.Code, option.Code), Is.EqualTo((0, 0)), environmentOnly + "\n" + option);
        Assert.That(File.Exists(Path.Combine(_work, "from-environment", "findings.json")) && !File.Exists(Path.Combine(_work, "from-environment", "report.html")), Is.True);
        Assert.That(File.Exists(Path.Combine(_work, "from-option", "report.html")) && !File.Exists(Path.Combine(_work, "from-option", "findings.json")), Is.True);
        Assert.That(Directory.Exists(Path.Combine(_work, "isolation-results")), Is.False);
    }

    public static IEnumerable<TestCaseData> Weakenings() =>
    [
        new TestCaseData("ISOLATION_GATE", "true", new[] { "--evidence", "any" }, "Evidence").SetName("An option cannot relax the evidence of a gate the environment set"),
        new TestCaseData("ISOLATION_EVIDENCE", "any", new[] { "--gate" }, "Evidence").SetName("The environment cannot relax the evidence of a gate the option set"),
        new TestCaseData("ISOLATION_TARGET", "", new[] { "--gate" }, "Target").SetName("A gate refuses an empty target left by an unset CI variable"),
    ];

    [TestCaseSource(nameof(Weakenings))]
    public async Task No_source_weakens_a_gate(string variable, string value, string[] options, string field)
    {
        CopyFolder(RepositoryPaths.Reference, Path.Combine(_work, "copy"));
        string[] target = variable == "ISOLATION_TARGET" ? [] : ["--target", "copy"];

        var run = await Run(new Dictionary<string, string> { [variable] = value }, ["audit", "--progress", "quiet", .. target, .. options]);

        Assert.That(run.Code, Is.EqualTo(ExitCodes.ConfigurationError), run.ToString());
        Assert.That(run.Error, Does.Contain($"{field}:"));
    }

    [Test]
    public async Task A_gate_refuses_the_embedded_reference_and_an_unsigned_copy_of_it()
    {
        var copy = Path.Combine(_work, "copy");
        CopyFolder(RepositoryPaths.Reference, copy);

        var embedded = await Run("audit", "--gate", "--target", RepositoryPaths.Reference, "--progress", "quiet");
        var unsigned = await Run("audit", "--gate", "--target", copy, "--progress", "quiet");

        Assert.That(embedded.Code, Is.EqualTo(ExitCodes.ConfigurationError), embedded.ToString());
        Assert.That(embedded.Error, Does.Contain("never judges the embedded demo data"));
        Assert.That(unsigned.Code, Is.EqualTo(ExitCodes.EvidenceUnverified), unsigned.ToString());
    }

    [Test]
    public async Task An_interrupted_audit_exits_4_and_leaves_only_its_error_file()
    {
        using var interruption = new Interruption();
        interruption.Interrupt("SIGINT received");

        var run = await ToolRun.RunAsync(["audit", "--progress", "quiet"], null, _work, interruption);

        Assert.That(run.Code, Is.EqualTo(ExitCodes.Interrupted), run.ToString());
        Assert.That(run.Error, Does.Contain("INTERRUPTED: SIGINT received"));
        Assert.That(Directory.GetFiles(Path.Combine(_work, "isolation-results"), "*.*").Select(Path.GetFileName).Where(f => !f!.StartsWith('.')),
            Is.EquivalentTo(new[] { "error.json", "error.txt" }));
    }

    [Test]
    public async Task An_interrupted_query_command_exits_4()
    {
        using var interruption = new Interruption();
        interruption.Interrupt("SIGTERM received");

        var run = await ToolRun.RunAsync(["snapshot", "diff", RepositoryPaths.Reference, RepositoryPaths.Reference], null, _work, interruption);

        Assert.That(run.Code, Is.EqualTo(ExitCodes.Interrupted), run.ToString());
        Assert.That(run.Error, Does.Contain("INTERRUPTED"));
    }

    public static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
