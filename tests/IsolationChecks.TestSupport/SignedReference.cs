using System.Security.Cryptography;
using IsolationChecks.Collection;
using IsolationChecks.Snapshots;

namespace IsolationChecks.TestSupport;

/// <summary>A snapshot folder written as a live run saves one (manifest with every hash), signed when a key is given: evidence a gate accepts.</summary>
public static class SignedReference
{
    /// <summary>Writes the files of <paramref name="reference"/> (its two scopes) into <paramref name="folder"/> as a collected snapshot.</summary>
    public static async Task WriteAsync(string reference, string folder, ECDsa? key)
    {
        var files = await SnapshotFolder.ReadAsync(reference, CancellationToken.None).ConfigureAwait(false);
        var manifest = new SnapshotManifest(SnapshotManifest.CurrentFormat, "test", DateTimeOffset.UnixEpoch,
            [new ManifestScope("111111111111", "ap-northeast-1", SnapshotLayout.ScopeFolder("111111111111", "ap-northeast-1")),
             new ManifestScope("222222222222", "ap-northeast-1", SnapshotLayout.ScopeFolder("222222222222", "ap-northeast-1"))],
            [], files.Files.ToDictionary(f => f.Key, f => FileDigest.Sha256Hex(f.Value)));
        await SnapshotFolder.WriteAsync(files with { Manifest = manifest }, folder, key, CancellationToken.None).ConfigureAwait(false);
    }
}
