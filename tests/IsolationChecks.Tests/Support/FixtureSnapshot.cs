using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Snapshots.Model;
using IsolationChecks.Tests.Fixtures;

namespace IsolationChecks.Tests.Support;

/// <summary>
/// The reference fixture (or a violation overlay on it) as an evaluation context, reading only what the ECR and
/// IAM controls need (ECR documents, IAM authorization details, NAT gateways) so those controls can be checked
/// against the real fixtures independently of the central snapshot reader.
/// </summary>
public static class FixtureSnapshot
{
    private static readonly JsonSerializerOptions Model = new() { PropertyNameCaseInsensitive = true };
    private static readonly JsonSerializerOptions PostureJson = new(JsonSerializerDefaults.Web);

    public static string FixturesRoot { get; } = Path.Combine(
        typeof(FixtureSnapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepoRoot").Value!, "Fixtures");

    public static IReadOnlyDictionary<string, JsonNode?> Reference()
    {
        var folder = Path.Combine(FixturesRoot, "reference");
        return Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f).Replace('\\', '/'), f => JsonNode.Parse(File.ReadAllText(f)), StringComparer.Ordinal);
    }

    public static JsonNode Fixture(string violation) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(FixturesRoot, "violations", violation, "fixture.json")))!;

    public static IReadOnlyDictionary<string, JsonNode?> Violation(string violation) =>
        JsonOverlay.Apply(Reference(), Fixture(violation)["patches"]!.AsArray());

    public static EvaluationContext Context(IReadOnlyDictionary<string, JsonNode?> files)
    {
        var posture = files["posture.json"]!.Deserialize<PostureDocument>(PostureJson)!;
        var scopes = posture.Accounts.Values.DistinctBy(a => (a.AccountId, a.Region))
            .Select(a => Scope(files, a.AccountId, a.Region)).ToList();
        var raw = files.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value!.ToJsonString()));
        return new EvaluationContext(
            new Snapshot("fixture", null, scopes, IntegrityReport.Unverified, new SnapshotFiles("fixture", raw, null)), posture, TimeProvider.System);
    }

    private static ScopeSnapshot Scope(IReadOnlyDictionary<string, JsonNode?> files, string account, string region)
    {
        var folder = SnapshotLayout.ScopeFolder(account, region);
        var scope = new ScopeBuilder(account, region).Build() with { Folder = folder };
        T? Read<T>(string file, string? key = null) where T : class
        {
            if (!files.TryGetValue($"{folder}/{file}", out var node) || node is null) return null;
            return (key is null ? node : node[key])?.Deserialize<T>(Model);
        }

        Collected<T> Collect<T>(string file, string service, string operation, string? key = null) where T : class =>
            Read<T>(file, key) is { } value
                ? Collected<T>.Seen(value, $"{folder}/{file}")
                : Collected<T>.Missing(DataGap.NotCollected(service, operation, $"{folder}/{file}"));

        Dictionary<string, Collected<Optional<T>>> PerRepository<T>(IEnumerable<Repository> repositories, Func<string, string> layout) where T : class =>
            repositories.Where(r => files.ContainsKey($"{folder}/{layout(r.RepositoryName)}")).ToDictionary(r => r.RepositoryName, r =>
            {
                var path = $"{folder}/{layout(r.RepositoryName)}";
                var node = files[path]!;
                var optional = node["Error"] is { } error
                    ? new Optional<T>(null, (string?)error["Code"])
                    : new Optional<T>(node.Deserialize<T>(Model), null);
                return Collected<Optional<T>>.Seen(optional, path);
            });

        var repositories = Collect<List<Repository>>(SnapshotLayout.EcrDescribeRepositories, "ecr", "DescribeRepositories", "repositories");
        var listed = repositories.TryGet(out var list, out _) ? list : [];
        var nats = Collect<List<NatGateway>>(SnapshotLayout.NatGateways, "ec2", "DescribeNatGateways", "NatGateways");
        return scope with
        {
            Ec2 = scope.Ec2 with { NatGateways = nats.Select(n => (IReadOnlyList<NatGateway>)n) },
            Ecr = new EcrInventory(
                repositories.Select(r => (IReadOnlyList<Repository>)r),
                PerRepository<RepositoryPolicy>(listed, SnapshotLayout.EcrRepositoryPolicy),
                PerRepository<LifecyclePolicy>(listed, SnapshotLayout.EcrLifecyclePolicy),
                Collect<RegistryScanningConfiguration>(SnapshotLayout.EcrRegistryScanningConfiguration, "ecr", "GetRegistryScanningConfiguration")),
            Iam = Collect<AccountAuthorizationDetails>(SnapshotLayout.IamAccountAuthorizationDetails, "iam", "GetAccountAuthorizationDetails"),
        };
    }
}
