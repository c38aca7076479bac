using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks snapshot-verify DIR`: checks a snapshot's files against its manifest's SHA-256s, so evidence
/// can be verified without running the suite. Exit code 0 intact, 1 tampered or incomplete, 3 no manifest (unverifiable).
/// </summary>
public sealed class SnapshotVerifyCommand : ICommand
{
    public string Name => "snapshot-verify";

    public string Usage => "isolationchecks snapshot-verify <snapshot folder>";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Count != 1) throw new UsageException("snapshot-verify takes exactly one folder");
        if (!Directory.Exists(args[0])) throw new UsageException($"no folder '{args[0]}'");

        var snapshot = SnapshotReader.Read(await SnapshotFolder.ReadAsync(args[0], cancellationToken));
        var integrity = snapshot.Integrity;
        await output.WriteLineAsync($"{snapshot.Origin}: {integrity.Describe()}");
        if (snapshot.Manifest is { } manifest)
            await output.WriteLineAsync($"collected {manifest.CollectedAt:u} by {manifest.Tool}; {manifest.Files.Count} files, " +
                                        $"{manifest.Calls.Count(c => c.Outcome == "failed")} of {manifest.Calls.Count} calls failed");
        foreach (var unlisted in integrity.UnlistedFiles)
            await output.WriteLineAsync($"  not evidence (not in manifest.json): {unlisted}");
        return !integrity.ManifestPresent ? ExitCodes.EvidenceUnverified : integrity.IsIntact ? ExitCodes.Affirmative : ExitCodes.Negative;
    }
}
