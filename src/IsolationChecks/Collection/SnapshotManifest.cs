namespace IsolationChecks.Collection;

/// <summary>
/// manifest.json: who collected what, when, with which outcome, and the SHA-256 of every file,
/// so the snapshot can serve as audit evidence.
/// </summary>
public sealed record SnapshotManifest(
    string Format,
    string Tool,
    DateTimeOffset CollectedAt,
    IReadOnlyList<ManifestScope> Scopes,
    IReadOnlyList<ManifestCall> Calls,
    IReadOnlyDictionary<string, string> Files)
{
    public const string CurrentFormat = "isolationchecks-snapshot/1";

    /// <summary>The targets the audit must cover (a plan, and a snapshot merged from one): what a merge checks its parts against.</summary>
    public IReadOnlyList<ManifestTarget>? Targets { get; init; }

    /// <summary>A part of a sharded collection: which share of which plan it holds.</summary>
    public ManifestShard? Shard { get; init; }

    /// <summary>A merged snapshot: the plan and parts it was merged from, so an auditor can trace every file to its signed part.</summary>
    public IReadOnlyList<ManifestPart>? Parts { get; init; }
}

/// <summary>One (account, region) an audit targets, how it is reached, and its class when an organisation target lists it.</summary>
/// <param name="Name">The scope's name in messages (a posture account, or "NAME/REGION" for an organisation member).</param>
/// <param name="Folder">Where its evidence goes: accounts/&lt;account&gt;/&lt;region&gt;.</param>
public sealed record ManifestTarget(string Name, string Account, string Region, string Folder, string? RoleArn = null, string? Class = null);

/// <param name="Index">1-based: shard K of N.</param>
/// <param name="Plan">The SHA-256 of the plan's manifest.json this share was dealt from.</param>
/// <param name="Folders">The scope folders this share holds, as the plan deals them.</param>
public sealed record ManifestShard(int Index, int Count, string Plan, IReadOnlyList<string> Folders)
{
    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>A signed snapshot a merge took files from.</summary>
/// <param name="Role">"plan", or "shard K/N".</param>
/// <param name="Manifest">The SHA-256 of that snapshot's manifest.json (what its signature covers).</param>
public sealed record ManifestPart(string Role, string KeyId, string Manifest, DateTimeOffset CollectedAt, int Files);

/// <param name="Folder">Relative folder holding the scope ("" when the snapshot has a single scope at its root).</param>
public sealed record ManifestScope(string Account, string Region, string Folder, string? CallerArn = null);

/// <summary>One logical API call (all its pages) and how it ended.</summary>
/// <param name="File">The file it produced (relative to the snapshot root); null when it failed.</param>
/// <param name="Outcome">"ok", "absent" (the service confirmed there is nothing, e.g. no repository policy) or "failed".</param>
public sealed record ManifestCall(
    string Folder,
    string Service,
    string Operation,
    string? Target,
    string? File,
    string Outcome,
    int Pages,
    int Attempts,
    long DurationMs,
    string? ErrorCode = null,
    string? ErrorMessage = null);
