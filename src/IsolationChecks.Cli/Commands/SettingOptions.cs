using System.CommandLine;
using IsolationChecks.Settings;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// The run settings as command-line options (`--target`, `--posture`, ...), one per setting of <see cref="SettingsResolver.Names"/>,
/// named by <see cref="SettingsResolver.CommandLineOption"/>. What an option gives wins over ISOLATION_&lt;NAME&gt; and the
/// defaults; the resolver holds it to the same rules (a gate cannot be weakened by any source).
/// </summary>
internal sealed class SettingOptions
{
    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal)
    {
        ["Target"] = "live|DIR", ["Posture"] = "FILE", ["Output"] = "DIR", ["Baseline"] = "DIR", ["Plan"] = "PLAN.json", ["Timeout"] = "DURATION", ["Formats"] = "FORMAT,...",
        ["Region"] = "REGION", ["Profile"] = "PROFILE", ["EndpointUrl"] = "URL", ["SaveSnapshot"] = "DIR", ["TrustedKeys"] = "PEM|DIR", ["SigningKey"] = "PEM",
        ["Evidence"] = "any|verified",
    };

    private static readonly Dictionary<string, string> Help = new(StringComparer.Ordinal)
    {
        ["Target"] = "live, or a snapshot folder (default: the embedded reference environment, demo data; a gate refuses it)",
        ["Posture"] = "the expected-posture file (default: posture.json in the Target folder; required for live)",
        ["Output"] = $"the results folder (default: {SettingsResolver.DefaultOutput})",
        ["Baseline"] = "an earlier run's snapshot folder: report what changed since, and which verdicts",
        ["Plan"] = "the JSON of `terraform show -json PLANFILE`: report, hypothetically, the verdicts the plan would change (would newly fail, would newly pass, unchanged failures)",
        ["Timeout"] = "how long collection may take: 90s, 30m, 1h30m or hh:mm:ss (default: 30m); exit code 5 when it runs out",
        ["Formats"] = $"comma-separated report formats among {string.Join(", ", Reporting.ReportFormats.All.Select(f => f.Name))} (default: all)",
        ["Region"] = "audit this region in every account (overrides the posture's)",
        ["Profile"] = "the AWS profile to use (else the default credential chain)",
        ["EndpointUrl"] = "one endpoint for every AWS service (a local emulator)",
        ["SaveSnapshot"] = "a new or empty folder to save what a live run collected",
        ["TrustedKeys"] = "a PEM public key or a folder of *.pem whose signature makes a snapshot 'signed'",
        ["SigningKey"] = "a PEM private key (ECDSA P-256) to sign the saved snapshot",
        ["Evidence"] = "any, or verified (only live or signed evidence; implied by --gate)",
    };

    private readonly Dictionary<string, Option<string>> _values = new(StringComparer.Ordinal);
    private readonly Option<bool> _gate = new(SettingsResolver.CommandLineOption("Gate"))
    {
        Description = "a gate run: the Target must be named, the embedded demo data is refused, only live or signed evidence is accepted, "
                      + "and the posture must be reviewed",
    };

    public SettingOptions()
    {
        foreach (var name in SettingsResolver.Names.Where(n => n != "Gate"))
            _values[name] = new Option<string>(SettingsResolver.CommandLineOption(name))
            {
                Description = Help.TryGetValue(name, out var text) ? text : name,
                HelpName = Values.TryGetValue(name, out var value) ? value : name.ToUpperInvariant(),
            };
    }

    public void AddTo(Command command)
    {
        foreach (var name in SettingsResolver.Names)
            command.Add(name == "Gate" ? _gate : _values[name]);
    }

    /// <summary>The settings the command line gives, by setting name (only those given).</summary>
    public IReadOnlyDictionary<string, string> Given(ParseResult parse)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, option) in _values)
            if (parse.GetValue(option) is { } value)
                given[name] = value;
        if (parse.GetValue(_gate))
            given["Gate"] = "true";
        return given;
    }
}
