using System.Text.RegularExpressions;
using IsolationChecks.Snapshots.Json;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Collection;

namespace IsolationChecks.Snapshots;

/// <summary>Parses snapshot files into the model every control reads, verifying integrity against the manifest.</summary>
public static partial class SnapshotReader
{
    public static Snapshot Read(SnapshotFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var scopes = FindScopes(files);
        var log = new EvidenceLog();
        var read = scopes.Select(s => new ScopeReader(files, s.Folder, log).Read(s.Account, s.Region)).ToList();
        var organization = OrganizationScope(files);
        var folders = scopes.Select(s => s.Folder).Concat(organization is null ? [] : [organization.Folder]).ToList();
        return new Snapshot(files.Origin, files.Manifest, read, VerifyIntegrity(files, folders), files)
        {
            Log = log,
            Organization = organization is null ? null : new ScopeReader(files, organization.Folder, log).Read(organization.Account, organization.Region),
        };
    }

    /// <summary>The organisation reader's discovery, when the snapshot holds one (its own folder, never an audited scope).</summary>
    private static ScopeIdentity? OrganizationScope(SnapshotFiles files)
    {
        var folder = SnapshotLayout.OrganizationFolder;
        var declared = files.Manifest?.Scopes.FirstOrDefault(s => s.Folder == folder);
        if (declared is not null)
            return new ScopeIdentity(declared.Account, declared.Region, folder);
        return files.Files.Keys.Any(k => k.StartsWith(folder + "/", StringComparison.Ordinal)) ? new ScopeIdentity("", "", folder) : null;
    }

    private sealed record ScopeIdentity(string Account, string Region, string Folder);

    private static List<ScopeIdentity> FindScopes(SnapshotFiles files)
    {
        var prefix = SnapshotLayout.AccountsFolder + "/";
        var nested = files.Files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        // A scope whose every call failed has no files; the manifest still names it, so its gaps are reported.
        var declared = files.Manifest?.Scopes.Where(s => s.Folder.Length > 0 && s.Folder != SnapshotLayout.OrganizationFolder).ToList() ?? [];
        // A manifest that declares no scope (a plan: the posture and the organisation's discovery) holds no audited scope.
        if (nested.Count == 0 && declared.Count == 0)
            return files.Manifest is { Scopes.Count: 0 } || (OrganizationScope(files) is not null && !HasRootScope(files)) ? [] : [RootScope(files)];

        var scopes = new SortedDictionary<string, ScopeIdentity>(StringComparer.Ordinal);
        foreach (var scope in declared)
        {
            var folder = scope.Folder.Replace('\\', '/').Trim('/');
            if (folder != SnapshotLayout.ScopeFolder(scope.Account, scope.Region) || !AccountId().IsMatch(scope.Account) || !Region().IsMatch(scope.Region))
                throw new InputException(Describe(files, SnapshotLayout.ManifestFile), "$.scopes",
                    "scopes whose folder is accounts/<account>/<region> for their own 12-digit account and region", $"{scope.Account} {scope.Region} in \"{scope.Folder}\"");
            scopes.TryAdd(folder, new ScopeIdentity(scope.Account, scope.Region, folder));
        }

        foreach (var path in nested)
        {
            var parts = path.Split('/');
            if (parts.Length < 4)
                continue; // e.g. accounts/README.md: not inside a scope, so never evidence
            if (!AccountId().IsMatch(parts[1]) || !Region().IsMatch(parts[2]))
                throw new InputException(Describe(files, path), "path",
                    "a file under accounts/<12-digit account id>/<region>/ (e.g. accounts/111111111111/ap-northeast-1/Vpcs.json)", path);
            var folder = SnapshotLayout.ScopeFolder(parts[1], parts[2]);
            scopes.TryAdd(folder, new ScopeIdentity(parts[1], parts[2], folder));
        }

        return [.. scopes.Values];
    }

    /// <summary>Whether evidence sits at the snapshot's root (a single-scope snapshot), beside an organisation's discovery.</summary>
    private static bool HasRootScope(SnapshotFiles files) =>
        files.Manifest?.Scopes.Any(s => s.Folder.Length == 0) == true || files.Files.Keys.Any(k => !k.StartsWith(SnapshotLayout.OrganizationFolder + "/", StringComparison.Ordinal) && IsCallFile(k));

    private static ScopeIdentity RootScope(SnapshotFiles files)
    {
        var declared = files.Manifest?.Scopes;
        var fromManifest = declared?.FirstOrDefault(s => s.Folder.Length == 0) ?? (declared is { Count: 1 } ? declared[0] : null);
        if (fromManifest is not null)
            return new ScopeIdentity(fromManifest.Account, fromManifest.Region, "");

        var reader = new ScopeReader(files, "");
        string? account = null;
        if (reader.Read<CallerIdentity>(AwsCalls.GetCallerIdentity).TryGet(out var identity, out _))
            account = identity.Account;

        string? region = null;
        if (reader.Read<DescribeSubnetsOutput>(AwsCalls.DescribeSubnets).Select(o => o.Subnets).TryGet(out var subnets, out _))
        {
            var regions = subnets
                .Select(s => RegionOfZone().Match(s.AvailabilityZone))
                .Where(m => m.Success)
                .Select(m => m.Value)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (regions.Count > 1)
                throw new InputException(Describe(files, AwsCalls.DescribeSubnets.File), "$.Subnets[*].AvailabilityZone",
                    "availability zones of one region (a single-scope snapshot holds one account and region; nest others under accounts/<account>/<region>/)",
                    string.Join(", ", regions));
            region = regions.FirstOrDefault();
        }

        if (account is not null && region is not null)
            return new ScopeIdentity(account, region, "");

        var missing = new List<string>();
        if (account is null)
            missing.Add($"the account ({AwsCalls.GetCallerIdentity.File} is absent)");
        if (region is null)
            missing.Add($"the region ({AwsCalls.DescribeSubnets.File} is absent or has no subnet with an AvailabilityZone)");
        throw new InputException(Describe(files, SnapshotLayout.ManifestFile), "scopes",
            $"the snapshot's account and region: {SnapshotLayout.ManifestFile} with scopes, or {AwsCalls.GetCallerIdentity.File} and {AwsCalls.DescribeSubnets.File} to infer them from",
            "cannot determine " + string.Join(" and ", missing));
    }

    private static string Describe(SnapshotFiles files, string path) => $"{files.Origin}/{path}";

    private static IntegrityReport VerifyIntegrity(SnapshotFiles files, IReadOnlyList<string> scopeFolders)
    {
        if (files.Manifest is null)
            return IntegrityReport.Unverified;

        var mismatches = new List<string>();
        var missing = new List<string>();
        var unlisted = new List<string>();
        foreach (var (path, hash) in files.Manifest.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!files.Files.TryGetValue(path, out var bytes))
                missing.Add(path);
            else if (!string.Equals(hash, FileDigest.Sha256Hex(bytes), StringComparison.OrdinalIgnoreCase))
                mismatches.Add(path);
        }

        foreach (var path in files.Files.Keys.Where(p => !files.Manifest.Files.ContainsKey(p)).OrderBy(p => p, StringComparer.Ordinal))
        {
            if (path == SnapshotLayout.ManifestFile)
                continue;
            if (!SnapshotFiles.NonEvidenceFiles.Contains(path) && IsEvidence(path, scopeFolders))
                mismatches.Add($"{path} (evidence file not listed in manifest.json)");
            else
                unlisted.Add(path);
        }

        return new IntegrityReport(true, mismatches, missing, unlisted);
    }

    private static bool IsEvidence(string path, IReadOnlyList<string> scopeFolders) =>
        ProbeDocuments.All.Any(p => p.Path == path)
        || scopeFolders.Any(folder =>
            folder.Length == 0
                ? IsCallFile(path)
                : path.StartsWith(folder + "/", StringComparison.Ordinal) && IsCallFile(path[(folder.Length + 1)..]));

    /// <summary>Whether a path (relative to its scope folder) is the file of a catalog call.</summary>
    private static bool IsCallFile(string scopeRelativePath) => AwsCalls.All.Any(c => c.ItemOf(scopeRelativePath) is not null);

    [GeneratedRegex(@"^\d{12}$")]
    internal static partial Regex AccountId();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$")]
    internal static partial Regex Region();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+")]
    private static partial Regex RegionOfZone();
}
