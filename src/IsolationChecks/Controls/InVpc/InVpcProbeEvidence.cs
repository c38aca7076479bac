using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Probes;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Controls.InVpc;

/// <summary>One declared probe target with what the probe record says about it, and the facts every verdict carries.</summary>
internal sealed record ProbedTarget<T>(ResourceRef Resource, T Probe, IReadOnlyList<EvidenceFact> Facts);

/// <summary>
/// Reads the in-VPC probe record and decides whether it can be trusted at all: probes enabled in the posture, a record
/// present, and run from inside the build network (an address in a build VPC, or a build of a judged project in a build VPC). Anything
/// else makes every target inconclusive: a canary that failed to connect from the wrong place proves nothing.
/// </summary>
internal static class InVpcProbeEvidence
{
    private const string HowToRun =
        "run the suite inside the isolated build network (for example as a CodeBuild project in the build VPC, Target=live) with inVpcProbes.enabled=true";

    /// <summary>
    /// How to get in-VPC evidence. Deselecting the InVpc tests with --filter does not change the audit gate, which is judged
    /// over every finding: a run that cannot probe from inside needs the probes run there (or a waiver with its reason).
    /// </summary>
    private const string RunInside =
        "Run the probes inside the isolated build network: the suite there with Target=live and inVpcProbes.enabled=true, or "
        + "`isolationchecks probe-vpc POSTURE probes/in-vpc.json` in a build of the build VPC, copied into the snapshot. "
        + "Deselecting these tests with --filter does not change the audit gate; where they truly cannot run, waive them in the posture with the reason.";

    public static IEnumerable<Finding> Evaluate<T>(
        EvaluationContext context, FindingFactory verdict, Func<Probes.InVpcProbeRecord, IEnumerable<(string Target, T? Probe)>> targets,
        Func<ProbedTarget<T>, Finding> judge, Func<Posture.InVpcProbePosture, IReadOnlyList<string>?> declared)
        where T : class
    {
        var posture = context.Posture.InVpcProbes;
        if (posture is not { Enabled: true })
        {
            yield return verdict.Inconclusive(new ResourceRef("posture:inVpcProbes", "(in-VPC probes disabled)", "", ""),
                $"cannot verify from here: the posture {(posture is null ? "declares no inVpcProbes section" : "disables the in-VPC probes (inVpcProbes.enabled=false)")}; {HowToRun}",
                EvidenceRemedies.DeclareInPosture("inVpcProbes (enabled: true, internetCanaries, serviceHosts)") + " " + RunInside);
            yield break;
        }

        var names = declared(posture) ?? [];
        if (names.Count == 0)
        {
            yield return verdict.Inconclusive(new ResourceRef("posture:inVpcProbes", "(nothing declared)", "", ""),
                "the posture's inVpcProbes section declares nothing for this control to probe",
                EvidenceRemedies.DeclareInPosture("what this control probes: inVpcProbes.internetCanaries (NET-1) or inVpcProbes.serviceHosts (NET-2, NET-3)"));
            yield break;
        }

        var collected = context.Snapshot.ReadProbe<InVpcProbeRecord>(ProbeDocuments.InVpc);
        if (!collected.TryGet(out var record, out var gap))
        {
            foreach (var name in names)
                yield return verdict.Inconclusive(Resource(name), $"cannot verify {name}: the in-VPC probes were not run ({gap.Describe()}); {HowToRun}",
                    gap.ErrorCode is null ? RunInside : EvidenceRemedies.For(gap),
                    new EvidenceFact(gap.Operation, gap.Describe(), gap.File));
            yield break;
        }

        var file = collected.Source!;
        var (inside, where) = Location(context, record.Source);
        var sourceFact = new EvidenceFact("probe source",
            $"{record.Source.HostName}, addresses {ListText.Joined(record.Source.Addresses, "none")}" +
            (record.Source.CodeBuildBuildArn is { } arn ? $", build {arn}" : "") + $"; {where}; probed at {record.StartedAt:O}, timeout {record.TimeoutSeconds} s", file);
        var probed = targets(record).ToList();
        foreach (var name in names)
        {
            var resource = Resource(name);
            if (!inside)
            {
                yield return verdict.Inconclusive(resource, $"cannot verify {name}: the probes ran outside the isolated build network ({where}); {HowToRun}",
                    RunInside, sourceFact);
                continue;
            }

            var probe = probed.FirstOrDefault(p => string.Equals(p.Target, name, StringComparison.OrdinalIgnoreCase)).Probe;
            yield return probe is null
                ? verdict.Inconclusive(resource, $"cannot verify {name}: the probe record has no probe of it (it was declared after the probes ran); run the probes again",
                    RunInside, sourceFact)
                : judge(new ProbedTarget<T>(resource, probe, [sourceFact]));
        }
    }

    /// <summary>NET-2 and NET-3 judge the same targets: the declared service host names.</summary>
    public static IEnumerable<Finding> EvaluateServiceHosts(EvaluationContext context, FindingFactory verdict, Func<ProbedTarget<ServiceHostProbe>, Finding> judge) =>
        Evaluate<ServiceHostProbe>(context, verdict, record => record.ServiceHosts.Select(h => (h.Host, (ServiceHostProbe?)h)), judge, posture => posture.ServiceHosts);

    private static ResourceRef Resource(string target) => new(target, target, "", "");

    /// <summary>Inside means an address of the probing machine in a build VPC's CIDR, or a CodeBuild build of a declared project.</summary>
    private static (bool Inside, string Where) Location(EvaluationContext context, ProbeSource source)
    {
        var build = context.Posture.Build;
        if (build is null)
            return (false, "the posture declares no build section, so the build network is unknown");
        if (!context.ScopeOf(build.Account).TryGet(out var scope, out var gap) || !scope.Ec2.Vpcs.TryGet(out var vpcs, out gap))
            return (false, $"the build VPCs' address ranges are unknown ({gap!.Describe()})");
        // The posture's build VPCs, else those of the projects judged (as the endpoint controls read them).
        var projects = scope.CodeBuild.Projects.TryGet(out var listed, out _) ? listed.Where(p => build.Judges(p.Name)).ToList() : [];
        var buildVpcs = build.Vpcs ?? projects.Select(p => p.VpcConfig?.VpcId).OfType<string>().ToList();

        // A build counts when its project is judged and runs in a build VPC: a build without a VPC proves nothing about the network.
        if (source.CodeBuildBuildArn is { } arn && ProjectOf(arn, scope.AccountId) is { } name
            && projects.FirstOrDefault(p => p.Name == name) is { VpcConfig.VpcId: { } projectVpc } && buildVpcs.Contains(projectVpc, StringComparer.Ordinal))
            return (true, $"in a build of the CodeBuild project {name}, which runs in build VPC {projectVpc}");

        var ranges = vpcs.Where(v => buildVpcs.Contains(v.VpcId, StringComparer.Ordinal))
            .SelectMany(v => (v.CidrBlockAssociationSet ?? []).Select(a => a.CidrBlock).Append(v.CidrBlock).OfType<string>().Distinct()
                .Select(c => (Vpc: v.VpcId, Cidr: Cidr.Parse(c))))
            .ToList();
        foreach (var address in source.Addresses)
            if (Cidr.TryParse(address.Contains(':', StringComparison.Ordinal) ? $"{address}/128" : $"{address}/32", out var host)
                && ranges.FirstOrDefault(r => r.Cidr.Contains(host)) is { Vpc: not null } hit)
                return (true, $"{address} is in build VPC {hit.Vpc} ({hit.Cidr})");
        return (false, $"none of its addresses ({ListText.Joined(source.Addresses, "none")}) is in a build VPC ({ListText.Joined(ranges.Select(r => $"{r.Vpc} {r.Cidr}"), "no build VPC listed")}) and it is not a build of a judged CodeBuild project that runs in a build VPC");
    }

    /// <summary>The project of arn:aws:codebuild:REGION:ACCOUNT:build/PROJECT:BUILD-ID, when the build ran in the build account.</summary>
    private static string? ProjectOf(string buildArn, string buildAccountId)
    {
        var at = buildArn.IndexOf(":build/", StringComparison.Ordinal);
        if (at < 0 || !buildArn[..at].EndsWith($":{buildAccountId}", StringComparison.Ordinal))
            return null;
        var rest = buildArn[(at + ":build/".Length)..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? rest : rest[..colon];
    }
}
