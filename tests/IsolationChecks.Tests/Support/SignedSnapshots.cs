using System.Security.Cryptography;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Support;

/// <summary>The reference environment written out as a collected snapshot (manifest with every hash), signed or not, and keys to sign with.</summary>
public static class SignedSnapshots
{
    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Writes the reference as a live run would save it, signed with <paramref name="key"/> when given.</summary>
    public static Task WriteReferenceAsync(string folder, ECDsa? key) => TestSupport.SignedReference.WriteAsync(RepositoryPaths.Reference, folder, key);

    /// <summary>The public half of a key as a PEM file (what an operator distributes as a trusted key).</summary>
    public static string WritePublicKey(ECDsa key, string path)
    {
        File.WriteAllText(path, key.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    /// <summary>Re-hashes a changed file into manifest.json, as someone without the key would to cover an edit.</summary>
    public static void Rehash(string folder, string relativePath)
    {
        var manifestPath = Path.Combine(folder, SnapshotLayout.ManifestFile);
        var manifest = SnapshotFolder.ParseManifest(File.ReadAllBytes(manifestPath), manifestPath);
        var hashes = new Dictionary<string, string>(manifest.Files) { [relativePath] = FileDigest.Sha256Hex(File.ReadAllBytes(Path.Combine(folder, relativePath))) };
        File.WriteAllBytes(manifestPath, SnapshotFolder.SerializeManifest(manifest with { Files = hashes }));
    }
}
