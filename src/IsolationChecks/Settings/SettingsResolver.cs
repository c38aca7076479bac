using System.Text.RegularExpressions;
using IsolationChecks.Aws;

namespace IsolationChecks.Settings;

/// <summary>
/// Resolves run settings from three sources, each winning over the one before: TestRunParameters (a runsettings file,
/// or <c>dotnet test -- ...</c>), ISOLATION_&lt;NAME&gt; environment variables, and the console tool's options
/// (<c>isolationchecks audit --target ...</c>). Whatever the order, no source can weaken a gate another set: Gate cannot
/// be turned off, Evidence cannot be relaxed under it, and an empty Target is refused there.
/// </summary>
public static partial class SettingsResolver
{
    public const string ParametersSource = "runsettings TestRunParameters";
    public const string CommandLineSource = "command-line option";
    public const string EnvironmentPrefix = "ISOLATION_";
    public const string Live = "live";
    public const string PostureFileName = "posture.json";

    public const string DefaultOutput = "isolation-results";

    /// <summary>The setting names, case-sensitive as they appear in runsettings.</summary>
    public static IReadOnlyList<string> Names { get; } = 
        ["Target", "Posture", "Region", "Profile", "EndpointUrl", "Output", "SaveSnapshot", "Gate", "Timeout", "TrustedKeys", "SigningKey", "Evidence",
         "History", "HistoryRuns", "Formats", "Baseline", "Plan"];

    /// <summary>The console tool's option for a setting: "--target", "--endpoint-url"; Formats is "--format".</summary>
    public static string CommandLineOption(string name) => name == "Formats"
        ? "--format"
        : "--" + string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));

    /// <summary>Values of the Evidence setting: what the gate accepts.</summary>
    public const string AnyEvidence = "any";
    public const string VerifiedEvidence = "verified";

    /// <summary>The embedded reference environment, the default target: demo data, not an audit.</summary>
    public static string EmbeddedReference(string suiteDirectory) => Path.GetFullPath(Path.Combine(suiteDirectory, "Fixtures", "reference"));

    /// <param name="workingDirectory">Where relative paths are resolved (the user's shell directory).</param>
    /// <param name="suiteDirectory">The suite's output folder, which holds the embedded reference fixture.</param>
    /// <param name="commandLine">The console tool's options by setting name ("Target"), which win over the environment.</param>
    public static SuiteSettings Resolve(
        IReadOnlyDictionary<string, string> parameters,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        string suiteDirectory,
        IReadOnlyDictionary<string, string>? commandLine = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(environment);
        var values = Merge(parameters, environment, commandLine);

        var gate = ResolveGate(values);
        var target = ResolveTarget(values, gate, workingDirectory, suiteDirectory);
        var demo = target is TargetSpec.SnapshotFolder folder && SamePath(folder.Path, EmbeddedReference(suiteDirectory));
        return new SuiteSettings(
            target,
            ResolvePosture(values, target, workingDirectory),
            OutputFolder(values, workingDirectory),
            Region(values),
            values["Profile"]?.Value,
            target is TargetSpec.Live ? LiveEndpointUrl(values, environment) : EndpointUrl(values),
            values["SaveSnapshot"] is { } save ? Path.GetFullPath(save.Value, workingDirectory) : null,
            gate,
            Timeout(values),
            demo,
            ExistingPath(values, "TrustedKeys", workingDirectory, "a PEM public key file or a folder of *.pem public keys"),
            ExistingPath(values, "SigningKey", workingDirectory, "a PEM file holding an ECDSA P-256 private key"),
            Evidence(values, gate),
            ExistingFolder(values, "History", workingDirectory, "a folder whose subfolders are earlier runs' Output folders"),
            HistoryRuns(values))
        {
            Formats = Formats(values),
            Baseline = ExistingFolder(values, "Baseline", workingDirectory, "the snapshot folder of an earlier run to compare with (its saved snapshot, posture.json included)"),
            Plan = ExistingFile(values, "Plan", workingDirectory, "a file holding the output of `terraform show -json PLANFILE`"),
        };
    }

    private static int HistoryRuns(SettingValues values)
    {
        if (values["HistoryRuns"] is not { } runs)
            return SuiteSettings.DefaultHistoryRuns;
        return int.TryParse(runs.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
               && count is >= 1 and <= SuiteSettings.MaxHistoryRuns
            ? count
            : throw new InputException(runs.Source, "HistoryRuns",
                $"a whole number of earlier runs to chart, from 1 to {SuiteSettings.MaxHistoryRuns} (default {SuiteSettings.DefaultHistoryRuns})", $"\"{runs.Value}\"");
    }

    /// <summary>The report formats asked for, lower case, in the order given; null for every format. The reporting layer checks the names.</summary>
    private static IReadOnlyList<string>? Formats(SettingValues values)
    {
        if (values["Formats"] is not { } formats)
            return null;
        var names = formats.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        return names.Count > 0 ? names : throw new InputException(formats.Source, "Formats", "comma-separated report format names", $"\"{formats.Value}\"");
    }

    private static string? ExistingFolder(SettingValues values, string name, string workingDirectory, string expected)
    {
        if (values[name] is not { } setting)
            return null;
        var path = Path.GetFullPath(setting.Value, workingDirectory);
        return Directory.Exists(path)
            ? path
            : throw new InputException(setting.Source, name, $"{expected} (relative paths are resolved against {workingDirectory})",
                File.Exists(path) ? $"{path} is a file" : $"{path} does not exist");
    }

    private static string? ExistingFile(SettingValues values, string name, string workingDirectory, string expected)
    {
        if (values[name] is not { } setting)
            return null;
        var path = Path.GetFullPath(setting.Value, workingDirectory);
        return File.Exists(path)
            ? path
            : throw new InputException(setting.Source, name, $"{expected} (relative paths are resolved against {workingDirectory})",
                Directory.Exists(path) ? $"{path} is a folder" : $"{path} does not exist");
    }

    private static string? ExistingPath(SettingValues values, string name, string workingDirectory, string expected)
    {
        if (values[name] is not { } setting)
            return null;
        var path = Path.GetFullPath(setting.Value, workingDirectory);
        return File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new InputException(setting.Source, name, $"{expected} (relative paths are resolved against {workingDirectory})", $"{path} does not exist");
    }

    /// <summary>A gate accepts only live or signed evidence: under Gate=true, Evidence is "verified" and cannot be relaxed.</summary>
    private static bool Evidence(SettingValues values, bool gate)
    {
        if (values["Evidence"] is not { } evidence)
            return gate;
        return evidence.Value switch
        {
            AnyEvidence when gate => throw new InputException(evidence.Source, "Evidence",
                $"\"{VerifiedEvidence}\", or no value: a gate run (Gate=true) judges only live or signed evidence", evidence.Value),
            AnyEvidence => false,
            VerifiedEvidence => true,
            _ => throw new InputException(evidence.Source, "Evidence",
                $"\"{AnyEvidence}\" (explore any snapshot) or \"{VerifiedEvidence}\" (gate only on live or signed evidence)", evidence.Value),
        };
    }

    /// <summary>
    /// The Output folder alone, resolved even when other settings are wrong, so a configuration error can leave its
    /// error file where the reports would have been (and remove the previous run's reports).
    /// </summary>
    public static string OutputFolder(
        IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> environment, string workingDirectory,
        IReadOnlyDictionary<string, string>? commandLine = null) =>
        Path.GetFullPath((FirstGiven("Output", parameters, environment, commandLine) ?? DefaultOutput).Trim(), workingDirectory);

    /// <summary>A setting's raw value by precedence (command line, environment, parameters), before anything is checked; null when none gives one.</summary>
    public static string? FirstGiven(
        string name, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> environment, IReadOnlyDictionary<string, string>? commandLine)
    {
        if (commandLine is not null && commandLine.TryGetValue(name, out var option) && !string.IsNullOrWhiteSpace(option))
            return option;
        if (environment.TryGetValue(EnvironmentPrefix + name.ToUpperInvariant(), out var variable) && !string.IsNullOrWhiteSpace(variable))
            return variable;
        return parameters.TryGetValue(name, out var parameter) && !string.IsNullOrWhiteSpace(parameter) ? parameter : null;
    }

    /// <summary>A setting's value and where it came from, so an error can point at the right place. An empty value is kept: a gate refuses it.</summary>
    private sealed record Setting(string Value, string Source)
    {
        public bool IsEmpty => Value.Length == 0;
    }

    /// <summary>Every value each source gave, in precedence order (runsettings, then environment, then the command line).</summary>
    private sealed class SettingValues(Dictionary<string, List<Setting>> given, string unsetSource)
    {
        /// <summary>Where a setting no source gave is named from, in an error: the settings file, or the console tool's options.</summary>
        public string UnsetSource => unsetSource;

        /// <summary>The value that applies: the last non-empty one (an empty value counts as not set).</summary>
        public Setting? this[string name] => given.TryGetValue(name, out var settings) ? settings.LastOrDefault(s => !s.IsEmpty) : null;

        public IReadOnlyList<Setting> All(string name) => given.TryGetValue(name, out var settings) ? settings : [];
    }

    private static SettingValues Merge(
        IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> environment, IReadOnlyDictionary<string, string>? commandLine)
    {
        var given = new Dictionary<string, List<Setting>>(StringComparer.Ordinal);
        void Add(string name, string? value, string source)
        {
            if (!given.TryGetValue(name, out var settings))
                given[name] = settings = [];
            settings.Add(new Setting((value ?? "").Trim(), source));
        }

        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!Names.Contains(name, StringComparer.Ordinal))
                throw new InputException(ParametersSource, name, $"one of the settings {string.Join(", ", Names)} (names are case-sensitive)",
                    $"unknown parameter \"{name}\"");
            Add(name, value, ParametersSource);
        }

        foreach (var (variable, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!variable.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
                continue;
            var name = Names.FirstOrDefault(n => EnvironmentPrefix + n.ToUpperInvariant() == variable);
            if (name is null)
                throw new InputException($"environment variable {variable}", variable,
                    $"one of {string.Join(", ", Names.Select(n => EnvironmentPrefix + n.ToUpperInvariant()))}", $"unknown variable {variable}");
            Add(name, value, $"environment variable {variable}");
        }

        foreach (var (name, value) in (commandLine ?? new Dictionary<string, string>()).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (!Names.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException($"no setting {name} for a command-line option", nameof(commandLine));
            Add(name, value, $"{CommandLineSource} {CommandLineOption(name)}");
        }

        return new SettingValues(given, commandLine is not null ? $"{CommandLineSource}s (and {EnvironmentPrefix}* variables)" : ParametersSource);
    }

    /// <summary>
    /// Gate=true makes this a gate run. Any source may turn it on; none may turn off what another turned on, so an
    /// environment variable cannot quietly take the gate out of a gate settings file.
    /// </summary>
    private static bool ResolveGate(SettingValues values)
    {
        var on = false;
        foreach (var gate in values.All("Gate").Where(g => !g.IsEmpty))
        {
            if (!bool.TryParse(gate.Value, out var value))
                throw new InputException(gate.Source, "Gate", "true or false", $"\"{gate.Value}\"");
            if (on && !value)
                throw new InputException(gate.Source, "Gate",
                    "true, or no value: a gate run (Gate=true in the settings) cannot be turned off by a later source", "false");
            on |= value;
        }

        return on;
    }

    private static TargetSpec ResolveTarget(SettingValues values, bool gate, string workingDirectory, string suiteDirectory)
    {
        var reference = EmbeddedReference(suiteDirectory);
        if (gate)
            RequireExplicitTarget(values);
        if (values["Target"] is not { } target)
        {
            if (!Directory.Exists(reference))
                throw new InputException(values.UnsetSource, "Target",
                    $"\"{Live}\" or a snapshot folder (the default, the embedded reference fixture {reference}, is missing from the suite's output)", "unset");
            return new TargetSpec.SnapshotFolder(reference);
        }

        if (target.Value == Live)
            return new TargetSpec.Live();
        var folder = Path.GetFullPath(target.Value, workingDirectory);
        if (!Directory.Exists(folder))
            throw new InputException(target.Source, "Target", $"\"{Live}\" or an existing snapshot folder (relative paths are resolved against {workingDirectory})",
                File.Exists(folder) ? $"{folder} is a file" : $"{folder} does not exist");
        if (gate && SamePath(folder, reference))
            throw new InputException(target.Source, "Target",
                $"\"{Live}\" or a snapshot folder of your environment: a gate run (Gate=true) never judges the embedded demo data", $"{folder}, the embedded reference environment");
        return new TargetSpec.SnapshotFolder(folder);
    }

    /// <summary>A gate judges what it was told to judge: an empty or missing Target is an error there, never the embedded demo data.</summary>
    private static void RequireExplicitTarget(SettingValues values)
    {
        const string expected = "\"live\" or a snapshot folder, named explicitly: a gate run (Gate=true) refuses an empty Target instead of falling back to the embedded demo data";
        var targets = values.All("Target");
        if (targets.Count == 0)
            throw new InputException(values.UnsetSource, "Target", expected, "unset");
        // The last empty source is the one to fix: an unset CI variable, or an empty value in the settings file.
        if (targets.LastOrDefault(t => t.IsEmpty) is { } empty)
            throw new InputException(empty.Source, "Target", expected, empty.Source.StartsWith("environment", StringComparison.Ordinal)
                ? "an empty value (is the CI variable that should name the target unset?)"
                : "an empty value");
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static string OutputFolder(SettingValues values, string workingDirectory) =>
        values["Output"] is { } output ? Path.GetFullPath(output.Value, workingDirectory) : Path.Combine(workingDirectory, DefaultOutput);

    private static TimeSpan? Timeout(SettingValues values)
    {
        if (values["Timeout"] is not { } timeout)
            return null;
        return Duration.TryParse(timeout.Value, out var duration)
            ? duration
            : throw new InputException(timeout.Source, "Timeout", Duration.Expected, $"\"{timeout.Value}\"");
    }

    private static string ResolvePosture(SettingValues values, TargetSpec target, string workingDirectory)
    {
        if (values["Posture"] is { } posture)
        {
            var file = Path.GetFullPath(posture.Value, workingDirectory);
            if (!File.Exists(file))
                throw new InputException(posture.Source, "Posture", "an existing posture file (relative paths are resolved against " + workingDirectory + ")",
                    Directory.Exists(file) ? $"{file} is a folder" : $"{file} does not exist");
            return file;
        }

        if (target is not TargetSpec.SnapshotFolder snapshot)
            throw new InputException(values.UnsetSource, "Posture",
                $"the posture file to verify the live environment against (Posture, or {EnvironmentPrefix}POSTURE), required when Target is \"{Live}\"", "unset");

        var found = DefaultPosture(snapshot.Path);
        return found ?? throw new InputException(values.UnsetSource, "Posture",
            $"a posture file: Posture, or {PostureFileName} in the Target folder {snapshot.Path}", "unset, and the folder has no " + PostureFileName);
    }

    /// <summary>The target folder's posture.json: the posture a saved snapshot was judged with, or a hand-made folder's.</summary>
    internal static string? DefaultPosture(string folder)
    {
        var candidate = Path.Combine(folder, PostureFileName);
        return File.Exists(candidate) ? candidate : null;
    }

    private static string? Region(SettingValues values)
    {
        if (values["Region"] is not { } region)
            return null;
        if (!RegionPattern().IsMatch(region.Value))
            throw new InputException(region.Source, "Region", "an AWS region such as ap-northeast-1", region.Value);
        return region.Value;
    }

    private static string? EndpointUrl(SettingValues values) =>
        values["EndpointUrl"] is { } endpoint ? EndpointUrls.Checked(endpoint.Value, endpoint.Source, "EndpointUrl") : null;

    /// <summary>
    /// For a live run the endpoint is the EndpointUrl setting, which wins for every service; without it the SDK reads
    /// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_&lt;SERVICE&gt;, which are held to the same rule here, before any call.
    /// </summary>
    private static string? LiveEndpointUrl(SettingValues values, IReadOnlyDictionary<string, string> environment)
    {
        if (EndpointUrl(values) is { } endpoint)
            return endpoint;
        EndpointUrls.CheckSdkVariables(environment);
        return null;
    }

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$")]
    private static partial Regex RegionPattern();
}
