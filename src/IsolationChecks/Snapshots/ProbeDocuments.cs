using System.Text.Json;
using IsolationChecks.Git;
using IsolationChecks.Probes;
using IsolationChecks.Snapshots.Json;
using IsolationChecks.Collection;

namespace IsolationChecks.Snapshots;

/// <summary>
/// A document of the snapshot that no AWS call prints: a probe's record, written by the run that probed. Declared
/// like a call (file, shape, manifest names, how to get it) and read by the same rules: absent is a gap, never empty.
/// </summary>
public sealed record ProbeDocument(string Path, Type Shape, string Service, string Operation, JsonSerializerOptions Options, string Remedy);

/// <summary>The probe records a snapshot may hold.</summary>
public static class ProbeDocuments
{
    public static ProbeDocument GitPushRefusal { get; } = new(GitProbeRecord.SnapshotPath, typeof(GitProbeRecord), GitProbeRecord.Service, GitProbeRecord.Operation,
        Strict(GitProbeRecord.JsonOptions), "Run the suite live with a gitProbe section in the posture (docs/git-probe.md): the record is collected with the snapshot.");

    public static ProbeDocument InVpc { get; } = new(InVpcProbeRecord.SnapshotPath, typeof(InVpcProbeRecord), InVpcProbeRecord.Service, InVpcProbeRecord.Operation,
        Strict(InVpcProbeRecord.JsonOptions), "Run the suite live inside the build network with inVpcProbes.enabled, or `isolationchecks probe-vpc` in a build step.");

    public static IReadOnlyList<ProbeDocument> All { get; } = [GitPushRefusal, InVpc];

    /// <summary>The record's own options, with required members and nullability enforced as for every other shape.</summary>
    private static JsonSerializerOptions Strict(JsonSerializerOptions options)
    {
        var strict = new JsonSerializerOptions(options)
        {
            RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true, TypeInfoResolver = SnapshotJsonMetadata.Default,
        };
        strict.MakeReadOnly(populateMissingResolver: true);
        return strict;
    }

    /// <summary>Reads a probe record; a manifest that does not list it makes it untrusted (a slipped-in file decides nothing).</summary>
    internal static Collected<T> Read<T>(SnapshotFiles? files, SnapshotManifest? manifest, ProbeDocument document, EvidenceLog? log = null) where T : class
    {
        if (document.Shape != typeof(T))
            throw new ArgumentException($"{document.Path} is read as {document.Shape.Name}, not {typeof(T).Name}", nameof(document));
        if (files is null || !files.Files.TryGetValue(document.Path, out var bytes))
        {
            var failed = manifest?.Calls.LastOrDefault(c => c.File == document.Path || (c.Service == document.Service && c.Operation == document.Operation && c.Outcome == "failed"));
            return Collected<T>.Missing(failed is { Outcome: "failed" }
                ? new DataGap(document.Service, document.Operation, failed.ErrorMessage ?? "failed", failed.ErrorCode, document.Path, document.Remedy)
                : DataGap.NotCollected(document.Service, document.Operation, document.Path, document.Remedy), log);
        }

        if (manifest is not null && !manifest.Files.ContainsKey(document.Path))
            return Collected<T>.Missing(new DataGap(document.Service, document.Operation,
                $"{document.Path} is in the snapshot but not listed in manifest.json, so it is not trusted as evidence", "UnlistedEvidence", document.Path, document.Remedy), log);

        try
        {
            using var parsed = SnapshotJson.ParseDocument(bytes, $"{files.Origin}/{document.Path}");
            return Collected<T>.Seen(SnapshotJson.Deserialize<T>(parsed.RootElement, document.Options, $"{files.Origin}/{document.Path}", "$", $"a {document.Shape.Name} record"), document.Path, log);
        }
        catch (InputException e)
        {
            return Collected<T>.Missing(new DataGap(document.Service, document.Operation,
                $"{e.Field}: expected {e.Expected}{(e.Actual is null ? "" : $", found {e.Actual}")}", DataGap.MalformedEvidence, document.Path, document.Remedy), log);
        }
    }
}
