using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks snapshot-sign DIR --key PRIVATE.pem`: signs a snapshot's manifest.json with an ECDSA P-256 key,
/// only when every file matches it, and never replaces an existing signature. Exit code 0 signed.
/// </summary>
public sealed class SnapshotSignCommand : ICommand
{
    public string Name => "snapshot-sign";

    public string Usage => "isolationchecks snapshot-sign <snapshot folder> --key <private key .pem>";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (folder, keyPath) = args switch
        {
            [var f, "--key", var k] => (f, k),
            ["--key", var k, var f] => (f, k),
            _ => throw new UsageException("snapshot-sign takes one folder and --key PATH"),
        };
        if (!Directory.Exists(folder)) throw new UsageException($"no folder '{folder}'");

        using var key = SnapshotSigning.LoadPrivateKey(keyPath, "--key");
        var signature = await SnapshotFolder.SignAsync(folder, key, cancellationToken);
        await output.WriteLineAsync($"{Path.GetFullPath(folder)}: manifest.json signed with key {signature.KeyId} ({SnapshotSigning.SignatureFile})");
        return ExitCodes.Affirmative;
    }
}
