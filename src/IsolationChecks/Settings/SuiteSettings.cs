namespace IsolationChecks.Settings;

/// <summary>What to evaluate: the live AWS accounts, or a snapshot folder.</summary>
public abstract record TargetSpec
{
    public sealed record Live : TargetSpec;

    public sealed record SnapshotFolder(string Path) : TargetSpec;
}

/// <summary>
/// Run settings (contracts.md): from runsettings TestRunParameters, the command line, or
/// ISOLATION_&lt;NAME&gt; environment variables, which win.
/// </summary>
public sealed record SuiteSettings(
    TargetSpec Target,
    string PosturePath,
    string OutputFolder,
    string? Region = null,
    string? Profile = null,
    string? EndpointUrl = null,
    string? SaveSnapshot = null);
