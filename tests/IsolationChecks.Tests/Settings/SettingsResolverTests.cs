using NUnit.Framework;
using IsolationChecks.Aws;
using IsolationChecks.Settings;

namespace IsolationChecks.Tests.Settings;

public sealed class SettingsResolverTests
{
    private const string Parameters = "runsettings TestRunParameters";

    private string _work = "";
    private string _suite = "";
    private string _reference = "";

    [SetUp]
    public void CreateFolders()
    {
        var root = Path.Combine(Path.GetTempPath(), $"settings-{Guid.NewGuid():N}");
        _work = Path.Combine(root, "work");
        _suite = Path.Combine(root, "suite");
        _reference = Path.Combine(_suite, "Fixtures", "reference");
        Directory.CreateDirectory(_work);
        Directory.CreateDirectory(_reference);
        File.WriteAllText(Path.Combine(_reference, "posture.json"), "{}");
    }

    [TearDown]
    public void DeleteFolders() => Directory.Delete(Path.GetDirectoryName(_work)!, recursive: true);

    private SuiteSettings Resolve(Dictionary<string, string>? parameters = null, Dictionary<string, string>? environment = null) =>
        SettingsResolver.Resolve(parameters ?? [], environment ?? [], _work, _suite);

    [Test]
    public void Defaults_evaluate_the_embedded_reference_fixture_with_its_posture()
    {
        var settings = Resolve();

        Assert.That(settings, Is.EqualTo(new SuiteSettings(
            new TargetSpec.SnapshotFolder(_reference),
            Path.Combine(_reference, "posture.json"),
            Path.Combine(_work, "isolation-results"),
            DemoData: true)));
    }

    [Test]
    public void History_names_a_folder_of_earlier_runs_and_how_many_of_them_to_chart()
    {
        Directory.CreateDirectory(Path.Combine(_work, "nights"));

        var given = Resolve(new() { ["History"] = "nights", ["HistoryRuns"] = "7" });
        var unset = Resolve();

        Assert.That((given.History, given.HistoryRuns), Is.EqualTo((Path.Combine(_work, "nights"), 7)));
        Assert.That((unset.History, unset.HistoryRuns), Is.EqualTo(((string?)null, SuiteSettings.DefaultHistoryRuns)));
        Assert.That(Resolve(environment: new() { ["ISOLATION_HISTORYRUNS"] = "366" }).HistoryRuns, Is.EqualTo(SuiteSettings.MaxHistoryRuns));
    }

    [Test]
    public void Relative_paths_resolve_against_the_working_directory()
    {
        Directory.CreateDirectory(Path.Combine(_work, "snap"));
        File.WriteAllText(Path.Combine(_work, "p.json"), "{}");

        var settings = Resolve(new()
        {
            ["Target"] = "snap", ["Posture"] = "p.json", ["Output"] = "out", ["SaveSnapshot"] = "saved",
            ["Region"] = "ap-northeast-1", ["Profile"] = "audit", ["EndpointUrl"] = "http://127.0.0.1:5000",
        });

        Assert.That(settings, Is.EqualTo(new SuiteSettings(
            new TargetSpec.SnapshotFolder(Path.Combine(_work, "snap")),
            Path.Combine(_work, "p.json"),
            Path.Combine(_work, "out"),
            "ap-northeast-1",
            "audit",
            "http://127.0.0.1:5000",
            Path.Combine(_work, "saved"))));
    }

    [Test]
    public void An_environment_variable_wins_over_the_parameter()
    {
        var settings = Resolve(new() { ["Region"] = "us-east-1" }, new() { ["ISOLATION_REGION"] = "eu-west-1" });

        Assert.That(settings.Region, Is.EqualTo("eu-west-1"));
    }

    [Test]
    public void An_empty_value_counts_as_unset()
    {
        var settings = Resolve(new() { ["Region"] = "", ["Profile"] = "  " }, new() { ["ISOLATION_ENDPOINTURL"] = "" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.Region, Is.Null);
            Assert.That(settings.Profile, Is.Null);
            Assert.That(settings.EndpointUrl, Is.Null);
        }
    }

    [Test]
    public void Live_with_a_posture_file()
    {
        File.WriteAllText(Path.Combine(_work, "prd.json"), "{}");

        var settings = Resolve(new() { ["Target"] = "live", ["Posture"] = "prd.json" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.Target, Is.EqualTo(new TargetSpec.Live()));
            Assert.That(settings.PosturePath, Is.EqualTo(Path.Combine(_work, "prd.json")));
        }
    }

    [Test]
    public void A_violation_fixture_is_test_data_the_product_does_not_resolve()
    {
        var fixture = Path.Combine(_suite, "Fixtures", "cb-no-vpc");
        Directory.CreateDirectory(fixture);
        File.WriteAllText(Path.Combine(fixture, "fixture.json"), """{ "base": "../reference", "patches": [] }""");

        var error = Assert.Throws<InputException>(() => Resolve(new() { ["Target"] = fixture }));

        Assert.That(error.Actual, Is.EqualTo("unset, and the folder has no posture.json"));
    }

    [Test]
    public void The_gate_evidence_setting_accepts_any_or_verified_only()
    {
        Assert.That(Resolve(new() { ["Evidence"] = "verified" }).RequireVerifiedEvidence, Is.True);
        Assert.That(Resolve(new() { ["Evidence"] = "any" }).RequireVerifiedEvidence, Is.False);
        Assert.That(Resolve([]).RequireVerifiedEvidence, Is.False);
        Assert.That(Assert.Throws<InputException>(() => Resolve(new() { ["Evidence"] = "signed" }))!.Expected, Does.Contain("\"verified\""));
    }

    public sealed record BadSettings(
        string Name, Dictionary<string, string> Parameters, Dictionary<string, string> Environment, string File, string Field, string Expected)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<BadSettings> BadSettingsCases()
    {
        yield return new("Target folder that does not exist", new() { ["Target"] = "no-such-folder" }, [], Parameters, "Target",
            "\"live\" or an existing snapshot folder (relative paths are resolved against {work})");
        yield return new("Target from the environment that does not exist", new() { ["Target"] = "." }, new() { ["ISOLATION_TARGET"] = "missing" },
            "environment variable ISOLATION_TARGET", "Target", "\"live\" or an existing snapshot folder (relative paths are resolved against {work})");
        yield return new("bad Region", new() { ["Region"] = "Tokyo" }, [], Parameters, "Region", "an AWS region such as ap-northeast-1");
        yield return new("bad Region from the environment", [], new() { ["ISOLATION_REGION"] = "ap-northeast" }, "environment variable ISOLATION_REGION",
            "Region", "an AWS region such as ap-northeast-1");
        yield return new("relative EndpointUrl", new() { ["EndpointUrl"] = "localhost:5000/" }, [], Parameters, "EndpointUrl", EndpointUrls.Rule);
        yield return new("EndpointUrl that is a path", new() { ["EndpointUrl"] = "/moto" }, [], Parameters, "EndpointUrl", EndpointUrls.Rule);
        yield return new("unknown parameter (typo)", new() { ["Traget"] = "live" }, [], Parameters, "Traget",
            "one of the settings Target, Posture, Region, Profile, EndpointUrl, Output, SaveSnapshot, Gate, Timeout, TrustedKeys, SigningKey, Evidence, History, HistoryRuns, Formats, Baseline, Plan (names are case-sensitive)");
        yield return new("parameter in the wrong case", new() { ["region"] = "us-east-1" }, [], Parameters, "region",
            "one of the settings Target, Posture, Region, Profile, EndpointUrl, Output, SaveSnapshot, Gate, Timeout, TrustedKeys, SigningKey, Evidence, History, HistoryRuns, Formats, Baseline, Plan (names are case-sensitive)");
        yield return new("unknown ISOLATION_ variable", [], new() { ["ISOLATION_POSTURE_FILE"] = "x" }, "environment variable ISOLATION_POSTURE_FILE",
            "ISOLATION_POSTURE_FILE",
            "one of ISOLATION_TARGET, ISOLATION_POSTURE, ISOLATION_REGION, ISOLATION_PROFILE, ISOLATION_ENDPOINTURL, ISOLATION_OUTPUT, ISOLATION_SAVESNAPSHOT, "
            + "ISOLATION_GATE, ISOLATION_TIMEOUT, ISOLATION_TRUSTEDKEYS, ISOLATION_SIGNINGKEY, ISOLATION_EVIDENCE, ISOLATION_HISTORY, ISOLATION_HISTORYRUNS, ISOLATION_FORMATS, ISOLATION_BASELINE, ISOLATION_PLAN");
        yield return new("live without Posture", new() { ["Target"] = "live" }, [], Parameters, "Posture",
            "the posture file to verify the live environment against (Posture, or ISOLATION_POSTURE), required when Target is \"live\"");
        yield return new("Posture file that does not exist", [], new() { ["ISOLATION_POSTURE"] = "nope.json" }, "environment variable ISOLATION_POSTURE",
            "Posture", "an existing posture file (relative paths are resolved against {work})");
        yield return new("snapshot folder without posture.json", new() { ["Target"] = "." }, [], Parameters, "Posture",
            "a posture file: Posture, or posture.json in the Target folder {work}");
    }

    [TestCaseSource(nameof(BadSettingsCases))]
    public void Bad_settings_name_their_source_the_setting_and_what_was_expected(BadSettings bad)
    {
        var error = Assert.Throws<InputException>(() => Resolve(bad.Parameters, bad.Environment));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.File, Is.EqualTo(bad.File));
            Assert.That(error.Field, Is.EqualTo(bad.Field));
            Assert.That(error.Expected, Is.EqualTo(bad.Expected.Replace("{work}", _work, StringComparison.Ordinal)));
        }
    }

    [Test]
    public void Other_environment_variables_are_ignored()
    {
        var settings = Resolve(environment: new() { ["PATH"] = "/usr/bin", ["AWS_REGION"] = "Tokyo", ["ISOLATIONX"] = "1" });

        Assert.That(settings.Region, Is.Null);
    }

    // Gate runs, the Timeout format and endpoint URLs: the settings a release pipeline depends on.

    private void WritePosture() => File.WriteAllText(Path.Combine(_work, "posture.json"), "{}");

    [Test]
    public void A_gate_file_with_an_empty_target_variable_refuses_to_run_naming_the_variable()
    {
        var error = Assert.Throws<InputException>(() => Resolve(
            new() { ["Gate"] = "true", ["Target"] = "live", ["Posture"] = "posture.json" }, new() { ["ISOLATION_TARGET"] = "" }));

        Assert.That(error.File, Is.EqualTo("environment variable ISOLATION_TARGET"));
        Assert.That(error.Message, Does.Contain("gate run (Gate=true)").And.Contain("an empty value"));
    }

    [TestCase("")]
    [TestCase("   ")]
    public void A_gate_never_falls_back_to_the_demo_data(string target)
    {
        var error = Assert.Throws<InputException>(() => Resolve(new() { ["Gate"] = "true", ["Target"] = target }));

        Assert.That(error.Field, Is.EqualTo("Target"));
        Assert.That(error.Actual, Is.EqualTo("an empty value"));
    }

    [Test]
    public void A_gate_refuses_the_embedded_reference_even_when_named()
    {
        var error = Assert.Throws<InputException>(() => Resolve(new() { ["Gate"] = "true", ["Target"] = _reference + "/" }));

        Assert.That(error.Message, Does.Contain("never judges the embedded demo data"));
    }

    [Test]
    public void Without_a_gate_an_empty_target_is_the_demo_data_and_says_so()
    {
        var settings = Resolve(new() { ["Target"] = "" }, new() { ["ISOLATION_TARGET"] = "" });

        Assert.That(settings.DemoData, Is.True);
        Assert.That(settings.Gate, Is.False);
    }

    [Test]
    public void No_source_can_turn_off_a_gate_another_turned_on()
    {
        WritePosture();
        var error = Assert.Throws<InputException>(() => Resolve(
            new() { ["Gate"] = "true", ["Target"] = "live", ["Posture"] = "posture.json" }, new() { ["ISOLATION_GATE"] = "false" }));

        Assert.That(error.File, Is.EqualTo("environment variable ISOLATION_GATE"));
        Assert.That(Resolve(new() { ["Target"] = "live", ["Posture"] = "posture.json" }, new() { ["ISOLATION_GATE"] = "TRUE" }).Gate, Is.True,
            "a variable may turn a gate on");
    }

    [TestCase("90s", 90)]
    [TestCase("30m", 1800)]
    [TestCase("1h30m", 5400)]
    [TestCase("2h", 7200)]
    [TestCase("00:00:05", 5)]
    [TestCase(" 24h ", 86400)]
    public void Timeout_accepts_durations_with_units_or_a_clock(string text, int seconds) =>
        Assert.That(Resolve(new() { ["Timeout"] = text }).Timeout, Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [TestCase("30")]
    [TestCase("0s")]
    [TestCase("-5m")]
    [TestCase("25h")]
    [TestCase("soon")]
    [TestCase("1.5h")]
    [TestCase("PT30M")]
    public void Timeout_refuses_what_it_cannot_read_unambiguously(string text)
    {
        var error = Assert.Throws<InputException>(() => Resolve(new() { ["Timeout"] = text }));

        Assert.That(error.Expected, Is.EqualTo(Duration.Expected));
        Assert.That(error.Actual, Does.Contain(text.Trim()));
    }

    [Test]
    public void Every_duration_in_range_formats_to_text_that_parses_back_to_it()
    {
        var random = new Random(4242);
        for (var i = 0; i < 2000; i++)
        {
            var duration = TimeSpan.FromSeconds(random.Next(1, 86_401));
            Assert.That(Duration.TryParse(Duration.Format(duration), out var parsed) && parsed == duration, Is.True, Duration.Format(duration));
        }
    }

    [Test]
    public void The_default_timeout_is_thirty_minutes() =>
        Assert.That(Resolve([]).EffectiveTimeout, Is.EqualTo(TimeSpan.FromMinutes(30)));

    [TestCase("http://user:s3cret@127.0.0.1:5000", "http://***@127.0.0.1:5000")]
    [TestCase("ftp://mirror.example/aws", "ftp://mirror.example/aws")]
    [TestCase("localhost:4566", "localhost:4566")]
    public void A_refused_endpoint_url_is_named_with_its_credentials_masked(string url, string shown)
    {
        var error = Assert.Throws<InputException>(() => Resolve(new() { ["EndpointUrl"] = url }));

        Assert.That(error.Message, Does.Contain($"\"{shown}\"").And.Contain(EndpointUrls.Rule));
        Assert.That(error.Message, Does.Not.Contain("s3cret"));
    }

    [TestCase("AWS_ENDPOINT_URL")]
    [TestCase("AWS_ENDPOINT_URL_EC2")]
    public void A_live_run_holds_the_sdk_endpoint_variables_to_the_same_rule(string variable)
    {
        WritePosture();
        var error = Assert.Throws<InputException>(() => Resolve(
            new() { ["Target"] = "live", ["Posture"] = "posture.json" }, new() { [variable] = "127.0.0.1:4566" }));

        Assert.That(error.File, Is.EqualTo($"environment variable {variable}"));
        Assert.That(error.Message, Does.Contain("\"127.0.0.1:4566\"").And.Contain("not an absolute URL"));
        Assert.That(Resolve([], new() { [variable] = "127.0.0.1:4566" }).EndpointUrl, Is.Null, "an offline run reads no endpoint");
    }
}
