using System.Xml;
using System.Xml.Linq;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Running;

/// <summary>The ready-made runsettings files users pass to <c>dotnet test -s</c>.</summary>
public class RunSettingsFilesTests
{
    /// <summary>The setting names the suite accepts: an unknown name would stop the suite.</summary>
    private static readonly string[] KnownSettings = [.. IsolationChecks.Settings.SettingsResolver.Names];

    private static readonly string[] Expected = ["audit-gate.runsettings", "default.runsettings", "live.runsettings", "nightly.runsettings"];

    public static IEnumerable<TestCaseData> Files() =>
        Expected.Select(name => new TestCaseData(name).SetName($"runsettings/{name} is usable"));

    private static XDocument Load(string name) =>
        XDocument.Load(RepositoryPaths.Path("runsettings", name), LoadOptions.SetLineInfo);

    [Test]
    public void The_four_settings_files_exist()
    {
        var present = Directory.EnumerateFiles(RepositoryPaths.Path("runsettings"), "*.runsettings").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.That(present, Is.SupersetOf(Expected));
    }

    [TestCaseSource(nameof(Files))]
    public void Is_well_formed_names_only_known_settings_explains_each_and_fails_on_an_empty_selection(string name)
    {
        var document = Load(name);
        var parameters = document.Root!.Elements("TestRunParameters").Elements("Parameter").ToList();

        Assert.That(document.Root.Name.LocalName, Is.EqualTo("RunSettings"));
        Assert.That(parameters, Is.Not.Empty);
        using (Assert.EnterMultipleScope())
        {
            foreach (var parameter in parameters)
            {
                var line = ((IXmlLineInfo)parameter).LineNumber;
                Assert.That((string?)parameter.Attribute("name"), Is.AnyOf(KnownSettings), $"{name} line {line}");
                Assert.That(parameter.Attribute("value"), Is.Not.Null, $"{name} line {line} has a value attribute");
                var previous = parameter.NodesBeforeSelf().LastOrDefault(n => n is XComment or XElement);
                Assert.That(previous is XComment || parameter.ElementsBeforeSelf("Parameter").Any(),
                    Is.True, $"{name} line {line}: a parameter (or its group) is introduced by a comment");
            }

            Assert.That(parameters.Select(p => (string?)p.Attribute("name")), Is.Unique, $"{name} sets each parameter once");
            Assert.That((string?)document.Root.Element("RunConfiguration")?.Element("TreatNoTestsAsError"), Is.EqualTo("true"),
                "a filter that selects no test must fail the run");
        }
    }

    [Test]
    public void The_default_is_offline_and_the_others_are_live()
    {
        string? Target(string name) => (string?)Load(name).Root!.Element("TestRunParameters")!.Elements("Parameter")
            .SingleOrDefault(p => (string?)p.Attribute("name") == "Target")?.Attribute("value");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Target("default.runsettings"), Is.Null.Or.Empty, "empty Target: the embedded reference");
            Assert.That(Target("live.runsettings"), Is.EqualTo("live"));
            Assert.That(Target("nightly.runsettings"), Is.EqualTo("live"));
        }
    }

    private static string? Parameter(string name, string parameter) => (string?)Load(name).Root!.Element("TestRunParameters")!.Elements("Parameter")
        .SingleOrDefault(p => (string?)p.Attribute("name") == parameter)?.Attribute("value");

    [Test]
    public void The_gate_files_declare_a_gate_and_the_others_do_not()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Parameter("audit-gate.runsettings", "Gate"), Is.EqualTo("true"));
            Assert.That(Parameter("nightly.runsettings", "Gate"), Is.EqualTo("true"));
            Assert.That(Parameter("default.runsettings", "Gate"), Is.Null.Or.Empty, "the default keeps the demo run green");
            Assert.That(Parameter("live.runsettings", "Gate"), Is.Null.Or.Empty);
        }
    }

    [TestCase("audit-gate.runsettings")]
    [TestCase("default.runsettings")]
    [TestCase("live.runsettings")]
    [TestCase("nightly.runsettings")]
    public void Shows_the_runs_progress_live(string name)
    {
        var loggers = Load(name).Root!.Element("LoggerRunSettings")?.Element("Loggers")?.Elements("Logger").Select(l => (string?)l.Attribute("friendlyName"));

        Assert.That(loggers, Does.Contain(IsolationChecks.TestLogger.ProgressLogger.FriendlyName));
    }

    [TestCase("nightly.runsettings")]
    [TestCase("audit-gate.runsettings")]
    public void Scheduled_runs_keep_their_evidence_and_a_trx_file(string name)
    {
        var root = Load(name).Root!;
        var names = root.Element("TestRunParameters")!.Elements("Parameter").Select(p => (string?)p.Attribute("name"));
        var loggers = root.Element("LoggerRunSettings")?.Element("Loggers")?.Elements("Logger").Select(l => (string?)l.Attribute("friendlyName"));

        Assert.That(names, Is.SupersetOf(new[] { "SaveSnapshot", "Output" }));
        Assert.That(loggers, Does.Contain("trx"));
    }

    [TestCase("nightly.runsettings", "isolation-nightly.junit.xml")]
    [TestCase("audit-gate.runsettings", "isolation-audit-gate.junit.xml")]
    public void Scheduled_runs_write_junit_xml_from_a_logger_the_suite_carries(string name, string file)
    {
        var junit = Load(name).Root!.Element("LoggerRunSettings")?.Element("Loggers")?.Elements("Logger")
            .SingleOrDefault(l => (string?)l.Attribute("friendlyName") == "junit");
        var suite = XDocument.Load(RepositoryPaths.Path("IsolationTests", "IsolationTests.csproj"));

        Assert.That((string?)junit?.Attribute("enabled"), Is.EqualTo("True"));
        Assert.That((string?)junit?.Element("Configuration")?.Element("LogFileName"), Is.EqualTo(file));
        Assert.That(suite.Descendants("PackageReference").Select(p => (string?)p.Attribute("Include")), Does.Contain("JunitXml.TestLogger"),
            "vstest finds the junit logger beside the suite; an absent logger would stop the run");
    }

    [Test]
    public void The_suite_project_applies_the_default_settings_when_none_are_given()
    {
        var project = XDocument.Load(RepositoryPaths.Path("IsolationTests", "IsolationTests.csproj"));
        var path = project.Descendants("RunSettingsFilePath").Single().Value
            .Replace("$(MSBuildThisFileDirectory)", RepositoryPaths.Path("IsolationTests") + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            .Replace('\\', Path.DirectorySeparatorChar);

        Assert.That(Path.GetFullPath(path), Is.EqualTo(RepositoryPaths.Path("runsettings", "default.runsettings")));
    }
}
