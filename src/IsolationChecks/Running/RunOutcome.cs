namespace IsolationChecks.Running;

/// <summary>
/// How one run ended. It decides the exit code (<see cref="ExitCodes"/>) and the one message a person reads
/// first: the gate's verdict, or the single reason there is none.
/// </summary>
public abstract record RunOutcome
{
    public abstract int ExitCode { get; }

    /// <summary>What ended the run, in one message: the gate's verdict, or why there is none.</summary>
    public abstract string Message { get; }

    /// <summary>"completed", "configuration-error", "interrupted", "broken": error.json's <c>kind</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The run finished: every control was judged (a Timeout cut-off included, as inconclusive findings).</summary>
    public sealed record Completed(RunResult Result) : RunOutcome
    {
        public override int ExitCode => Result.TimedOut is not null ? ExitCodes.TimedOut
            : Result.Gate.EvidenceRefusal is not null ? ExitCodes.EvidenceUnverified
            : Result.Gate.Passed ? ExitCodes.GatePassed
            : Result.Gate is { Blocking.Count: 0, Undecided: not null } ? ExitCodes.Undecided
            : ExitCodes.GateFailed;

        public override string Message => Result.TimedOut is { } timedOut
            ? $"TIMED OUT: {timedOut.Describe()}. Audit gate {Result.Gate.Describe()}"
            : $"audit gate {Result.Gate.Describe()}";

        public override string Kind => "completed";
    }

    /// <summary>Bad input (settings, posture, snapshot, Output): the message names the file, the field and what was expected.</summary>
    public sealed record ConfigurationError(string Reason) : RunOutcome
    {
        public override int ExitCode => ExitCodes.ConfigurationError;

        public override string Message => $"configuration error: {Reason}";

        public override string Kind => "configuration-error";
    }

    /// <summary>A signal, or the end of the process that started the run, stopped it before it was judged.</summary>
    public sealed record Interrupted(string Reason) : RunOutcome
    {
        public override int ExitCode => ExitCodes.Interrupted;

        public override string Message => $"INTERRUPTED: {Reason}. Nothing was judged and no report was written";

        public override string Kind => "interrupted";
    }

    /// <summary>The suite itself failed (a defect, not the user's input): no verdict, so the gate cannot pass.</summary>
    public sealed record Broken(string Reason) : RunOutcome
    {
        public override int ExitCode => ExitCodes.GateFailed;

        public override string Message => $"the suite failed before it could judge anything: {Reason}. This is a defect: report it with this message";

        public override string Kind => "broken";
    }
}
