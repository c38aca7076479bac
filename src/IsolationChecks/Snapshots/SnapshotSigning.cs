using System.Security.Cryptography;
using System.Text.Json;
using IsolationChecks.Collection;

namespace IsolationChecks.Snapshots;

/// <summary>
/// manifest.sig: an ECDSA P-256 signature over the exact bytes of manifest.json, with the id of the key that made it.
/// The manifest holds the SHA-256 of every file, so the signature anchors the whole snapshot.
/// </summary>
/// <param name="KeyId">The first 16 hex digits of the SHA-256 of the public key (its SubjectPublicKeyInfo, DER).</param>
/// <param name="Signature">Base64 of the DER-encoded (RFC 3279) signature: what <c>openssl dgst -sha256 -sign</c> writes too.</param>
public sealed record ManifestSignature(string Format, string Algorithm, string KeyId, string Signature)
{
    public const string CurrentFormat = "isolationchecks-signature/1";
    public const string Es256 = "ECDSA-P256-SHA256";
}

/// <summary>A public key the operator trusts to vouch for snapshots, and where it was read from.</summary>
public sealed record TrustedKey(string KeyId, string Source, ECDsa Key);

/// <summary>Signs and verifies snapshot manifests with .NET's own cryptography; keys are PEM files.</summary>
public static class SnapshotSigning
{
    public const string SignatureFile = SnapshotLayout.SignatureFile;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string KeyIdOf(ECDsa key) =>
        Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    public static ManifestSignature Sign(byte[] manifest, ECDsa privateKey) => new(
        ManifestSignature.CurrentFormat,
        ManifestSignature.Es256,
        KeyIdOf(privateKey),
        Convert.ToBase64String(privateKey.SignData(manifest, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));

    public static byte[] Serialize(ManifestSignature signature) => JsonSerializer.SerializeToUtf8Bytes(signature, Json);

    /// <summary>Reads manifest.sig; a file that is not one is an input error naming the file and field.</summary>
    public static ManifestSignature Parse(byte[] bytes, string file)
    {
        ManifestSignature? signature;
        try
        {
            signature = JsonSerializer.Deserialize<ManifestSignature>(bytes, Json);
        }
        catch (JsonException e)
        {
            throw new InputException(file, e.Path ?? "$", "a manifest signature {format, algorithm, keyId, signature}", e.Message, e);
        }

        if (signature is not { Format: ManifestSignature.CurrentFormat, Algorithm: ManifestSignature.Es256, KeyId: not null, Signature: not null })
            throw new InputException(file, "$", $"a signature of format {ManifestSignature.CurrentFormat}, algorithm {ManifestSignature.Es256}, with keyId and signature",
                signature is null ? "null" : $"format {signature.Format ?? "(none)"}, algorithm {signature.Algorithm ?? "(none)"}");
        return signature;
    }

    /// <summary>
    /// Whether the signature over <paramref name="manifest"/> verifies with a trusted key. The reason says which key
    /// (and from where) or why not: no trusted key, an unknown signer, a signature that does not verify.
    /// </summary>
    public static (bool Verified, string Reason) Verify(byte[] manifest, ManifestSignature signature, IReadOnlyList<TrustedKey> trusted)
    {
        if (trusted.Count == 0)
            return (false, $"manifest.json is signed by key {signature.KeyId}, but no trusted public key was given (the TrustedKeys setting)");
        var key = trusted.FirstOrDefault(k => k.KeyId == signature.KeyId);
        if (key is null)
            return (false, $"manifest.json is signed by key {signature.KeyId}, which is not among the trusted keys ({string.Join(", ", trusted.Select(k => k.KeyId))})");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature.Signature);
        }
        catch (FormatException)
        {
            return (false, $"{SignatureFile} holds a signature that is not base64");
        }

        return key.Key.VerifyData(manifest, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            ? (true, $"manifest.json's signature verifies with trusted key {key.KeyId} ({key.Source})")
            : (false, $"the signature in {SignatureFile} (key {key.KeyId}) does not verify: manifest.json was changed after signing, or the signature was");
    }

    /// <summary>An ECDSA P-256 private key from a PEM file ("EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY").</summary>
    public static ECDsa LoadPrivateKey(string path, string setting) => Load(path, setting, "a PEM file holding an ECDSA P-256 private key (openssl ecparam -name prime256v1 -genkey -noout)", isPrivate: true);

    /// <summary>The trusted public keys: one PEM file, or every *.pem file of a folder.</summary>
    public static IReadOnlyList<TrustedKey> LoadTrustedKeys(string path, string setting)
    {
        var files = Directory.Exists(path) ? Directory.GetFiles(path, "*.pem").Order(StringComparer.Ordinal).ToArray()
            : File.Exists(path) ? [path]
            : throw new InputException(setting, "TrustedKeys", "a PEM file or a folder of *.pem public keys", $"{path} does not exist");
        if (files.Length == 0)
            throw new InputException(setting, "TrustedKeys", "a folder holding at least one *.pem public key", $"{path} holds none");
        return files.Select(f =>
        {
            var key = Load(f, setting, "a PEM file holding an ECDSA P-256 public key (openssl ec -pubout)", isPrivate: false);
            return new TrustedKey(KeyIdOf(key), f, key);
        }).ToList();
    }

    private static ECDsa Load(string path, string setting, string expected, bool isPrivate)
    {
        if (!File.Exists(path))
            throw new InputException(setting, path, expected, "no such file");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InputException(setting, path, expected, e.Message, e);
        }

        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            key.Dispose();
            throw new InputException(setting, path, expected, $"a key on curve {parameters.Curve.Oid.FriendlyName ?? parameters.Curve.Oid.Value}");
        }

        if (isPrivate)
        {
            try
            {
                _ = key.ExportParameters(includePrivateParameters: true);
            }
            catch (CryptographicException e)
            {
                key.Dispose();
                throw new InputException(setting, path, expected, "a public key only", e);
            }
        }

        return key;
    }
}
