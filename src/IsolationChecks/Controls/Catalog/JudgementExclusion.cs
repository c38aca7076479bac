namespace IsolationChecks.Controls.Catalog;

/// <summary>
/// Something the posture leaves out of judgement on purpose, with its reason: a whole control (excludedControls) or
/// one resource (a section's exclude list). Not a finding and never a pass: the reports list these in their own section.
/// </summary>
/// <param name="Kind">"control", or what the resource is ("CodeBuild project").</param>
/// <param name="Subject">The control id, or the resource's id (ARN).</param>
/// <param name="Name">The control's title, or the resource's name.</param>
/// <param name="PosturePath">Where the posture says so, e.g. "$.build.exclude[0]".</param>
public sealed record JudgementExclusion(string Kind, string Subject, string Name, string Account, string Region, string Reason, string PosturePath)
{
    public const string ControlKind = "control";
}
