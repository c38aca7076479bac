using System.Text.RegularExpressions;

namespace IsolationChecks.Settings;

/// <summary>
/// Resolves run settings from TestRunParameters and ISOLATION_&lt;NAME&gt; environment variables (which win).
/// </summary>
public static partial class SettingsResolver
{
    public const string ParametersSource = "runsettings TestRunParameters";
    public const string EnvironmentPrefix = "ISOLATION_";
    public const string Live = "live";
    public const string PostureFileName = "posture.json";

    /// <summary>The setting names, case-sensitive as they appear in runsettings.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["Target", "Posture", "Region", "Profile", "EndpointUrl", "Output", "SaveSnapshot", "TrustedKeys", "SigningKey", "Evidence"];

    /// <summary>Values of the Evidence setting: what the gate accepts.</summary>
    public const string AnyEvidence = "any";
    public const string VerifiedEvidence = "verified";

    /// <param name="workingDirectory">Where relative paths are resolved (the user's shell directory).</param>
    /// <param name="suiteDirectory">The suite's output folder, which holds the embedded reference fixture.</param>
    public static SuiteSettings Resolve(
        IReadOnlyDictionary<string, string> parameters,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        string suiteDirectory)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(environment);
        var values = Merge(parameters, environment);

        var target = ResolveTarget(values, workingDirectory, suiteDirectory);
        return new SuiteSettings(
            target,
            ResolvePosture(values, target, workingDirectory),
            values.TryGetValue("Output", out var output) ? Path.GetFullPath(output.Value, workingDirectory) : Path.Combine(workingDirectory, "isolation-results"),
            Region(values),
            values.TryGetValue("Profile", out var profile) ? profile.Value : null,
            EndpointUrl(values),
            values.TryGetValue("SaveSnapshot", out var save) ? Path.GetFullPath(save.Value, workingDirectory) : null,
            ExistingPath(values, "TrustedKeys", workingDirectory, "a PEM public key file or a folder of *.pem public keys"),
            ExistingPath(values, "SigningKey", workingDirectory, "a PEM file holding an ECDSA P-256 private key"),
            Evidence(values));
    }

    private static string? ExistingPath(Dictionary<string, Setting> values, string name, string workingDirectory, string expected)
    {
        if (!values.TryGetValue(name, out var setting))
            return null;
        var path = Path.GetFullPath(setting.Value, workingDirectory);
        return File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new InputException(setting.Source, name, $"{expected} (relative paths are resolved against {workingDirectory})", $"{path} does not exist");
    }

    private static bool Evidence(Dictionary<string, Setting> values)
    {
        if (!values.TryGetValue("Evidence", out var evidence))
            return false;
        return evidence.Value switch
        {
            AnyEvidence => false,
            VerifiedEvidence => true,
            _ => throw new InputException(evidence.Source, "Evidence",
                $"\"{AnyEvidence}\" (explore any snapshot) or \"{VerifiedEvidence}\" (gate only on live or signed evidence)", evidence.Value),
        };
    }

    /// <summary>A setting's value and where it came from, so an error can point at the right place.</summary>
    private sealed record Setting(string Value, string Source);

    private static Dictionary<string, Setting> Merge(IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> environment)
    {
        var values = new Dictionary<string, Setting>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!Names.Contains(name, StringComparer.Ordinal))
                throw new InputException(ParametersSource, name, $"one of the settings {string.Join(", ", Names)} (names are case-sensitive)",
                    $"unknown parameter \"{name}\"");
            if (!string.IsNullOrWhiteSpace(value))
                values[name] = new Setting(value.Trim(), ParametersSource);
        }

        foreach (var (variable, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!variable.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
                continue;
            var name = Names.FirstOrDefault(n => EnvironmentPrefix + n.ToUpperInvariant() == variable);
            if (name is null)
                throw new InputException($"environment variable {variable}", variable,
                    $"one of {string.Join(", ", Names.Select(n => EnvironmentPrefix + n.ToUpperInvariant()))}", $"unknown variable {variable}");
            if (!string.IsNullOrWhiteSpace(value))
                values[name] = new Setting(value.Trim(), $"environment variable {variable}");
        }

        return values;
    }

    private static TargetSpec ResolveTarget(Dictionary<string, Setting> values, string workingDirectory, string suiteDirectory)
    {
        if (!values.TryGetValue("Target", out var target))
        {
            var reference = Path.Combine(suiteDirectory, "Fixtures", "reference");
            if (!Directory.Exists(reference))
                throw new InputException(ParametersSource, "Target",
                    $"\"{Live}\" or a snapshot folder (the default, the embedded reference fixture {reference}, is missing from the suite's output)", "unset");
            return new TargetSpec.SnapshotFolder(reference);
        }

        if (target.Value == Live)
            return new TargetSpec.Live();
        var folder = Path.GetFullPath(target.Value, workingDirectory);
        if (!Directory.Exists(folder))
            throw new InputException(target.Source, "Target", $"\"{Live}\" or an existing snapshot folder (relative paths are resolved against {workingDirectory})",
                File.Exists(folder) ? $"{folder} is a file" : $"{folder} does not exist");
        return new TargetSpec.SnapshotFolder(folder);
    }

    private static string ResolvePosture(Dictionary<string, Setting> values, TargetSpec target, string workingDirectory)
    {
        if (values.TryGetValue("Posture", out var posture))
        {
            var file = Path.GetFullPath(posture.Value, workingDirectory);
            if (!File.Exists(file))
                throw new InputException(posture.Source, "Posture", "an existing posture file (relative paths are resolved against " + workingDirectory + ")",
                    $"{file} does not exist");
            return file;
        }

        if (target is not TargetSpec.SnapshotFolder snapshot)
            throw new InputException(ParametersSource, "Posture",
                $"the posture file to verify the live environment against (Posture, or {EnvironmentPrefix}POSTURE), required when Target is \"{Live}\"", "unset");

        var found = DefaultPosture(snapshot.Path);
        return found ?? throw new InputException(ParametersSource, "Posture",
            $"a posture file: Posture, or {PostureFileName} in the Target folder {snapshot.Path}", "unset, and the folder has no " + PostureFileName);
    }

    /// <summary>The target folder's posture.json: the posture a saved snapshot was judged with, or a hand-made folder's.</summary>
    internal static string? DefaultPosture(string folder)
    {
        var candidate = Path.Combine(folder, PostureFileName);
        return File.Exists(candidate) ? candidate : null;
    }

    private static string? Region(Dictionary<string, Setting> values)
    {
        if (!values.TryGetValue("Region", out var region))
            return null;
        if (!RegionPattern().IsMatch(region.Value))
            throw new InputException(region.Source, "Region", "an AWS region such as ap-northeast-1", region.Value);
        return region.Value;
    }

    private static string? EndpointUrl(Dictionary<string, Setting> values)
    {
        if (!values.TryGetValue("EndpointUrl", out var endpoint))
            return null;
        if (!Uri.TryCreate(endpoint.Value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.UserInfo))
            throw new InputException(endpoint.Source, "EndpointUrl", "an absolute http or https URL such as http://127.0.0.1:5000", endpoint.Value);
        return endpoint.Value;
    }

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$")]
    private static partial Regex RegionPattern();
}
