using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Tests.Running;

/// <summary>
/// Hand-built controls, findings, snapshots and runs for the runner and report tests. The controls have no
/// parameterless constructor, so no catalog discovery (this assembly's or the engine's) ever picks them up.
/// </summary>
public static class RunBuilders
{
    public static readonly DateTimeOffset Now = new(2026, 3, 15, 9, 30, 0, TimeSpan.Zero);

    public static ControlMetadata Control(string id, Severity severity = Severity.Critical, string family = "CodeBuild") =>
        new(id, $"{id} title", family, severity, "runs in a VPC", "rationale", $"remediation of {id}", []);

    public static ResourceRef Resource(string name, string account = "111122223333", string region = "ap-northeast-1") =>
        new($"arn:aws:codebuild:{region}:{account}:project/{name}", name, account, region);

    public static Finding Finding(ControlMetadata control, string resource, Status status, string message = "what was seen") =>
        new(control, Resource(resource), status, message, [new EvidenceFact(resource, $"fact about {resource}", "codebuild/batch-get-projects.json")]);

    public static Snapshot Snapshot(IntegrityReport? integrity = null) =>
        new("/snapshots/test", null, [], integrity ?? new IntegrityReport(true, [], [], []));

    public static PostureDocument PostureWith(params Waiver[] waivers) =>
        new(1, "test-posture", new Dictionary<string, AccountTarget> { ["prd"] = new("111122223333", "ap-northeast-1") },
            Waivers: waivers.Length == 0 ? null : waivers);

    public static SuiteSettings Settings(string output = "/tmp/out") =>
        new(new TargetSpec.SnapshotFolder("/snapshots/test"), "/snapshots/test/posture.json", output);

    public static RunResult Run(IReadOnlyList<Finding> findings, IReadOnlyList<ControlMetadata>? controls = null, IntegrityReport? integrity = null) =>
        new(Settings(), "test-posture", "/snapshots/test", null, integrity ?? IntegrityReport.Unverified, Now, Now.AddSeconds(3),
            controls ?? findings.Select(f => f.Control).DistinctBy(c => c.Id).ToList(), findings);

    public static FakeTimeProvider Clock(DateTimeOffset? now = null) => new(now ?? Now);
}

/// <summary>A clock fixed at one instant: waivers expire by the injected clock, never by the machine's.</summary>
public sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A control whose verdicts are given by the test.</summary>
public sealed class ScriptedControl(ControlMetadata metadata, Func<EvaluationContext, IEnumerable<Finding>> evaluate) : IControl
{
    public ControlMetadata Metadata { get; } = metadata;

    public int Calls { get; private set; }

    public Task<IReadOnlyList<Finding>> EvaluateAsync(EvaluationContext context, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult<IReadOnlyList<Finding>>(evaluate(context).ToList());
    }

    public static ScriptedControl Returning(ControlMetadata metadata, params (string Resource, Status Status)[] verdicts) =>
        new(metadata, _ => verdicts.Select(v => RunBuilders.Finding(metadata, v.Resource, v.Status)));

    public static ScriptedControl Throwing(ControlMetadata metadata, Exception exception) =>
        new(metadata, _ => throw exception);
}
