using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Snapshots;

/// <summary>Everything collected (or loaded) for one run: the evidence every control reads.</summary>
/// <param name="Origin">"live" or the folder it was loaded from.</param>
/// <param name="Files">The raw files, for controls whose evidence the central reader does not model
/// (probe records, newer services): read them with <see cref="SnapshotDocuments"/>.</param>
public sealed record Snapshot(string Origin, SnapshotManifest? Manifest, IReadOnlyList<ScopeSnapshot> Scopes, IntegrityReport Integrity, SnapshotFiles? Files = null)
{
    public ScopeSnapshot? Find(string accountId, string region) =>
        Scopes.FirstOrDefault(s => s.AccountId == accountId && string.Equals(s.Region, region, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One account and region of the snapshot.</summary>
/// <param name="Folder">Relative folder of the scope inside the snapshot ("" for a single-scope snapshot).</param>
public sealed record ScopeSnapshot(
    string AccountId,
    string Region,
    string Folder,
    Ec2Inventory Ec2,
    CodeBuildInventory CodeBuild,
    EcrInventory Ecr,
    Collected<AccountAuthorizationDetails> Iam,
    Collected<CallerIdentity> CallerIdentity)
{
    /// <summary>Path of a scope file relative to the snapshot root, for evidence.</summary>
    public string PathOf(string layoutFile) => Folder.Length == 0 ? layoutFile : $"{Folder}/{layoutFile}";
}

public sealed record Ec2Inventory(
    Collected<IReadOnlyList<Vpc>> Vpcs,
    Collected<IReadOnlyList<Subnet>> Subnets,
    Collected<IReadOnlyList<RouteTable>> RouteTables,
    Collected<IReadOnlyList<NetworkAcl>> NetworkAcls,
    Collected<IReadOnlyList<SecurityGroup>> SecurityGroups,
    Collected<IReadOnlyList<NatGateway>> NatGateways,
    Collected<IReadOnlyList<InternetGateway>> InternetGateways,
    Collected<IReadOnlyList<EgressOnlyInternetGateway>> EgressOnlyInternetGateways,
    Collected<IReadOnlyList<VpcEndpoint>> VpcEndpoints,
    Collected<IReadOnlyList<NetworkInterface>> NetworkInterfaces,
    Collected<IReadOnlyList<Reservation>> Reservations,
    Collected<IReadOnlyList<ManagedPrefixList>> ManagedPrefixLists,
    IReadOnlyDictionary<string, Collected<IReadOnlyList<PrefixListEntry>>> PrefixListEntries,
    Collected<IReadOnlyList<Address>> Addresses)
{
    public Collected<IReadOnlyList<PrefixListEntry>> EntriesOf(string prefixListId, string scopeFolder) =>
        PrefixListEntries.TryGetValue(prefixListId, out var entries)
            ? entries
            : Collected<IReadOnlyList<PrefixListEntry>>.Missing(DataGap.NotCollected("ec2", "GetManagedPrefixListEntries",
                scopeFolder.Length == 0 ? SnapshotLayout.PrefixListEntries(prefixListId) : $"{scopeFolder}/{SnapshotLayout.PrefixListEntries(prefixListId)}"));
}

/// <param name="Projects">Every project of the account (batch-get-projects), complete against list-projects when present.</param>
public sealed record CodeBuildInventory(Collected<IReadOnlyList<Project>> Projects);

public sealed record EcrInventory(
    Collected<IReadOnlyList<Repository>> Repositories,
    IReadOnlyDictionary<string, Collected<Optional<RepositoryPolicy>>> RepositoryPolicies,
    IReadOnlyDictionary<string, Collected<Optional<LifecyclePolicy>>> LifecyclePolicies,
    Collected<RegistryScanningConfiguration> RegistryScanning);

/// <summary>What the manifest's SHA-256s say about the files actually read.</summary>
/// <param name="ManifestPresent">False for a folder made by hand with the AWS CLI: evaluated, but marked unverified.</param>
/// <param name="Mismatches">Files whose content does not match the manifest's hash.</param>
/// <param name="MissingFiles">Files the manifest lists that are not in the folder.</param>
/// <param name="UnlistedFiles">Files in the folder the manifest does not list (not read as evidence).</param>
public sealed record IntegrityReport(
    bool ManifestPresent,
    IReadOnlyList<string> Mismatches,
    IReadOnlyList<string> MissingFiles,
    IReadOnlyList<string> UnlistedFiles)
{
    /// <summary>The evidence matches its manifest (or there is no manifest to contradict it).</summary>
    public bool IsIntact => Mismatches.Count == 0 && MissingFiles.Count == 0;

    public static IntegrityReport Unverified { get; } = new(false, [], [], []);

    public string Describe() => !ManifestPresent
        ? "no manifest.json: files were read as they are, without integrity verification"
        : IsIntact
            ? "every file matches its SHA-256 in manifest.json"
            : string.Join("; ", Mismatches.Select(f => $"{f}: SHA-256 does not match manifest.json")
                .Concat(MissingFiles.Select(f => $"{f}: listed in manifest.json but absent")));
}
