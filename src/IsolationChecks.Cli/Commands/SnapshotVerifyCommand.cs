using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks snapshot-verify DIR [--trusted-keys PEM|DIR]`: whether a snapshot is evidence a gate may accept,
/// without running the suite. Exit code 0 only when every file matches manifest.json AND its signature verifies with
/// a trusted key; 1 when files do not match the manifest (tampered or incomplete); 3 for anything else unverified
/// (no manifest, unsigned, unknown signer, a signature that does not verify). The reason is printed.
/// </summary>
public sealed class SnapshotVerifyCommand : ICommand
{
    public string Name => "snapshot-verify";

    public string Usage => "isolationchecks snapshot-verify <snapshot folder> [--trusted-keys <public key .pem | folder of .pem>]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (folder, keys) = args switch
        {
            [var f] => (f, null),
            [var f, "--trusted-keys", var k] => (f, k),
            ["--trusted-keys", var k, var f] => (f, (string?)k),
            _ => throw new UsageException("snapshot-verify takes one folder and optionally --trusted-keys PATH"),
        };
        if (!Directory.Exists(folder)) throw new UsageException($"no folder '{folder}'");

        var trusted = keys is null ? [] : SnapshotSigning.LoadTrustedKeys(keys, "--trusted-keys");
        var files = await SnapshotFolder.ReadAsync(folder, cancellationToken);
        var snapshot = SnapshotReader.Read(files);
        var integrity = snapshot.Integrity;
        var evidence = EvidenceStatus.Of(files, integrity, trusted);
        await output.WriteLineAsync($"{snapshot.Origin}: {evidence.Describe()}");
        await output.WriteLineAsync($"  files: {integrity.Describe()}");
        if (snapshot.Manifest is { } manifest)
            await output.WriteLineAsync($"  collected {manifest.CollectedAt:u} by {manifest.Tool}; {manifest.Files.Count} files, " +
                                        $"{manifest.Calls.Count(c => c.Outcome == "failed")} of {manifest.Calls.Count} calls failed");
        foreach (var unlisted in integrity.UnlistedFiles)
            await output.WriteLineAsync($"  not evidence (not in manifest.json): {unlisted}");
        return evidence.State == EvidenceState.Signed ? ExitCodes.Affirmative
            : integrity.ManifestPresent && !integrity.IsIntact ? ExitCodes.Negative
            : ExitCodes.EvidenceUnverified;
    }
}
