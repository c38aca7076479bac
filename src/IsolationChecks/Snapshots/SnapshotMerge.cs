using IsolationChecks.Collection;

namespace IsolationChecks.Snapshots;

/// <summary>A part a merge will not take: its evidence is not verified (unsigned, unknown signer, tampered). Exit code 3.</summary>
public sealed class UnverifiedPartException(string message) : Exception(message);

/// <summary>
/// Merges the signed parts of a sharded collection into one snapshot, refusing anything that would make it less than the
/// plan: every part and the plan must be intact and signed by a trusted key, dealt from this plan, with shards of one
/// count; no shard twice and no target in two parts (an overlap); every target of the plan in exactly one part (a gap
/// names the shard to rerun alone); files outside the scopes (the posture judged with, the probes) the same wherever two
/// parts hold them. The merged manifest lists every call and file, the plan's targets and, for each part, its key and the
/// SHA-256 of its manifest, so an auditor can trace every file back to the signed part it came from.
/// </summary>
public static class SnapshotMerge
{
    public static SnapshotFiles Merge(SnapshotFiles plan, IReadOnlyList<SnapshotFiles> parts, IReadOnlyList<TrustedKey> trusted)
    {
        var planStatus = Verified(plan, trusted, "plan");
        var targets = plan.Manifest!.Targets
            ?? throw new InputException(plan.Origin, "manifest.json $.targets", "a plan (isolationchecks snapshot plan writes one): a manifest with the audit's targets", "a snapshot without targets");
        var planDigest = FileDigest.Sha256Hex(plan.ManifestBytes!);
        if (parts.Count == 0)
            throw new InputException("snapshot merge", "parts", "at least one part (snapshot collect --plan PLAN --shard K/N writes them)", "none");

        var statuses = parts.Select(p => (Part: p, Status: Verified(p, trusted, "part"))).ToList();
        var shards = new Dictionary<int, SnapshotFiles>();
        var holder = new Dictionary<string, SnapshotFiles>(StringComparer.Ordinal);
        int? count = null;
        foreach (var (part, _) in statuses)
        {
            var shard = part.Manifest!.Shard
                ?? throw new InputException(part.Origin, "manifest.json $.shard", "a part of a sharded collection (snapshot collect --plan PLAN --shard K/N)", "a snapshot that is no shard's part");
            if (shard.Plan != planDigest)
                throw new InputException(part.Origin, "manifest.json $.shard.plan", $"a part dealt from this plan (its manifest's SHA-256 {planDigest})",
                    $"a part of plan {shard.Plan}: collect it again from this plan, or merge it with its own");
            if ((count ??= shard.Count) != shard.Count)
                throw new InputException(part.Origin, "manifest.json $.shard.count", $"a share of the same {count} shards as the other parts", $"shard {shard.Index}/{shard.Count}");
            if (shards.TryGetValue(shard.Index, out var twice))
                throw new InputException(part.Origin, "manifest.json $.shard.index", $"each shard once (overlap: shard {shard.Index}/{shard.Count} is also {twice.Origin})", $"shard {shard.Index}/{shard.Count} again");
            shards[shard.Index] = part;
            foreach (var scope in part.Manifest.Scopes)
            {
                if (holder.TryGetValue(scope.Folder, out var other))
                    throw new InputException(part.Origin, "manifest.json $.scopes", $"each target in one part only (overlap: {scope.Folder} is also in {other.Origin})", scope.Folder);
                holder[scope.Folder] = part;
            }
        }

        var expected = targets.Select(t => t.Folder).ToHashSet(StringComparer.Ordinal);
        foreach (var (folder, part) in holder.Where(h => !expected.Contains(h.Key)))
            throw new InputException(part.Origin, "manifest.json $.scopes", "only targets of the plan", $"{folder}, which the plan does not target");
        var missing = targets.Where(t => !holder.ContainsKey(t.Folder)).ToList();
        if (missing.Count > 0)
        {
            var absentShards = Enumerable.Range(1, count!.Value).Where(k => !shards.ContainsKey(k)).ToList();
            throw new InputException("snapshot merge", "parts",
                $"every target of the plan in one part (gap: rerun {(absentShards.Count > 0 ? $"shard {string.Join(", ", absentShards.Select(k => $"{k}/{count}"))} alone with snapshot collect --plan PLAN --shard" : "the parts")})",
                $"no part holds {missing.Count} target(s): {string.Join(", ", missing.Take(5).Select(t => $"{t.Name} ({t.Folder})"))}{(missing.Count > 5 ? ", ..." : "")}");
        }

        var files = new Dictionary<string, byte[]>(plan.Files, StringComparer.Ordinal);
        var source = plan.Files.Keys.ToDictionary(k => k, _ => plan, StringComparer.Ordinal);
        foreach (var part in shards.OrderBy(s => s.Key).Select(s => s.Value))
        {
            foreach (var (path, bytes) in part.Files)
            {
                if (files.TryGetValue(path, out var held) && !held.AsSpan().SequenceEqual(bytes))
                    throw new InputException(part.Origin, path, $"the same file as {source[path].Origin} holds (every part judged with the plan's posture)", "a different file");
                files[path] = bytes;
                source.TryAdd(path, part);
            }
        }

        var ordered = shards.OrderBy(s => s.Key).Select(s => s.Value).ToList();
        var first = ordered.Select(p => p.Manifest!).Prepend(plan.Manifest).MinBy(m => m.CollectedAt)!;
        var manifest = new SnapshotManifest(
            SnapshotManifest.CurrentFormat,
            Collector.ToolName,
            first.CollectedAt,
            [.. plan.Manifest.Scopes, .. ordered.SelectMany(p => p.Manifest!.Scopes)],
            [.. plan.Manifest.Calls.Where(c => c.Service != "posture"), .. ordered.SelectMany(p => p.Manifest!.Calls).Where(c => c.Service != "posture"),
             .. plan.Manifest.Calls.Where(c => c.Service == "posture").Take(1)],
            new SortedDictionary<string, string>(files.ToDictionary(f => f.Key, f => FileDigest.Sha256Hex(f.Value)), StringComparer.Ordinal))
        {
            Targets = targets,
            Parts =
            [
                Part("plan", plan, planStatus),
                .. statuses.OrderBy(s => s.Part.Manifest!.Shard!.Index).Select(s => Part($"shard {s.Part.Manifest!.Shard}", s.Part, s.Status)),
            ],
        };
        return new SnapshotFiles("merged", files, manifest);
    }

    private static ManifestPart Part(string role, SnapshotFiles files, EvidenceStatus status) =>
        new(role, status.KeyId!, FileDigest.Sha256Hex(files.ManifestBytes!), files.Manifest!.CollectedAt, files.Manifest.Files.Count);

    /// <summary>The part's evidence state; anything but signed by a trusted key with every file matching is refused, naming why.</summary>
    private static EvidenceStatus Verified(SnapshotFiles files, IReadOnlyList<TrustedKey> trusted, string what)
    {
        var status = EvidenceStatus.Of(files, SnapshotReader.Read(files).Integrity, trusted);
        return status.State == EvidenceState.Signed
            ? status
            : throw new UnverifiedPartException($"{files.Origin}: the {what} is not verified evidence, so it is not merged: {status.Reason}");
    }
}

