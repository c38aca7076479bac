namespace IsolationChecks.Running;

/// <summary>
/// The process exit codes of every IsolationChecks entry point, defined once. A pipeline reads only the exit
/// code, so each one means one thing. <c>dotnet test</c> can only say zero or non-zero (vstest.console exits 1
/// for anything that is not a clean pass); the codes below are what the console tool returns, and what
/// findings.json and error.json record as <c>exitCode</c> for a <c>dotnet test</c> run.
/// </summary>
public static class ExitCodes
{
    /// <summary>The run finished and the audit gate passed.</summary>
    public const int GatePassed = 0;

    /// <summary>The run finished and the audit gate failed; or a command's answer is negative (no path, tampered evidence).</summary>
    public const int GateFailed = 1;

    /// <summary>Bad input: a setting, the posture, the snapshot, the command line, or an Output folder in use or not writable.</summary>
    public const int ConfigurationError = 2;

    /// <summary>The gate requires verified evidence (Evidence=verified, implied by Gate=true) and the evidence is neither live nor signed by a trusted key.</summary>
    public const int EvidenceUnverified = 3;

    /// <summary>A signal (SIGINT, SIGTERM, SIGHUP) or the end of the process that started the run stopped it; nothing was judged.</summary>
    public const int Interrupted = 4;

    /// <summary>The run's Timeout ran out: what was not collected by then is inconclusive, and the run says so.</summary>
    public const int TimedOut = 5;

    /// <summary>A query command ran but its answer is undecided (the path command's inconclusive), or a Terraform plan's gate cannot decide.</summary>
    public const int Undecided = 6;

    /// <summary>A query command's answer is yes (the path is reachable, the evidence is intact): the code of a passed gate.</summary>
    public const int Affirmative = GatePassed;

    /// <summary>A query command's answer is no (no path, tampered evidence): the code of a failed gate.</summary>
    public const int Negative = GateFailed;

    /// <summary>One line per code, for usage texts and docs.</summary>
    public static IReadOnlyList<(int Code, string Meaning)> Documented { get; } =
    [
        (GatePassed, "gate passed"),
        (GateFailed, "gate failed (or a negative answer)"),
        (ConfigurationError, "configuration error: bad setting, posture, snapshot or command line; Output in use or not writable"),
        (EvidenceUnverified, "evidence unverified: the gate accepts only live or signed evidence, or a snapshot's manifest is missing"),
        (Interrupted, "interrupted by a signal"),
        (TimedOut, "timed out"),
        (Undecided, "undecided (a query could not be answered from the evidence; a Terraform plan holds changes or values the suite cannot judge)"),
    ];
}
