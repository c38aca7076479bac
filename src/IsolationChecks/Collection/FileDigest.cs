using System.Security.Cryptography;

namespace IsolationChecks.Collection;

/// <summary>The digest manifest.json records for every file: lowercase hex SHA-256 of its bytes.</summary>
public static class FileDigest
{
    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
