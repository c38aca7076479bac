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
}

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
