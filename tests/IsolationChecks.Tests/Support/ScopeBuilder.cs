using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

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
            Seen<Vpc>([], AwsCalls.DescribeVpcs.File), Seen(Subnets, AwsCalls.DescribeSubnets.File),
            RouteTablesGap is null ? Seen(RouteTables, AwsCalls.DescribeRouteTables.File) : Collected<IReadOnlyList<RouteTable>>.Missing(RouteTablesGap),
            Seen<NetworkAcl>([], AwsCalls.DescribeNetworkAcls.File), Seen<SecurityGroup>([], AwsCalls.DescribeSecurityGroups.File),
            Seen<NatGateway>([], AwsCalls.DescribeNatGateways.File), Seen<InternetGateway>([], AwsCalls.DescribeInternetGateways.File),
            Seen<EgressOnlyInternetGateway>([], AwsCalls.DescribeEgressOnlyInternetGateways.File), Seen<VpcEndpoint>([], AwsCalls.DescribeVpcEndpoints.File),
            Seen<NetworkInterface>([], AwsCalls.DescribeNetworkInterfaces.File), Seen<Reservation>([], AwsCalls.DescribeInstances.File),
            Seen(PrefixLists.Keys.Select(id => new ManagedPrefixList(id, "IPv4", "create-complete")), AwsCalls.DescribeManagedPrefixLists.File),
            PrefixLists.ToDictionary(kv => kv.Key, kv => Seen(kv.Value, AwsCalls.GetManagedPrefixListEntries.FileFor(kv.Key))),
            Seen<Address>([], AwsCalls.DescribeAddresses.File));
        var projects = ProjectsGap is null
            ? Seen(Projects, AwsCalls.BatchGetProjects.File)
            : Collected<IReadOnlyList<Project>>.Missing(ProjectsGap);
        var ecr = new EcrInventory(Seen<Repository>([], AwsCalls.DescribeRepositories.File),
            new Dictionary<string, Collected<Optional<RepositoryPolicy>>>(), new Dictionary<string, Collected<Optional<LifecyclePolicy>>>(),
            Collected<RegistryScanningConfiguration>.Seen(new RegistryScanningConfiguration(new ScanningConfiguration("BASIC", [])), AwsCalls.GetRegistryScanningConfiguration.File));
        return new ScopeSnapshot(AccountId, Region, "", ec2, new CodeBuildInventory(projects), ecr,
            Collected<AccountAuthorizationDetails>.Seen(new AccountAuthorizationDetails([], [], [], []), AwsCalls.GetAccountAuthorizationDetails.File),
            Collected<CallerIdentity>.Seen(new CallerIdentity(AccountId, $"arn:aws:iam::{AccountId}:role/audit"), AwsCalls.GetCallerIdentity.File));
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
