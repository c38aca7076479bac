using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Collection;

namespace IsolationChecks.Snapshots;

/// <summary>Everything collected (or loaded) for one run: the evidence every control reads.</summary>
/// <param name="Origin">"live" or the folder it was loaded from.</param>
/// <param name="Files">The files as read, for integrity reports and the documents outside any scope (probe records).</param>
public sealed record Snapshot(string Origin, SnapshotManifest? Manifest, IReadOnlyList<ScopeSnapshot> Scopes, IntegrityReport Integrity, SnapshotFiles? Files = null)
{
    /// <summary>What the controls consulted of this snapshot (files and gaps); null for a snapshot built in memory.</summary>
    public EvidenceLog? Log { get; init; }

    /// <summary>The organisation reader's discovery (organization/), when the posture targets an organisation; never an audited scope.</summary>
    public ScopeSnapshot? Organization { get; init; }

    /// <summary>A probe's record, read by the same rules as every other document.</summary>
    public Collected<T> ReadProbe<T>(ProbeDocument document) where T : class => ProbeDocuments.Read<T>(Files, Manifest, document, Log);

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
    /// <summary>The reader behind the scope (null for a scope built in memory by a test: every document is then absent).</summary>
    internal ScopeReader? Documents { get; init; }

    /// <summary>Path of a scope file relative to the snapshot root, for evidence.</summary>
    public string PathOf(string layoutFile) => Folder.Length == 0 ? layoutFile : $"{Folder}/{layoutFile}";

    /// <summary>Any call's document in this scope, checked against its declared shape (the one reader).</summary>
    public Collected<T> Read<T>(AwsCall call, string? item = null) where T : class =>
        Documents?.Read<T>(call, item) ?? Collected<T>.Missing(DataGap.NotCollected(call.Service.IamPrefix, call.Operation, PathOf(call.FileFor(item))));

    /// <summary>A per-item document the service may confirm does not exist (a repository without a policy).</summary>
    public Collected<Optional<T>> ReadOptional<T>(AwsCall call, string item) where T : class =>
        Documents?.ReadOptional<T>(call, item) ?? Collected<Optional<T>>.Missing(DataGap.NotCollected(call.Service.IamPrefix, call.Operation, PathOf(call.FileFor(item))));

    /// <summary>The items a per-item call holds evidence for (files and the manifest's calls).</summary>
    public IReadOnlyList<string> ItemsOf(AwsCall call) => Documents?.ItemsOf(call) ?? [];
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
                scopeFolder.Length == 0 ? AwsCalls.GetManagedPrefixListEntries.FileFor(prefixListId) : $"{scopeFolder}/{AwsCalls.GetManagedPrefixListEntries.FileFor(prefixListId)}"));
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

/// <summary>How far the evidence of a run can be trusted, as every report states it.</summary>
public enum EvidenceState
{
    /// <summary>Collected from AWS by this run.</summary>
    Live,

    /// <summary>A snapshot folder whose manifest matches every file and whose signature verifies with a trusted key.</summary>
    Signed,

    /// <summary>Anything else: made by hand, manifest missing or mismatched, unsigned, unknown signer. Fine to explore, not to gate on.</summary>
    Unverified,
}

/// <summary>The evidence's state, why, and the key that vouches for it when signed.</summary>
public sealed record EvidenceStatus(EvidenceState State, string Reason, string? KeyId = null)
{
    public bool IsVerified => State is EvidenceState.Live or EvidenceState.Signed;

    public string Wire => State.ToString().ToLowerInvariant();

    public string Describe() => KeyId is null ? $"{Wire}: {Reason}" : $"{Wire} (key {KeyId}): {Reason}";

    public static EvidenceStatus Live { get; } = new(EvidenceState.Live, "collected from AWS by this run");

    /// <summary>Judges a snapshot folder's evidence: its manifest, its integrity and its signature against the trusted keys.</summary>
    public static EvidenceStatus Of(SnapshotFiles files, IntegrityReport integrity, IReadOnlyList<TrustedKey> trusted)
    {
        if (files.Manifest is null || files.ManifestBytes is null)
            return new(EvidenceState.Unverified, "the folder has no manifest.json: made by hand (or its manifest removed), nothing vouches for its files");
        if (!integrity.IsIntact)
            return new(EvidenceState.Unverified, $"the files do not match manifest.json: {integrity.Describe()}");
        if (files.SignatureBytes is not { } bytes)
            return new(EvidenceState.Unverified, "manifest.json is not signed (no manifest.sig): anyone who edits a file can re-hash the manifest");
        ManifestSignature signature;
        try
        {
            signature = SnapshotSigning.Parse(bytes, SnapshotSigning.SignatureFile);
        }
        catch (InputException e)
        {
            return new(EvidenceState.Unverified, $"manifest.sig is not a signature this tool reads: {e.Message}");
        }

        var (verified, reason) = SnapshotSigning.Verify(files.ManifestBytes, signature, trusted);
        return new(verified ? EvidenceState.Signed : EvidenceState.Unverified, reason, signature.KeyId);
    }
}
