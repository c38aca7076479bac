using NUnit.Framework;
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
            Path.Combine(_work, "isolation-results"))));
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
        yield return new("relative EndpointUrl", new() { ["EndpointUrl"] = "localhost:5000/" }, [], Parameters, "EndpointUrl",
            "an absolute http or https URL such as http://127.0.0.1:5000");
        yield return new("EndpointUrl that is a path", new() { ["EndpointUrl"] = "/moto" }, [], Parameters, "EndpointUrl",
            "an absolute http or https URL such as http://127.0.0.1:5000");
        yield return new("unknown parameter (typo)", new() { ["Traget"] = "live" }, [], Parameters, "Traget",
            "one of the settings Target, Posture, Region, Profile, EndpointUrl, Output, SaveSnapshot, TrustedKeys, SigningKey, Evidence (names are case-sensitive)");
        yield return new("parameter in the wrong case", new() { ["region"] = "us-east-1" }, [], Parameters, "region",
            "one of the settings Target, Posture, Region, Profile, EndpointUrl, Output, SaveSnapshot, TrustedKeys, SigningKey, Evidence (names are case-sensitive)");
        yield return new("unknown ISOLATION_ variable", [], new() { ["ISOLATION_POSTURE_FILE"] = "x" }, "environment variable ISOLATION_POSTURE_FILE",
            "ISOLATION_POSTURE_FILE",
            "one of ISOLATION_TARGET, ISOLATION_POSTURE, ISOLATION_REGION, ISOLATION_PROFILE, ISOLATION_ENDPOINTURL, ISOLATION_OUTPUT, ISOLATION_SAVESNAPSHOT, ISOLATION_TRUSTEDKEYS, ISOLATION_SIGNINGKEY, ISOLATION_EVIDENCE");
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
}
