namespace IsolationChecks.Collection;

/// <summary>
/// The folder structure of a snapshot. Each call's own file is declared by the call catalog (<see cref="Aws.Calls.AwsCall.File"/>):
/// EC2 outputs at the scope's root named by the response's top-level key (the names other network tools read), other
/// services in a subfolder named after the AWS CLI command that prints them.
/// </summary>
public static class SnapshotLayout
{
    public const string ManifestFile = "manifest.json";

    /// <summary>The manifest's signature (Snapshots/SnapshotSigning.cs writes and checks it).</summary>
    public const string SignatureFile = "manifest.sig";
    public const string AccountsFolder = "accounts";

    /// <summary>The organisation reader's discovery (which accounts the targets cover): one folder, outside every audited scope.</summary>
    public const string OrganizationFolder = "organization";

    /// <summary>Scope folder for multi-account/multi-region snapshots.</summary>
    public static string ScopeFolder(string accountId, string region) => $"{AccountsFolder}/{accountId}/{region}";
}
