namespace IsolationChecks.Settings;

/// <summary>
/// Resolves run settings from TestRunParameters and ISOLATION_&lt;NAME&gt; environment variables (which win).
/// </summary>
public static class SettingsResolver
{
    /// <param name="workingDirectory">Where relative paths are resolved (the user's shell directory).</param>
    /// <param name="suiteDirectory">The suite's output folder, which holds the embedded reference fixture.</param>
    public static SuiteSettings Resolve(
        IReadOnlyDictionary<string, string> parameters,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        string suiteDirectory) =>
        throw new NotImplementedException("implemented by the settings work package");
}
