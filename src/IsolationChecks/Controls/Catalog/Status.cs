namespace IsolationChecks.Controls.Catalog;

/// <summary>
/// The status of one (control, resource) result, exactly as controls.md defines it.
/// <see cref="Pass"/> only when the evidence for it was actually seen.
/// </summary>
public enum Status
{
    Pass,
    Fail,
    /// <summary>The suite could not decide: missing permission, missing data, probe run from the wrong place.</summary>
    Inconclusive,
    /// <summary>The suite itself broke, or the evidence it read cannot be trusted.</summary>
    Error,
    /// <summary>A fail or inconclusive covered by a valid waiver in the posture.</summary>
    Waived,
}

public static class StatusNames
{
    public static string ToWire(this Status status) => status switch
    {
        Status.Pass => "pass",
        Status.Fail => "fail",
        Status.Inconclusive => "inconclusive",
        Status.Error => "error",
        Status.Waived => "waived",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string ToWire(this Severity severity) => severity.ToString().ToLowerInvariant();
}
