using System.Text.Json.Nodes;
using IsolationChecks.Aws.Clients;

namespace IsolationChecks.Aws.Calls;

/// <summary>
/// One read call of the catalog, declared once: which service and operation, when and for what it is made,
/// how its pages are merged, where its output lives in a snapshot, the AWS CLI command that writes the same file,
/// the shape the reader checks it against, and the IAM action the audit role needs. The collection plan, the
/// snapshot layout, the reader, the read-only allowlist, docs/audit-role-policy.json and the snapshot-format table
/// are all derived from these declarations (<see cref="AwsCalls"/>).
/// </summary>
public sealed record AwsCall
{
    /// <summary>Stands for the item in <see cref="File"/> and <see cref="Cli"/>: a repository, a prefix list, "cluster/service".</summary>
    public const string ItemPlaceholder = "{item}";

    public required AwsService Service { get; init; }

    /// <summary>The API operation, e.g. "DescribeVpcs".</summary>
    public required string Operation { get; init; }

    /// <summary>The file, relative to its scope folder, that holds the output; <c>{item}</c> for calls made per item.</summary>
    public required string File { get; init; }

    /// <summary>The AWS CLI command that prints the same document (append <c>--output json</c>).</summary>
    public required string Cli { get; init; }

    /// <summary>The record the file is read as: its required members must be there, with their types (Aws/Shapes).</summary>
    public required Type Shape { get; init; }

    /// <summary>Which controls read it, for the catalog's docs.</summary>
    public required string ReadBy { get; init; }

    public Paging Paging { get; init; } = Paging.None;

    public Fanout Fanout { get; init; } = Fanout.EveryScope;

    /// <summary>
    /// The collection plan key that asks for this call ("ecr-public", "connections", "gitlab-load-balancers"); null
    /// when every scope makes it. A call that is not asked for is not made and its file is not expected.
    /// </summary>
    public string? Requires { get; init; }

    /// <summary>Error codes by which the service says "there is none" (a repository without a policy): evidence, not a gap.</summary>
    public IReadOnlySet<string> AbsentCodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The request's members (JSON and Query protocols); paging members are added by the client.</summary>
    public Func<CallArgs, JsonObject> Request { get; init; } = _ => [];

    /// <summary>Official-SDK services (EC2, STS): the typed request, response and list.</summary>
    internal SdkBinding? Sdk { get; init; }

    /// <summary>The IAM action, as the read-only allowlist and the audit role's policy name it.</summary>
    public string IamAction => $"{Service.IamPrefix}:{Operation}";

    /// <summary>"ec2:DescribeVpcs": how progress lines and gaps name the call.</summary>
    public override string ToString() => IamAction;

    public bool IsPerItem => File.Contains(ItemPlaceholder, StringComparison.Ordinal);

    /// <summary>The file for one item (or the only file).</summary>
    public string FileFor(string? item) => IsPerItem
        ? File.Replace(ItemPlaceholder, item ?? throw new ArgumentNullException(nameof(item), $"{this} is made per item"), StringComparison.Ordinal)
        : File;

    /// <summary>The file key of a parent's value (an ARN's "app/NAME/ID"): what <see cref="FileFor"/> and the reader take.</summary>
    public string KeyOf(string value) => Fanout is Fanout.PerItem perItem ? perItem.KeyOf(value) : value;

    public string CliFor(string? item) => item is null ? Cli : Cli.Replace(ItemPlaceholder, item, StringComparison.Ordinal);

    /// <summary>The item a per-item file is for, or null when the path is not one of this call's files.</summary>
    public string? ItemOf(string scopeRelativePath)
    {
        if (!IsPerItem)
            return scopeRelativePath == File ? "" : null;
        var at = File.IndexOf(ItemPlaceholder, StringComparison.Ordinal);
        var prefix = File[..at];
        var suffix = File[(at + ItemPlaceholder.Length)..];
        if (!scopeRelativePath.StartsWith(prefix, StringComparison.Ordinal) || !scopeRelativePath.EndsWith(suffix, StringComparison.Ordinal)
            || scopeRelativePath.Length <= prefix.Length + suffix.Length)
            return null;
        var item = scopeRelativePath[prefix.Length..^suffix.Length];
        return Fanout.NestedItems || !item.Contains('/') ? item : null;
    }
}

/// <summary>What one request of a call is made for.</summary>
/// <param name="Item">The item (repository name, prefix list id, "cluster/service", simulation key), or null.</param>
/// <param name="Batch">The names a batched request carries.</param>
/// <param name="Input">Parameters the collection plan supplies (a policy simulation's question).</param>
/// <param name="Value">The parent's value the item stands for, when the file is named by a shorter key (an ARN named "app/NAME/ID").</param>
public sealed record CallArgs(string? Item = null, IReadOnlyList<string>? Batch = null, JsonObject? Input = null, string? Value = null)
{
    /// <summary>What the request names: the parent's value, else the item.</summary>
    public string Target => Value ?? Item ?? throw new ArgumentException("the call is made per item, but no item was given");

    public static CallArgs None { get; } = new();

    /// <summary>The two halves of an item "cluster/service".</summary>
    public (string First, string Second) Pair()
    {
        var slash = Item?.IndexOf('/') ?? -1;
        return slash > 0 ? (Item![..slash], Item[(slash + 1)..]) : throw new ArgumentException($"'{Item}' is not a pair NAME/NAME");
    }

    internal static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}

/// <summary>How the pages of a call are merged into the one document the CLI would print.</summary>
public abstract record Paging
{
    public static Paging None { get; } = new NoPaging();

    /// <summary>One request, one document, printed as it arrived.</summary>
    public sealed record NoPaging : Paging;

    /// <summary>JSON protocols: a token member in request and response; the lists are concatenated, the token dropped.</summary>
    /// <param name="MaxMember">The page-size member: the configured page size, else <paramref name="MaxPage"/> when the service declares one.</param>
    public sealed record Tokens(IReadOnlyList<string> Lists, string Token = "nextToken", string? MaxMember = "maxResults", int MaxPage = int.MaxValue) : Paging;

    /// <summary>Query protocols: Marker in, <paramref name="NextMarker"/> out (with <paramref name="Truncated"/> when the service says so).</summary>
    public sealed record Markers(IReadOnlyList<string> Lists, string NextMarker = "Marker", string? Truncated = "IsTruncated", string? MaxMember = "MaxItems", int MaxPage = int.MaxValue) : Paging;

    /// <summary>EC2: NextToken/MaxResults through the typed SDK request.</summary>
    public sealed record Sdk : Paging;

    public static Paging SdkTokens { get; } = new Sdk();
}

/// <summary>When and for what the call is made in a scope.</summary>
public abstract record Fanout
{
    public static Fanout EveryScope { get; } = new Once();

    /// <summary>Whether items may hold '/' (repository names nest folders; "cluster/service").</summary>
    public virtual bool NestedItems => false;

    /// <summary>The call this one waits for, if any.</summary>
    public virtual AwsCall? Parent => null;

    /// <summary>Once per scope.</summary>
    public sealed record Once : Fanout;

    /// <summary>Once per item the parent's output lists (one file each).</summary>
    /// <param name="Key">Names the file of an item when the item itself does not make a good file name (an ARN); null: the item.</param>
    public sealed record PerItem(AwsCall Of, ItemList Items, bool Nested = false, Func<string, string>? Key = null) : Fanout
    {
        public override AwsCall? Parent => Of;

        public override bool NestedItems => Nested;

        public string KeyOf(string item) => Key?.Invoke(item) ?? item;
    }

    /// <summary>
    /// The parent's items in batches of at most <paramref name="Size"/>, merged into one file whose <paramref name="Members"/>
    /// are always present. Not sent when the parent failed; when it listed nothing, the file holds empty lists.
    /// </summary>
    public sealed record Batched(AwsCall Of, ItemList Items, int Size, IReadOnlyList<string> Members, bool SkipWhenEmpty = false) : Fanout
    {
        public override AwsCall? Parent => Of;

        public override bool NestedItems => Of.Fanout.NestedItems;
    }

    /// <summary>
    /// Once per item the collection plan names, then once per item each answer lists (<paramref name="Children"/>), level by
    /// level down to <paramref name="MaxDepth"/> levels: a tree such as an organisation's units.
    /// </summary>
    public sealed record Tree(ItemList Children, int MaxDepth) : Fanout;

    /// <summary>Once per item the parent call was made for (the accounts of every unit whose child units were listed).</summary>
    public sealed record PerParentItem(AwsCall Of) : Fanout
    {
        public override AwsCall? Parent => Of;
    }

    /// <summary>Once per item the collection plan names for <see cref="AwsCall.Requires"/> (ECS services, policy simulations).</summary>
    public sealed record Planned(bool Nested = false) : Fanout
    {
        public override bool NestedItems => Nested;
    }
}

/// <summary>
/// Where a parent's output lists the items a call fans out over: the strings of <paramref name="List"/>, or of its
/// objects' <paramref name="Member"/>, optionally only the objects whose <paramref name="WhereMember"/> (the first of
/// <paramref name="WhereMember"/> and <paramref name="OrMember"/> present) is one of <paramref name="WhereIn"/>.
/// Declared as data, so scripts generated from the catalog read the same items.
/// </summary>
public sealed record ItemList(string List, string? Member = null, string? WhereMember = null, IReadOnlyList<string>? WhereIn = null, string? OrMember = null)
{
    /// <summary>The distinct items, in ordinal order.</summary>
    public IEnumerable<string> Of(JsonObject output) =>
        (output[List] as JsonArray ?? [])
            .Where(Selected)
            .Select(n => Member is null ? n : n?[Member])
            .Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    private bool Selected(JsonNode? item)
    {
        if (WhereMember is null)
            return true;
        var value = item?[WhereMember] ?? (OrMember is null ? null : item?[OrMember]);
        return value is JsonValue v && v.TryGetValue<string>(out var text) && (WhereIn ?? []).Contains(text);
    }

    /// <summary>"repositories[].repositoryName": how the docs and generated scripts name it.</summary>
    public override string ToString() => (Member is null ? $"{List}[]" : $"{List}[].{Member}")
        + (WhereMember is null ? "" : $" where {WhereMember}{(OrMember is null ? "" : $" (or {OrMember})")} in {string.Join("|", WhereIn ?? [])}");
}
