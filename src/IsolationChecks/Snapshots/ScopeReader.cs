using System.Text.Json;
using IsolationChecks.Snapshots.Json;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Snapshots;

/// <summary>
/// Reads the files of one scope (account and region). An absent file becomes a <see cref="DataGap"/>, quoting the
/// manifest's failed call when it recorded one; a present but malformed file is bad input and throws.
/// </summary>
internal sealed class ScopeReader(SnapshotFiles files, string folder)
{
    private const string RepositoryPolicyNotFound = "RepositoryPolicyNotFoundException";
    private const string LifecyclePolicyNotFound = "LifecyclePolicyNotFoundException";

    public ScopeSnapshot Read(string account, string region) => new(
        account,
        region,
        folder,
        ReadEc2(),
        new CodeBuildInventory(ReadProjects()),
        ReadEcr(),
        ReadIam(),
        ReadCallerIdentity());

    private string PathOf(string layoutFile) => folder.Length == 0 ? layoutFile : $"{folder}/{layoutFile}";

    private string Display(string path) => $"{files.Origin}/{path}";

    private bool TryGetFile(string layoutFile, out string path, out byte[] bytes)
    {
        path = PathOf(layoutFile);
        return files.Files.TryGetValue(path, out bytes!);
    }

    public Collected<IReadOnlyList<Subnet>> ReadSubnets() => Ec2List<Subnet>(SnapshotLayout.Subnets, SnapshotCalls.Subnets);

    private Ec2Inventory ReadEc2()
    {
        var prefixLists = Ec2List<ManagedPrefixList>(SnapshotLayout.ManagedPrefixLists, SnapshotCalls.ManagedPrefixLists);
        return new Ec2Inventory(
            Ec2List<Vpc>(SnapshotLayout.Vpcs, SnapshotCalls.Vpcs),
            ReadSubnets(),
            Ec2List<RouteTable>(SnapshotLayout.RouteTables, SnapshotCalls.RouteTables),
            Ec2List<NetworkAcl>(SnapshotLayout.NetworkAcls, SnapshotCalls.NetworkAcls),
            Ec2List<SecurityGroup>(SnapshotLayout.SecurityGroups, SnapshotCalls.SecurityGroups),
            Ec2List<NatGateway>(SnapshotLayout.NatGateways, SnapshotCalls.NatGateways),
            Ec2List<InternetGateway>(SnapshotLayout.InternetGateways, SnapshotCalls.InternetGateways),
            Ec2List<EgressOnlyInternetGateway>(SnapshotLayout.EgressOnlyInternetGateways, SnapshotCalls.EgressOnlyInternetGateways),
            Ec2List<VpcEndpoint>(SnapshotLayout.VpcEndpoints, SnapshotCalls.VpcEndpoints),
            Ec2List<NetworkInterface>(SnapshotLayout.NetworkInterfaces, SnapshotCalls.NetworkInterfaces),
            Ec2List<Reservation>(SnapshotLayout.Reservations, SnapshotCalls.Reservations),
            prefixLists,
            ReadPrefixListEntries(prefixLists),
            Ec2List<Address>(SnapshotLayout.Addresses, SnapshotCalls.Addresses));
    }

    private Dictionary<string, Collected<IReadOnlyList<PrefixListEntry>>> ReadPrefixListEntries(Collected<IReadOnlyList<ManagedPrefixList>> prefixLists)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var relative in ScopeRelativePaths())
            if (SnapshotCalls.IsPerItemFile(relative, SnapshotCalls.PrefixListEntriesFolder, allowNested: false))
                ids.Add(SnapshotCalls.ItemName(relative, SnapshotCalls.PrefixListEntriesFolder));
        if (prefixLists.TryGet(out var lists, out _))
            ids.UnionWith(lists.Select(l => l.PrefixListId));

        return ids.ToDictionary(
            id => id,
            id => Ec2List<PrefixListEntry>(SnapshotLayout.PrefixListEntries(id), SnapshotCalls.PrefixListEntries, target: id),
            StringComparer.Ordinal);
    }

    private IEnumerable<string> ScopeRelativePaths() => folder.Length == 0
        ? files.Files.Keys
        : files.Files.Keys.Where(k => k.StartsWith(folder + "/", StringComparison.Ordinal)).Select(k => k[(folder.Length + 1)..]);

    /// <summary>An EC2 describe output: an object whose top-level member (named after the file) is the list.</summary>
    private Collected<IReadOnlyList<T>> Ec2List<T>(string layoutFile, SnapshotCall call, string? target = null) where T : class
    {
        if (!TryGetFile(layoutFile, out var path, out var bytes))
            return Collected<IReadOnlyList<T>>.Missing(Gap(call, path, target));
        var shape = $"the output of `{call.CliCommand} --output json`";
        using var document = SnapshotJson.ParseDocument(bytes, Display(path));
        var (key, element) = TopLevelMember(document.RootElement, path, call.TopLevelKeys, JsonValueKind.Array, shape);
        return Collected<IReadOnlyList<T>>.Seen(DeserializeList<T>(element, SnapshotJson.PascalCase, path, $"$.{key}", shape), path);
    }

    private List<T> DeserializeList<T>(JsonElement element, JsonSerializerOptions options, string path, string basePath, string shape) where T : class
    {
        var list = SnapshotJson.Deserialize<List<T?>>(element, options, Display(path), basePath, shape);
        for (var i = 0; i < list.Count; i++)
            if (list[i] is null)
                throw new InputException(Display(path), $"{basePath}[{i}]", $"an object ({shape})", "null");
        return list!;
    }

    private (string Key, JsonElement Element) TopLevelMember(JsonElement root, string path, IReadOnlyList<string> keys, JsonValueKind kind, string shape)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new InputException(Display(path), "$", $"an object with a top-level \"{keys[0]}\" member ({shape})", root.ValueKind.ToString());
        foreach (var key in keys)
        {
            if (!root.TryGetProperty(key, out var element))
                continue;
            if (element.ValueKind != kind)
                throw new InputException(Display(path), $"$.{key}", $"{Article(kind)} ({shape})", element.ValueKind.ToString());
            return (key, element);
        }

        throw new InputException(Display(path), "$", $"a top-level \"{keys[0]}\" member ({shape})", "no such member");
    }

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        _ => kind.ToString(),
    };

    /// <summary>The gap for an absent file: the manifest's failed call when it recorded one, else "not collected".</summary>
    private DataGap Gap(SnapshotCall call, string path, string? target)
    {
        var recorded = FindCall(call, path, target);
        if (recorded is { Outcome: "failed" })
            return new DataGap(call.Service, call.Operation,
                recorded.ErrorMessage ?? "failed without an error message", recorded.ErrorCode, path);
        if (recorded is { Outcome: "ok", File: not null })
            return new DataGap(call.Service, call.Operation,
                $"succeeded according to manifest.json, but {path} is absent from the snapshot", null, path);
        return DataGap.NotCollected(call.Service, call.Operation, path);
    }

    private ManifestCall? FindCall(SnapshotCall call, string path, string? target)
    {
        if (files.Manifest is null)
            return null;
        var candidates = files.Manifest.Calls
            .Where(c => c.File == path
                || (NormaliseFolder(c.Folder) == folder
                    && string.Equals(c.Service, call.Service, StringComparison.OrdinalIgnoreCase)
                    && SameOperation(c.Operation, call.Operation)
                    && (target is null || c.Target == target)))
            .ToList();
        return candidates.FirstOrDefault(c => c.Outcome == "failed") ?? candidates.FirstOrDefault();
    }

    private static string NormaliseFolder(string folder) => folder.Replace('\\', '/').Trim('/');

    private static bool SameOperation(string recorded, string operation) =>
        string.Equals(recorded.Replace("-", "", StringComparison.Ordinal), operation, StringComparison.OrdinalIgnoreCase);

    // ---- CodeBuild ----

    private Collected<IReadOnlyList<Project>> ReadProjects()
    {
        var call = SnapshotCalls.CodeBuildBatchGetProjects;
        if (!TryGetFile(SnapshotLayout.CodeBuildBatchGetProjects, out var path, out var bytes))
            return Collected<IReadOnlyList<Project>>.Missing(Gap(call, path, null));
        var shape = $"the output of `{call.CliCommand} --output json`";
        List<Project> projects;
        using (var document = SnapshotJson.ParseDocument(bytes, Display(path)))
        {
            var (key, element) = TopLevelMember(document.RootElement, path, ["projects"], JsonValueKind.Array, shape);
            projects = DeserializeList<Project>(element, SnapshotJson.CamelCase, path, $"$.{key}", shape);
        }

        var listCall = SnapshotCalls.CodeBuildListProjects;
        if (!TryGetFile(SnapshotLayout.CodeBuildListProjects, out var listPath, out var listBytes))
        {
            // Without the list, completeness rests on batch-get-projects alone, unless the listing is known to have failed.
            var listGap = Gap(listCall, listPath, null);
            return listGap.ErrorCode is not null || FindCall(listCall, listPath, null) is { Outcome: "failed" }
                ? Collected<IReadOnlyList<Project>>.Missing(listGap)
                : Collected<IReadOnlyList<Project>>.Seen(projects, path);
        }

        var listShape = $"the output of `{listCall.CliCommand} --output json`";
        List<string> listed;
        using (var document = SnapshotJson.ParseDocument(listBytes, Display(listPath)))
        {
            var (key, element) = TopLevelMember(document.RootElement, listPath, ["projects"], JsonValueKind.Array, listShape);
            listed = SnapshotJson.Deserialize<List<string>>(element, SnapshotJson.CamelCase, Display(listPath), $"$.{key}", listShape);
        }

        var fetched = projects.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var notFetched = listed.Where(n => !fetched.Contains(n)).Distinct(StringComparer.Ordinal).ToList();
        if (notFetched.Count > 0)
            return Collected<IReadOnlyList<Project>>.Missing(new DataGap(call.Service, call.Operation,
                $"did not return {notFetched.Count} project(s) that {listPath} lists: {string.Join(", ", notFetched)} (the evidence must cover every project)",
                null, path));
        return Collected<IReadOnlyList<Project>>.Seen(projects, path);
    }

    // ---- ECR ----

    private EcrInventory ReadEcr()
    {
        var repositories = ReadRepositories();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (repositories.TryGet(out var list, out _))
            names.UnionWith(list.Select(r => r.RepositoryName));
        foreach (var relative in ScopeRelativePaths())
        {
            if (SnapshotCalls.IsPerItemFile(relative, SnapshotCalls.EcrRepositoryPolicyFolder, allowNested: true))
                names.Add(SnapshotCalls.ItemName(relative, SnapshotCalls.EcrRepositoryPolicyFolder));
            if (SnapshotCalls.IsPerItemFile(relative, SnapshotCalls.EcrLifecyclePolicyFolder, allowNested: true))
                names.Add(SnapshotCalls.ItemName(relative, SnapshotCalls.EcrLifecyclePolicyFolder));
        }

        var policies = names.ToDictionary(
            n => n,
            n => ReadOptional<RepositoryPolicy>(SnapshotLayout.EcrRepositoryPolicy(n), SnapshotCalls.EcrRepositoryPolicy, n, RepositoryPolicyNotFound),
            StringComparer.Ordinal);
        var lifecycles = names.ToDictionary(
            n => n,
            n => ReadOptional<LifecyclePolicy>(SnapshotLayout.EcrLifecyclePolicy(n), SnapshotCalls.EcrLifecyclePolicy, n, LifecyclePolicyNotFound),
            StringComparer.Ordinal);
        return new EcrInventory(repositories, policies, lifecycles, ReadDocument<RegistryScanningConfiguration>(
            SnapshotLayout.EcrRegistryScanningConfiguration, SnapshotCalls.EcrRegistryScanningConfiguration, SnapshotJson.CamelCase));
    }

    private Collected<IReadOnlyList<Repository>> ReadRepositories()
    {
        var call = SnapshotCalls.EcrDescribeRepositories;
        if (!TryGetFile(SnapshotLayout.EcrDescribeRepositories, out var path, out var bytes))
            return Collected<IReadOnlyList<Repository>>.Missing(Gap(call, path, null));
        var shape = $"the output of `{call.CliCommand} --output json`";
        using var document = SnapshotJson.ParseDocument(bytes, Display(path));
        var (key, element) = TopLevelMember(document.RootElement, path, ["repositories"], JsonValueKind.Array, shape);
        return Collected<IReadOnlyList<Repository>>.Seen(DeserializeList<Repository>(element, SnapshotJson.CamelCase, path, $"$.{key}", shape), path);
    }

    /// <summary>
    /// A per-repository document. {"Error":{"Code":absenceCode}} (what the collector writes, and what a script can write
    /// from the CLI's error) is the service confirming there is none: evidence. Any other error code is a gap.
    /// </summary>
    private Collected<Optional<T>> ReadOptional<T>(string layoutFile, SnapshotCall call, string target, string absenceCode) where T : class
    {
        if (!TryGetFile(layoutFile, out var path, out var bytes))
        {
            var recorded = FindCall(call, path, target);
            return recorded is { Outcome: "absent" }
                ? Collected<Optional<T>>.Seen(new Optional<T>(null, recorded.ErrorCode ?? absenceCode), SnapshotLayout.ManifestFile)
                : Collected<Optional<T>>.Missing(Gap(call, path, target));
        }

        var shape = $"the output of `{call.CliCommand} --output json`, or {{\"Error\":{{\"Code\":\"{absenceCode}\"}}}}";
        using var document = SnapshotJson.ParseDocument(bytes, Display(path));
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Error", out var error))
        {
            if (error.ValueKind != JsonValueKind.Object || !error.TryGetProperty("Code", out var code) || code.ValueKind != JsonValueKind.String)
                throw new InputException(Display(path), "$.Error.Code", $"a string error code ({shape})", error.ValueKind.ToString());
            var errorCode = code.GetString()!;
            if (errorCode == absenceCode)
                return Collected<Optional<T>>.Seen(new Optional<T>(null, errorCode), path);
            var message = error.TryGetProperty("Message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return Collected<Optional<T>>.Missing(new DataGap(call.Service, call.Operation, message ?? "failed", errorCode, path));
        }

        var value = SnapshotJson.Deserialize<T>(root, SnapshotJson.CamelCase, Display(path), "$", shape);
        return Collected<Optional<T>>.Seen(new Optional<T>(value, null), path);
    }

    private Collected<T> ReadDocument<T>(string layoutFile, SnapshotCall call, JsonSerializerOptions options) where T : class
    {
        if (!TryGetFile(layoutFile, out var path, out var bytes))
            return Collected<T>.Missing(Gap(call, path, null));
        var shape = $"the output of `{call.CliCommand} --output json`";
        using var document = SnapshotJson.ParseDocument(bytes, Display(path));
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new InputException(Display(path), "$", $"an object ({shape})", document.RootElement.ValueKind.ToString());
        return Collected<T>.Seen(SnapshotJson.Deserialize<T>(document.RootElement, options, Display(path), "$", shape), path);
    }

    // ---- IAM and STS ----

    public Collected<CallerIdentity> ReadCallerIdentity() =>
        ReadDocument<CallerIdentity>(SnapshotLayout.StsCallerIdentity, SnapshotCalls.StsCallerIdentity, SnapshotJson.PascalCase);

    private Collected<AccountAuthorizationDetails> ReadIam()
    {
        var call = SnapshotCalls.IamAccountAuthorizationDetails;
        var details = ReadDocument<AccountAuthorizationDetails>(SnapshotLayout.IamAccountAuthorizationDetails, call, SnapshotJson.PascalCase);
        if (!details.TryGet(out var value, out _))
            return details;
        var path = details.Source!;
        using (var document = SnapshotJson.ParseDocument(files.Files[path], Display(path)))
        {
            if (document.RootElement.TryGetProperty("IsTruncated", out var truncated) && truncated.ValueKind == JsonValueKind.True)
                return Collected<AccountAuthorizationDetails>.Missing(new DataGap(call.Service, call.Operation,
                    $"{path} holds only the first page (IsTruncated is true): collect every page (the AWS CLI does unless --no-paginate or --max-items is given)",
                    null, path));
        }

        return Collected<AccountAuthorizationDetails>.Seen(new PolicyDocumentNormaliser(Display(path)).Normalise(value), path);
    }
}
