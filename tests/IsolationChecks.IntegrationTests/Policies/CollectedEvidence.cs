using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Snapshots;
using IsolationChecks.Snapshots.Model;

namespace IsolationChecks.IntegrationTests.Policies;

/// <summary>
/// The part of a collected snapshot the ECR and IAM controls read (ECR documents, IAM authorization details,
/// NAT gateways), mapped onto the model; everything else is a gap. Stands in for the central reader here so
/// these controls are proven on live-collected output on their own.
/// </summary>
public static class CollectedEvidence
{
    private static readonly JsonSerializerOptions Model = new() { PropertyNameCaseInsensitive = true };

    public static Snapshot Read(SnapshotFiles files, string account, string region)
    {
        // A single-scope collection sits at the snapshot's root; the manifest says where each scope is.
        var folder = files.Manifest?.Scopes.FirstOrDefault(s => s.Account == account)?.Folder ?? SnapshotLayout.ScopeFolder(account, region);
        string PathOf(string file) => folder.Length == 0 ? file : PathOf(file);
        JsonNode? Node(string file) => files.Files.TryGetValue(PathOf(file), out var bytes) ? JsonNode.Parse(bytes) : null;

        Collected<T> Collect<T>(string file, string service, string operation, string? key = null) where T : class =>
            Node(file) is { } node && (key is null ? node : node[key])?.Deserialize<T>(Model) is { } value
                ? Collected<T>.Seen(value, PathOf(file))
                : Collected<T>.Missing(DataGap.NotCollected(service, operation, PathOf(file)));

        Collected<IReadOnlyList<T>> Gap<T>(string file) => Collected<IReadOnlyList<T>>.Missing(DataGap.NotCollected("ec2", file, PathOf(file)));

        Dictionary<string, Collected<Optional<T>>> PerRepository<T>(IEnumerable<Repository> repositories, Func<string, string> layout) where T : class =>
            repositories.Where(r => Node(layout(r.RepositoryName)) is not null).ToDictionary(r => r.RepositoryName, r =>
            {
                var node = Node(layout(r.RepositoryName))!;
                var optional = node["Error"] is { } error
                    ? new Optional<T>(null, (string?)error["Code"])
                    : new Optional<T>(node.Deserialize<T>(Model), null);
                return Collected<Optional<T>>.Seen(optional, PathOf(layout(r.RepositoryName)));
            });

        var repositories = Collect<List<Repository>>(SnapshotLayout.EcrDescribeRepositories, "ecr", "DescribeRepositories", "repositories");
        var listed = repositories.TryGet(out var list, out _) ? list : [];
        var ec2 = new Ec2Inventory(
            Gap<Vpc>(SnapshotLayout.Vpcs), Gap<Subnet>(SnapshotLayout.Subnets), Gap<RouteTable>(SnapshotLayout.RouteTables),
            Gap<NetworkAcl>(SnapshotLayout.NetworkAcls), Gap<SecurityGroup>(SnapshotLayout.SecurityGroups),
            Collect<List<NatGateway>>(SnapshotLayout.NatGateways, "ec2", "DescribeNatGateways", "NatGateways").Select(n => (IReadOnlyList<NatGateway>)n),
            Gap<InternetGateway>(SnapshotLayout.InternetGateways), Gap<EgressOnlyInternetGateway>(SnapshotLayout.EgressOnlyInternetGateways),
            Gap<VpcEndpoint>(SnapshotLayout.VpcEndpoints), Gap<NetworkInterface>(SnapshotLayout.NetworkInterfaces),
            Gap<Reservation>(SnapshotLayout.Reservations), Gap<ManagedPrefixList>(SnapshotLayout.ManagedPrefixLists),
            new Dictionary<string, Collected<IReadOnlyList<PrefixListEntry>>>(), Gap<Address>(SnapshotLayout.Addresses));
        var scope = new ScopeSnapshot(account, region, folder, ec2,
            new CodeBuildInventory(Gap<Project>(SnapshotLayout.CodeBuildBatchGetProjects)),
            new EcrInventory(
                repositories.Select(r => (IReadOnlyList<Repository>)r),
                PerRepository<RepositoryPolicy>(listed, SnapshotLayout.EcrRepositoryPolicy),
                PerRepository<LifecyclePolicy>(listed, SnapshotLayout.EcrLifecyclePolicy),
                Collect<RegistryScanningConfiguration>(SnapshotLayout.EcrRegistryScanningConfiguration, "ecr", "GetRegistryScanningConfiguration")),
            Collect<AccountAuthorizationDetails>(SnapshotLayout.IamAccountAuthorizationDetails, "iam", "GetAccountAuthorizationDetails"),
            Collect<CallerIdentity>(SnapshotLayout.StsCallerIdentity, "sts", "GetCallerIdentity"));
        return new Snapshot("live", files.Manifest, [scope], IntegrityReport.Unverified, files);
    }
}
