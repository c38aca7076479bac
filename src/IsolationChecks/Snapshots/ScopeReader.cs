using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Snapshots.Json;
using IsolationChecks.Collection;

namespace IsolationChecks.Snapshots;

/// <summary>
/// The one reader of a scope's evidence (one account and region). Every file is read as the shape its call declares
/// (<see cref="AwsCall.Shape"/>): a required member absent, of the wrong type or null, a list where an object belongs, a
/// cross-member rule broken, a file that does not parse: each is a <see cref="DataGap"/> naming the file, the JSON path
/// and the expectation, never an empty value. An absent file is a gap too, quoting the manifest's failed call when it
/// recorded one. Reads are cached: every control sees the same answer.
/// </summary>
internal sealed class ScopeReader(SnapshotFiles files, string folder, EvidenceLog? log = null)
{
    private readonly ConcurrentDictionary<(AwsCall Call, string? Item), object> _cache = new();

    public string Folder => folder;

    public ScopeSnapshot Read(string account, string region) => new(
        account,
        region,
        folder,
        ReadEc2(),
        new CodeBuildInventory(ReadProjects()),
        ReadEcr(),
        Read<AccountAuthorizationDetails>(AwsCalls.GetAccountAuthorizationDetails),
        Read<CallerIdentity>(AwsCalls.GetCallerIdentity))
    {
        Documents = this,
    };

    private string PathOf(string layoutFile) => folder.Length == 0 ? layoutFile : $"{folder}/{layoutFile}";

    private string Display(string path) => $"{files.Origin}/{path}";

    /// <summary>The document of a call (for one item), read and checked against its declared shape.</summary>
    public Collected<T> Read<T>(AwsCall call, string? item = null) where T : class
    {
        if (call.Shape != typeof(T) || call.AbsentCodes.Count > 0)
            throw new ArgumentException($"{call} is read as {(call.AbsentCodes.Count > 0 ? "optional " : "")}{call.Shape.Name}, not {typeof(T).Name}", nameof(call));
        return (Collected<T>)_cache.GetOrAdd((call, item), key => ReadUncached<T>(key.Call, key.Item, absentCodes: null));
    }

    /// <summary>
    /// A per-item document the service may confirm does not exist ({"Error":{"Code":absence code}}, what the collector
    /// writes and a script can write from the CLI's error): that confirmation is evidence. Any other error code is a gap.
    /// </summary>
    public Collected<Optional<T>> ReadOptional<T>(AwsCall call, string item) where T : class =>
        (Collected<Optional<T>>)_cache.GetOrAdd((call, item), key => ReadUncached<T>(key.Call, key.Item, key.Call.AbsentCodes));

    /// <summary>The items a per-item call holds evidence for, from the files and the manifest's calls.</summary>
    public IReadOnlyList<string> ItemsOf(AwsCall call)
    {
        var items = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var relative in ScopeRelativePaths())
            if (call.ItemOf(relative) is { Length: > 0 } item)
                items.Add(item);
        foreach (var recorded in files.Manifest?.Calls ?? [])
            if (NormaliseFolder(recorded.Folder) == folder && recorded.Target is { } target && IsCall(recorded, call))
                items.Add(target);
        return [.. items];
    }

    private object ReadUncached<T>(AwsCall call, string? item, IReadOnlySet<string>? absentCodes) where T : class
    {
        var optional = absentCodes is not null;
        var path = PathOf(call.FileFor(item));
        if (!files.Files.TryGetValue(path, out var bytes))
        {
            var recorded = FindCall(call, path, item);
            if (optional && recorded is { Outcome: "absent" })
                return Collected<Optional<T>>.Seen(new Optional<T>(null, recorded.ErrorCode ?? absentCodes!.First()), SnapshotLayout.ManifestFile, log);
            var gap = Gap(call, path, item, recorded);
            return optional ? Collected<Optional<T>>.Missing(gap, log) : Collected<T>.Missing(gap, log);
        }

        try
        {
            using var document = SnapshotJson.ParseDocument(bytes, Display(path));
            var root = document.RootElement;
            if (optional && root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Error", out var error))
                return ReadAbsence<T>(call, path, error, absentCodes!);
            if (root.ValueKind != JsonValueKind.Object)
                throw new InputException(Display(path), "$", $"an object ({Shape(call)})", root.ValueKind.ToString());
            var value = SnapshotJson.Deserialize<T>(root, OptionsOf(call), Display(path), "$", Shape(call));
            if (FirstProblem(value, "$") is { } problem)
                throw new InputException(Display(path), problem.Path, $"a consistent document ({Shape(call)})", problem.Text);
            if (value is AccountAuthorizationDetails details)
                value = (T)(object)new PolicyDocumentNormaliser(Display(path)).Normalise(details);
            return optional ? Collected<Optional<T>>.Seen(new Optional<T>(value, null), path, log) : Collected<T>.Seen(value, path, log);
        }
        catch (InputException e)
        {
            var gap = new DataGap(call.Service.IamPrefix, call.Operation, $"{e.Field}: expected {e.Expected}{(e.Actual is null ? "" : $", found {e.Actual}")}",
                DataGap.MalformedEvidence, path, GapRemedies.For(call, item, DataGap.MalformedEvidence, path));
            return optional ? Collected<Optional<T>>.Missing(gap, log) : Collected<T>.Missing(gap, log);
        }
    }

    private Collected<Optional<T>> ReadAbsence<T>(AwsCall call, string path, JsonElement error, IReadOnlySet<string> absentCodes) where T : class
    {
        var shape = $"{Shape(call)}, or {{\"Error\":{{\"Code\":\"{absentCodes.First()}\"}}}}";
        if (error.ValueKind != JsonValueKind.Object || !error.TryGetProperty("Code", out var code) || code.ValueKind != JsonValueKind.String)
            throw new InputException(Display(path), "$.Error.Code", $"a string error code ({shape})", error.ValueKind.ToString());
        var errorCode = code.GetString()!;
        if (absentCodes.Contains(errorCode))
            return Collected<Optional<T>>.Seen(new Optional<T>(null, errorCode), path, log);
        var message = error.TryGetProperty("Message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return Collected<Optional<T>>.Missing(new DataGap(call.Service.IamPrefix, call.Operation, message ?? "failed", errorCode, path, GapRemedies.For(call, null, errorCode, path)), log);
    }

    private static string Shape(AwsCall call) => $"the output of `{call.Cli} --output json`";

    private static JsonSerializerOptions OptionsOf(AwsCall call) => call.Service.CamelCaseMembers ? SnapshotJson.CamelCase : SnapshotJson.PascalCase;

    private IEnumerable<string> ScopeRelativePaths() => folder.Length == 0
        ? files.Files.Keys
        : files.Files.Keys.Where(k => k.StartsWith(folder + "/", StringComparison.Ordinal)).Select(k => k[(folder.Length + 1)..]);

    /// <summary>The gap for an absent file: the manifest's failed call when it recorded one, else "not collected".</summary>
    private static DataGap Gap(AwsCall call, string path, string? item, ManifestCall? recorded)
    {
        if (recorded is { Outcome: "failed" })
            return new DataGap(call.Service.IamPrefix, call.Operation,
                recorded.ErrorMessage ?? "failed without an error message", recorded.ErrorCode, path, GapRemedies.For(call, item, recorded.ErrorCode, path));
        if (recorded is { Outcome: "ok", File: not null })
            return new DataGap(call.Service.IamPrefix, call.Operation,
                $"succeeded according to manifest.json, but {path} is absent from the snapshot", null, path,
                "Restore the snapshot's original files, or collect it again.");
        return DataGap.NotCollected(call.Service.IamPrefix, call.Operation, path, GapRemedies.Recollect(call, path, item));
    }

    private ManifestCall? FindCall(AwsCall call, string path, string? item)
    {
        if (files.Manifest is null)
            return null;
        var candidates = files.Manifest.Calls
            .Where(c => c.File == path || (NormaliseFolder(c.Folder) == folder && IsCall(c, call) && (item is null || c.Target == item)))
            .ToList();
        return candidates.FirstOrDefault(c => c.Outcome == "failed") ?? candidates.FirstOrDefault();
    }

    private static bool IsCall(ManifestCall recorded, AwsCall call) =>
        string.Equals(recorded.Service, call.Service.IamPrefix, StringComparison.OrdinalIgnoreCase)
        && string.Equals(recorded.Operation.Replace("-", "", StringComparison.Ordinal), call.Operation, StringComparison.OrdinalIgnoreCase);

    private static string NormaliseFolder(string folder) => folder.Replace('\\', '/').Trim('/');

    /// <summary>The first broken cross-member rule in the object graph (<see cref="IValidatedShape"/>), with its JSON path.</summary>
    private static (string Path, string Text)? FirstProblem(object? value, string path)
    {
        switch (value)
        {
            case null or string or JsonElement:
                return null;
            case IValidatedShape validated when validated.Problem() is { } problem:
                return (path, problem);
            case IEnumerable list:
                var index = 0;
                foreach (var item in list)
                {
                    // The serializer enforces nullability of members, not of list items: a null item is never what the CLI prints.
                    if (item is null)
                        return ($"{path}[{index}]", "null where an item belongs");
                    if (FirstProblem(item, $"{path}[{index++}]") is { } found)
                        return found;
                }

                return null;
        }

        var type = value.GetType();
        if (type.Namespace != typeof(Vpc).Namespace)
            return null;
        // The members as the serializer read them (generated accessors, no reflection), named as declared: the PascalCase
        // options apply no naming policy. A shape's other properties are computed strings, which hold no problem.
        foreach (var property in SnapshotJson.PascalCase.GetTypeInfo(type).Properties)
        {
            if (property.PropertyType.IsValueType || property.Get is null)
                continue;
            if (FirstProblem(property.Get(value), $"{path}.{property.Name}") is { } found)
                return found;
        }

        return null;
    }

    // ---- The inventories most controls read ----

    private Ec2Inventory ReadEc2()
    {
        var prefixLists = Read<DescribeManagedPrefixListsOutput>(AwsCalls.DescribeManagedPrefixLists).Select(o => o.PrefixLists);
        var ids = new SortedSet<string>(ItemsOf(AwsCalls.GetManagedPrefixListEntries), StringComparer.Ordinal);
        if (prefixLists.TryGet(out var lists, out _))
            ids.UnionWith(lists.Select(l => l.PrefixListId));
        return new Ec2Inventory(
            Read<DescribeVpcsOutput>(AwsCalls.DescribeVpcs).Select(o => o.Vpcs),
            Read<DescribeSubnetsOutput>(AwsCalls.DescribeSubnets).Select(o => o.Subnets),
            Read<DescribeRouteTablesOutput>(AwsCalls.DescribeRouteTables).Select(o => o.RouteTables),
            Read<DescribeNetworkAclsOutput>(AwsCalls.DescribeNetworkAcls).Select(o => o.NetworkAcls),
            Read<DescribeSecurityGroupsOutput>(AwsCalls.DescribeSecurityGroups).Select(o => o.SecurityGroups),
            Read<DescribeNatGatewaysOutput>(AwsCalls.DescribeNatGateways).Select(o => o.NatGateways),
            Read<DescribeInternetGatewaysOutput>(AwsCalls.DescribeInternetGateways).Select(o => o.InternetGateways),
            Read<DescribeEgressOnlyInternetGatewaysOutput>(AwsCalls.DescribeEgressOnlyInternetGateways).Select(o => o.EgressOnlyInternetGateways),
            Read<DescribeVpcEndpointsOutput>(AwsCalls.DescribeVpcEndpoints).Select(o => o.VpcEndpoints),
            Read<DescribeNetworkInterfacesOutput>(AwsCalls.DescribeNetworkInterfaces).Select(o => o.NetworkInterfaces),
            Read<DescribeInstancesOutput>(AwsCalls.DescribeInstances).Select(o => o.Reservations),
            prefixLists,
            ids.ToDictionary(id => id, id => Read<GetManagedPrefixListEntriesOutput>(AwsCalls.GetManagedPrefixListEntries, id).Select(o => o.Entries), StringComparer.Ordinal),
            Read<DescribeAddressesOutput>(AwsCalls.DescribeAddresses).Select(o => o.Addresses));
    }

    /// <summary>Every project of the account: batch-get-projects, complete against list-projects.</summary>
    private Collected<IReadOnlyList<Project>> ReadProjects()
    {
        var batch = Read<BatchGetProjectsOutput>(AwsCalls.BatchGetProjects);
        if (!batch.TryGet(out var output, out _))
            return batch.Select(o => o.Projects);
        var listed = Read<ListProjectsOutput>(AwsCalls.ListProjects);
        if (!listed.TryGet(out var list, out var listGap))
        {
            // Without the list, completeness rests on batch-get-projects alone, unless the listing failed or is unreadable.
            return listGap.ErrorCode is null ? batch.Select(o => o.Projects) : Collected<IReadOnlyList<Project>>.Missing(listGap, log);
        }

        var fetched = output.Projects.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var notFetched = list.Projects.Where(n => !fetched.Contains(n)).Distinct(StringComparer.Ordinal).ToList();
        if (notFetched.Count > 0)
            return Collected<IReadOnlyList<Project>>.Missing(new DataGap(AwsCalls.BatchGetProjects.Service.IamPrefix, AwsCalls.BatchGetProjects.Operation,
                $"did not return {notFetched.Count} project(s) that {listed.Source} lists: {string.Join(", ", notFetched)} (the evidence must cover every project)",
                null, batch.Source, $"Collect batch-get-projects again for every name list-projects returns (`{AwsCalls.BatchGetProjects.Cli}`)."), log);
        return batch.Select(o => o.Projects);
    }

    private EcrInventory ReadEcr()
    {
        var repositories = Read<DescribeRepositoriesOutput>(AwsCalls.DescribeRepositories).Select(o => o.Repositories);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (repositories.TryGet(out var list, out _))
            names.UnionWith(list.Select(r => r.RepositoryName));
        names.UnionWith(ItemsOf(AwsCalls.GetRepositoryPolicy));
        names.UnionWith(ItemsOf(AwsCalls.GetLifecyclePolicy));
        return new EcrInventory(
            repositories,
            names.ToDictionary(n => n, n => ReadOptional<RepositoryPolicy>(AwsCalls.GetRepositoryPolicy, n), StringComparer.Ordinal),
            names.ToDictionary(n => n, n => ReadOptional<LifecyclePolicy>(AwsCalls.GetLifecyclePolicy, n), StringComparer.Ordinal),
            Read<RegistryScanningConfiguration>(AwsCalls.GetRegistryScanningConfiguration));
    }
}
