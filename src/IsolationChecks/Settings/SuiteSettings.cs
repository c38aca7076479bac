namespace IsolationChecks.Settings;

/// <summary>What to evaluate: the live AWS accounts, or a snapshot folder.</summary>
public abstract record TargetSpec
{
    public sealed record Live : TargetSpec;

    public sealed record SnapshotFolder(string Path) : TargetSpec;
}

/// <summary>
/// Run settings (contracts.md): from runsettings TestRunParameters, ISOLATION_&lt;NAME&gt; environment variables
/// (which win over them) and the console tool's options (which win over both).
/// </summary>
/// <param name="Gate">A gate run (Gate=true in audit-gate and nightly settings): the target must be named explicitly.</param>
/// <param name="Timeout">The run's time limit; what is not collected by then is inconclusive. Null: <see cref="DefaultTimeout"/>.</param>
/// <param name="DemoData">The target is the embedded reference environment: demo data, not an audit.</param>
/// <param name="TrustedKeys">PEM public keys (a file or a folder of *.pem) whose signature makes a snapshot folder's evidence "signed".</param>
/// <param name="SigningKey">PEM private key (ECDSA P-256) that signs the manifest of a saved snapshot.</param>
/// <param name="RequireVerifiedEvidence">The gate accepts only live or signed evidence (Evidence=verified).</param>
/// <param name="History">A folder whose subfolders are earlier runs' Output folders: report.html charts their counts over time.</param>
/// <param name="HistoryRuns">How many of those earlier runs (the latest) the chart shows.</param>
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
    bool DemoData = false,
    string? TrustedKeys = null,
    string? SigningKey = null,
    bool RequireVerifiedEvidence = false,
    string? History = null,
    int HistoryRuns = SuiteSettings.DefaultHistoryRuns)
{
    /// <summary>The report formats to write (Formats setting), lower case; null for every format the reporting layer knows.</summary>
    public IReadOnlyList<string>? Formats { get; init; }

    /// <summary>An earlier run's snapshot folder to report drift against (Baseline setting): what changed, and which verdicts.</summary>
    public string? Baseline { get; init; }

    /// <summary>The JSON of `terraform show -json PLANFILE` (Plan setting): judge what the plan would change, hypothetically, before apply.</summary>
    public string? Plan { get; init; }

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public const int DefaultHistoryRuns = 30;

    public const int MaxHistoryRuns = 366;

    public TimeSpan EffectiveTimeout => Timeout ?? DefaultTimeout;
}
