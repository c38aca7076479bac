using IsolationChecks.Aws.CodeCommit;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Git;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.Git.GIT1_PushRefused;

/// <summary>
/// GIT-1: with the pull credentials, reading the mirror succeeds and a push is refused with 403.
/// Judges the probe record the live collection wrote (<see cref="GitProbeRecord.SnapshotPath"/>);
/// a refusal only counts when the same credentials were seen reading, from the same place.
/// </summary>
public sealed class PushRefused : SnapshotControl
{
    private const string RunTheProbe =
        "Run the push-refusal probe again against the repository the posture declares: Target=live from an isolated terminal, with gitProbe in the posture.";

    private const string HowToRun =
        "declare gitProbe (repositoryUrl, expectedBranch, credentials by environment variable names or awsProfile) in the posture " +
        "and run against the live environment from an isolated terminal (Target=live), e.g. nightly";

    public override ControlMetadata Metadata { get; } = new(
        Id: "GIT-1",
        Title: "Pull credentials can read the mirror but cannot push",
        Family: "Git",
        Severity: Severity.Critical,
        Claim: "reads with the pull credentials and refuses a push",
        Rationale: "Code must flow into the isolated environment and never out. The isolated terminals hold the pull credentials; " +
                   "if the Git server accepts a push with them (receive-pack discovery answered 200), data can leave the isolated room. " +
                   "A refusal is only evidence when the same credentials, from the same place, could read: otherwise it is just a broken connection.",
        Remediation: "Restrict the pull principal to codecommit:GitPull (no codecommit:GitPush) with an aws:SourceIp condition on the isolated " +
                     "terminals' addresses, or give the GitLab token read_repository only; then run the probe again.",
        References:
        [
            "https://docs.aws.amazon.com/codecommit/latest/userguide/auth-and-access-control-permissions-reference.html",
            "https://git-scm.com/docs/http-protocol#_smart_clients",
            "docs/git-probe.md",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context)
    {
        var declared = context.Posture.GitProbe;
        var collected = context.Snapshot.ReadProbe<GitProbeRecord>(ProbeDocuments.GitPushRefusal);
        if (!collected.TryGet(out var record, out var gap))
        {
            var url = declared is null ? null : GitPushRefusalProbe.RedactUserInfo(declared.RepositoryUrl);
            var resource = Resource(url ?? "posture:gitProbe", url is null ? "(no git probe)" : null);
            yield return verdict.Inconclusive(resource,
                $"cannot verify that a push is refused: the push-refusal probe was not run ({gap.Describe()}); {HowToRun}",
                gap.ErrorCode is null ? RunTheProbe : EvidenceRemedies.For(gap),
                new EvidenceFact(gap.Operation, gap.Describe(), gap.File));
            yield break;
        }

        yield return Judge(verdict, record, declared?.RepositoryUrl, collected.Source!);
    }

    internal static Finding Judge(FindingFactory verdict, GitProbeRecord record, string? declaredUrl, string file)
    {
        var resource = Resource(record.RepositoryUrl, null);
        var facts = Facts(record, file);
        if (declaredUrl is not null && !SameRepository(declaredUrl, record.RepositoryUrl))
            return verdict.Inconclusive(resource,
                $"cannot verify: the probe record is for {record.RepositoryUrl}, but the posture declares {GitPushRefusalProbe.RedactUserInfo(declaredUrl)}; run the probe again",
                RunTheProbe, facts);

        if (record.SetupError is not null)
            return verdict.Inconclusive(resource, $"cannot verify: the probe did not run: {record.SetupError}",
                "Fix what kept the probe from starting (named above: usually the pull credentials' environment variables or awsProfile in gitProbe), "
                + "then run the probe again (Target=live).", facts);

        var push = record.ReceivePackDiscovery;
        var cli = record.CliSecondOpinion;
        // A push allowed is a failure whatever else went wrong: these credentials can write.
        if (push?.Status is >= 200 and < 300)
            return verdict.Fail(resource,
                $"{record.Principal} may push to {record.RepositoryUrl}: receive-pack discovery answered {push.Status} instead of 403", facts);
        if (cli is { ExitCode: 0, Error: null })
            return verdict.Fail(resource,
                $"{record.Principal} may push to {record.RepositoryUrl}: `git push --dry-run` succeeded", facts);

        if (record.Read is not { } read)
            return verdict.Inconclusive(resource, "cannot verify: the probe record has no read step", RunTheProbe, facts);
        if (!read.Succeeded)
            return verdict.Inconclusive(resource,
                $"cannot verify: reading {record.RepositoryUrl} with {record.Principal} failed ({Describe(read.ErrorClass, read.Status)}: {read.Error}); " +
                "a push refusal proves nothing while reading fails too (wrong source address or credentials?)",
                "Run the probe from an isolated terminal (the address the pull principal is allowed from) with the pull credentials gitProbe names, "
                + "so that reading succeeds; then run again.", facts);
        if (!read.ExpectedBranchPresent)
            return verdict.Inconclusive(resource,
                $"cannot verify: {record.RepositoryUrl} was read, but it does not advertise the expected branch {record.ExpectedBranch} " +
                $"({read.RefCount} references); is this the mirrored repository?",
                "Point gitProbe.repositoryUrl at the mirrored repository, or correct gitProbe.expectedBranch to a branch it has; then run the probe again.", facts);

        if (push is null)
            return verdict.Inconclusive(resource, "cannot verify: receive-pack discovery was not attempted", RunTheProbe, facts);
        if (push.Status != 403)
            return verdict.Inconclusive(resource,
                $"cannot verify: receive-pack discovery ended with {Describe(push.ErrorClass, push.Status)}{(push.Error is null ? "" : $": {push.Error}")}, not the 403 refusal expected",
                "Find why the server answered as it did (the status and error above: a proxy, a timeout, a redirect to a login page), so that the probe "
                + "gets the server's own answer; then run the probe again.", facts);
        if (cli is not null && !cli.RefusedWith403)
            return verdict.Inconclusive(resource,
                $"cannot verify: receive-pack discovery was refused with 403, but the git CLI second opinion disagrees (exit {cli.ExitCode?.ToString() ?? "none"}: {cli.StderrLine ?? cli.Error})",
                "Run `git push --dry-run` with the pull credentials from an isolated terminal by hand to see which answer is right; then run the probe again.", facts);

        return verdict.Pass(resource,
            $"{record.Principal} read {record.RepositoryUrl} ({record.ExpectedBranch} advertised) and was refused a push with 403" +
            (cli is null ? "" : "; `git push --dry-run` was refused with 403 as well"), facts);
    }

    private static List<EvidenceFact> Facts(GitProbeRecord record, string file)
    {
        var facts = new List<EvidenceFact>
        {
            new("git probe", $"ran at {record.StartedAt:O} as {record.Principal ?? "(no credentials)"} ({record.CredentialSource ?? "none"})" +
                             $" from {record.SourceAddress ?? "an unrecorded address"}", file),
        };
        if (record.Read is { } read)
            facts.Add(new EvidenceFact("read", $"{read.Method} {read.Url} via {read.Client}: " + (read.Succeeded
                ? $"ok in {read.DurationMs} ms, {read.RefCount} references, {record.ExpectedBranch} {(read.ExpectedBranchPresent ? "present" : "ABSENT")}" +
                  (read.CredentialsRequested == false ? "; the server did not ask for credentials to read (anonymous read is open)" : "")
                : $"failed in {read.DurationMs} ms: {Describe(read.ErrorClass, read.Status)}: {read.Error}"), file));
        if (record.ReceivePackDiscovery is { } push)
            facts.Add(new EvidenceFact("receive-pack discovery", $"{push.Method} {push.Url}: " +
                $"{Describe(push.ErrorClass, push.Status)}{(push.ContentType is null ? "" : $" ({push.ContentType})")} in {push.DurationMs} ms" +
                (push.Error is null ? "" : $": {push.Error}"), file));
        if (record.CliSecondOpinion is { } cli)
            facts.Add(new EvidenceFact("git cli second opinion", $"{cli.Command}: exit {cli.ExitCode?.ToString() ?? "none"} in {cli.DurationMs} ms: {cli.StderrLine ?? cli.Error ?? "(no output)"}", file));
        if (record.SetupError is { } setup)
            facts.Add(new EvidenceFact("git probe", $"did not run: {setup}", file));
        return facts;
    }

    private static string Describe(GitErrorClass? errorClass, int? status) => (errorClass, status) switch
    {
        (_, { } s) when errorClass is null or GitErrorClass.Unauthorized or GitErrorClass.Forbidden or GitErrorClass.NotFound or GitErrorClass.HttpStatus => $"HTTP {s}",
        ({ } c, { } s) => $"{c.ToString().ToLowerInvariant()} (HTTP {s})",
        ({ } c, null) => c.ToString().ToLowerInvariant(),
        _ => "no answer",
    };

    private static bool SameRepository(string declared, string recorded) =>
        string.Equals(GitPushRefusalProbe.WithoutCredentials(declared)?.AbsoluteUri.TrimEnd('/') ?? declared, recorded.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static ResourceRef Resource(string url, string? name)
    {
        var uri = Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : null;
        var region = uri is null ? "" : CodeCommitGitPassword.RegionOf(uri.Host) ?? "";
        return new ResourceRef(url, name ?? uri?.Segments.LastOrDefault()?.TrimEnd('/') ?? url, "", region);
    }
}
