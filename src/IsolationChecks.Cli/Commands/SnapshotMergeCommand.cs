using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `snapshot merge --plan PLAN --trusted-keys KEYS --out MERGED --key PEM PART...`: verifies every part's
/// signature and the plan's, refuses overlaps and gaps against the plan's targets, and writes one snapshot whose manifest
/// names every part (key id, manifest SHA-256), signed with the merger's key. Exit code 0 merged; 2 an overlap, a gap or a
/// part of another plan; 3 a part or plan that is not verified evidence (unsigned, unknown signer, files changed).
/// </summary>
public sealed class SnapshotMergeCommand : ICommand
{
    public string Name => "merge";

    public string Usage => "snapshot merge --plan <plan folder> --trusted-keys <public key .pem | folder> --out <folder> [--key <private key .pem>] <part folder>...";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new CollectionArguments(args, new HashSet<string>(StringComparer.Ordinal) { "--plan", "--trusted-keys", "--out", "--key" });
        if (options.Positional.Count == 0) throw new UsageException("snapshot merge takes the part folders to merge");
        foreach (var folder in options.Positional.Append(options.Required("--plan", "PLAN_FOLDER")).Where(f => !Directory.Exists(f)))
            throw new UsageException($"no folder '{folder}'");
        var trusted = SnapshotSigning.LoadTrustedKeys(options.Required("--trusted-keys", "KEYS"), "--trusted-keys");
        var plan = await SnapshotFolder.ReadAsync(options.Required("--plan", "PLAN_FOLDER"), cancellationToken);
        var parts = new List<Collection.SnapshotFiles>();
        foreach (var folder in options.Positional)
            parts.Add(await SnapshotFolder.ReadAsync(folder, cancellationToken));
        Collection.SnapshotFiles merged;
        try
        {
            merged = SnapshotMerge.Merge(plan, parts, trusted);
        }
        catch (UnverifiedPartException e)
        {
            await error.WriteLineAsync(e.Message);
            return ExitCodes.EvidenceUnverified;
        }

        await output.WriteLineAsync($"merged {parts.Count} parts: {merged.Manifest!.Scopes.Count} scopes, {merged.Manifest.Targets!.Count} targets of the plan, none missing");
        await SignedOutput.WriteAsync(new SnapshotFilesAndKey(merged, options.Required("--out", "FOLDER"), options.Optional("--key")), output, cancellationToken);
        return ExitCodes.Affirmative;
    }
}
