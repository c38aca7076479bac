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
/// <param name="Gate">A gate run (Gate=true in audit-gate and nightly settings): the target must be named explicitly.</param>
/// <param name="Timeout">The run's time limit; what is not collected by then is inconclusive. Null: <see cref="DefaultTimeout"/>.</param>
/// <param name="DemoData">The target is the embedded reference environment: demo data, not an audit.</param>
public sealed record SuiteSettings(
    TargetSpec Target,
    string PosturePath,
    string OutputFolder,
    string? Region = null,
    string? Profile = null,
    string? EndpointUrl = null,
    string? SaveSnapshot = null,
    bool Gate = false,
    TimeSpan? Timeout = null,
    bool DemoData = false)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public TimeSpan EffectiveTimeout => Timeout ?? DefaultTimeout;
}
