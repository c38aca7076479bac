using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Tests.Support;

/// <summary>Builds small in-memory snapshots for control tests: everything collected and empty unless set.</summary>
public sealed record ScopeBuilder(string AccountId = "222222222222", string Region = "ap-northeast-1")
{
    public List<Subnet> Subnets { get; init; } = [];
    public List<RouteTable> RouteTables { get; init; } = [];
    public List<Project> Projects { get; init; } = [];
    public Dictionary<string, List<PrefixListEntry>> PrefixLists { get; init; } = [];
    public DataGap? ProjectsGap { get; init; }
    public DataGap? RouteTablesGap { get; init; }

    public ScopeSnapshot Build()
    {
        static Collected<IReadOnlyList<T>> Seen<T>(IEnumerable<T> items, string file) => Collected<IReadOnlyList<T>>.Seen(items.ToList(), file);
        var ec2 = new Ec2Inventory(
            Seen<Vpc>([], SnapshotLayout.Vpcs), Seen(Subnets, SnapshotLayout.Subnets),
            RouteTablesGap is null ? Seen(RouteTables, SnapshotLayout.RouteTables) : Collected<IReadOnlyList<RouteTable>>.Missing(RouteTablesGap),
            Seen<NetworkAcl>([], SnapshotLayout.NetworkAcls), Seen<SecurityGroup>([], SnapshotLayout.SecurityGroups),
            Seen<NatGateway>([], SnapshotLayout.NatGateways), Seen<InternetGateway>([], SnapshotLayout.InternetGateways),
            Seen<EgressOnlyInternetGateway>([], SnapshotLayout.EgressOnlyInternetGateways), Seen<VpcEndpoint>([], SnapshotLayout.VpcEndpoints),
            Seen<NetworkInterface>([], SnapshotLayout.NetworkInterfaces), Seen<Reservation>([], SnapshotLayout.Reservations),
            Seen(PrefixLists.Keys.Select(id => new ManagedPrefixList(id)), SnapshotLayout.ManagedPrefixLists),
            PrefixLists.ToDictionary(kv => kv.Key, kv => Seen(kv.Value, SnapshotLayout.PrefixListEntries(kv.Key))),
            Seen<Address>([], SnapshotLayout.Addresses));
        var projects = ProjectsGap is null
            ? Seen(Projects, SnapshotLayout.CodeBuildBatchGetProjects)
            : Collected<IReadOnlyList<Project>>.Missing(ProjectsGap);
        var ecr = new EcrInventory(Seen<Repository>([], SnapshotLayout.EcrDescribeRepositories),
            new Dictionary<string, Collected<Optional<RepositoryPolicy>>>(), new Dictionary<string, Collected<Optional<LifecyclePolicy>>>(),
            Collected<RegistryScanningConfiguration>.Seen(new RegistryScanningConfiguration(), SnapshotLayout.EcrRegistryScanningConfiguration));
        return new ScopeSnapshot(AccountId, Region, "", ec2, new CodeBuildInventory(projects), ecr,
            Collected<AccountAuthorizationDetails>.Seen(new AccountAuthorizationDetails(), SnapshotLayout.IamAccountAuthorizationDetails),
            Collected<CallerIdentity>.Seen(new CallerIdentity(AccountId, $"arn:aws:iam::{AccountId}:role/audit"), SnapshotLayout.StsCallerIdentity));
    }

    public EvaluationContext Context(BuildPosture? build) => new(
        new Snapshot("test", null, [Build()], IntegrityReport.Unverified),
        new PostureDocument(1, "test", new Dictionary<string, AccountTarget> { ["prd"] = new(AccountId, Region) }, Build: build),
        TimeProvider.System);

    public static BuildPosture AllProjects(params string[] privilegedAllowed) =>
        new("prd", ["*"], PrivilegedModeAllowed: privilegedAllowed);
}

public static class Evaluate
{
    public static IReadOnlyList<Finding> With<TControl>(EvaluationContext context) where TControl : IControl, new() =>
        new TControl().EvaluateAsync(context, CancellationToken.None).GetAwaiter().GetResult();
}
