using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using NUnit.Framework;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Fixtures;

/// <summary>
/// The reference snapshot and every violation overlay deserialise into the model records with every
/// required member present, and the ids they reference exist, so control tests can trust them.
/// </summary>
[TestFixture]
public sealed partial class FixtureShapeTests
{
    private static readonly string FixturesRoot = Path.Combine(RepoRoot(), "Fixtures");
    private static readonly string ReferenceFolder = Path.Combine(FixturesRoot, "reference");

    private static readonly string[] ScopeFolders =
    [
        SnapshotLayout.ScopeFolder("111111111111", "ap-northeast-1"),
        SnapshotLayout.ScopeFolder("222222222222", "ap-northeast-1"),
    ];

    private static readonly string[] CatalogIds =
    [
        "CB-1", "CB-2", "CB-3", "CB-4", "CB-5", "EP-1", "EP-2", "EP-3", "EP-4", "EP-5",
        "ECR-1", "ECR-2", "ECR-3", "ECR-4", "ECR-5", "IAM-1", "IAM-2", "IAM-3", "GIT-1",
        "GL-1", "GL-2", "CONN-1", "NET-1", "NET-2", "NET-3", "ORG-1",
    ];

    // Model records mark what the API always returns as non-nullable: a fixture missing one fails here.
    private static readonly JsonSerializerOptions ModelJson = new()
    {
        PropertyNameCaseInsensitive = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>A fixture's posture, read by the loader the suite uses (schema and semantic rules).</summary>
    private static PostureDocument Posture(IReadOnlyDictionary<string, JsonNode?> files) =>
        PostureLoader.Parse(System.Text.Encoding.UTF8.GetBytes(files["posture.json"]!.ToJsonString()), "posture.json");

    public static IEnumerable<string> Scopes() => ScopeFolders;

    public static IEnumerable<string> Violations() =>
        Directory.GetDirectories(Path.Combine(FixturesRoot, "violations")).Select(Path.GetFileName).OfType<string>().Order();

    [TestCaseSource(nameof(Scopes))]
    public void Reference_scope_deserialises_and_its_references_resolve(string scope)
    {
        var problems = ScopeProblems(LoadReference(), scope);

        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void Reference_posture_maps_onto_the_posture_records_and_names_ids_of_the_snapshot()
    {
        var files = LoadReference();

        var posture = Posture(files);

        var prd = Scope(files, posture.Account("prd"));
        var dev = Scope(files, posture.Account("dev"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(posture.Version, Is.EqualTo(PostureDocument.CurrentVersion));
            Assert.That(posture.Build!.Vpcs, Is.SubsetOf(List<Vpc>(files, prd, AwsCalls.DescribeVpcs.File, "Vpcs").Select(v => v.VpcId)));
            Assert.That(posture.Build.Projects, Is.EquivalentTo(List<Project>(files, prd, AwsCalls.BatchGetProjects.File, "projects").Select(p => p.Name)));
            Assert.That(posture.NatGateways!.Select(n => n.Id),
                Is.SubsetOf(List<NatGateway>(files, dev, AwsCalls.DescribeNatGateways.File, "NatGateways").Select(n => n.NatGatewayId)));
            Assert.That(posture.GitLab!.Hosts.Select(h => h.InstanceId),
                Is.SubsetOf(List<Reservation>(files, dev, AwsCalls.DescribeInstances.File, "Reservations").SelectMany(r => r.Instances!).Select(i => i.InstanceId)));
            var users = Model<AccountAuthorizationDetails>(files, prd, AwsCalls.GetAccountAuthorizationDetails.File).UserDetailList!.Select(u => u.Arn);
            Assert.That(posture.CodeCommit!.PushPrincipals.Concat(posture.CodeCommit.PullPrincipals), Is.SubsetOf(users));
            Assert.That(posture.Waivers, Is.Empty);
        }
    }

    [TestCaseSource(nameof(Violations))]
    public void Violation_overlay_applies_to_its_base_and_still_deserialises(string name)
    {
        var folder = Path.Combine(FixturesRoot, "violations", name);
        var fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "fixture.json")))!;
        var expect = fixture["expect"]!;
        var fail = new[] { "fail", "inconclusive", "pass" }.SelectMany(k => expect[k]?.AsArray() ?? []).Select(n => (string)n!).ToList();
        var reference = LoadReference();

        var (files, root) = Materialise(folder, reference);

        // A resource is named in some file, or is a scope (account/region) that a file's path names.
        var everything = string.Join('\n', files.Select(f => f.Key + "\n" + f.Value?.ToJsonString()));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root, Is.EqualTo(Path.GetFullPath(ReferenceFolder)), "the chain of bases ends at the reference");
            Assert.That((string?)fixture["description"], Is.Not.Empty);
            Assert.That(fail, Is.Not.Empty.And.SubsetOf(CatalogIds));
            Assert.That(name, Does.StartWith(fail[0] + "-"), "the folder is named after its first control");
            Assert.That(files.Select(f => f.Value?.ToJsonString()), Is.Not.EqualTo(reference.Select(f => f.Value?.ToJsonString())), "the overlay changes nothing");
            // ORG-1's violations are scopes whose evidence is not their account's: that is what it must catch.
            foreach (var scope in fail.Contains("ORG-1") ? [] : ScopeFolders)
                Assert.That(ScopeProblems(files, scope), Is.Empty, scope);
            Assert.That(() => Posture(files), Throws.Nothing);
            if (expect["resource"] is { } resource)
                Assert.That(everything, Does.Contain((string)resource!));
            foreach (var id in (expect["messageContains"]?.AsArray() ?? []).Select(n => (string)n!).Where(s => AwsId().IsMatch(s)))
                Assert.That(everything, Does.Contain($"\"{id}\""), $"{id} named in messageContains exists in the materialised snapshot");
        }
    }

    private static List<string> ScopeProblems(IReadOnlyDictionary<string, JsonNode?> files, string scope)
    {
        var problems = new List<string>();
        void Need(string what, string id, IEnumerable<string> pool, string where)
        {
            if (!pool.Contains(id))
                problems.Add($"{scope}/{where} names {what} {id}, which the snapshot does not have");
        }

        try
        {
            var vpcs = List<Vpc>(files, scope, AwsCalls.DescribeVpcs.File, "Vpcs").Select(v => v.VpcId).ToList();
            var subnets = List<Subnet>(files, scope, AwsCalls.DescribeSubnets.File, "Subnets");
            var routeTables = List<RouteTable>(files, scope, AwsCalls.DescribeRouteTables.File, "RouteTables");
            var acls = List<NetworkAcl>(files, scope, AwsCalls.DescribeNetworkAcls.File, "NetworkAcls");
            var groups = List<SecurityGroup>(files, scope, AwsCalls.DescribeSecurityGroups.File, "SecurityGroups").Select(g => g.GroupId).ToList();
            var nats = List<NatGateway>(files, scope, AwsCalls.DescribeNatGateways.File, "NatGateways");
            var igws = List<InternetGateway>(files, scope, AwsCalls.DescribeInternetGateways.File, "InternetGateways");
            _ = List<EgressOnlyInternetGateway>(files, scope, AwsCalls.DescribeEgressOnlyInternetGateways.File, "EgressOnlyInternetGateways");
            var endpoints = List<VpcEndpoint>(files, scope, AwsCalls.DescribeVpcEndpoints.File, "VpcEndpoints");
            var interfaces = List<NetworkInterface>(files, scope, AwsCalls.DescribeNetworkInterfaces.File, "NetworkInterfaces");
            var instances = List<Reservation>(files, scope, AwsCalls.DescribeInstances.File, "Reservations").SelectMany(r => r.Instances ?? []).ToList();
            var prefixLists = List<ManagedPrefixList>(files, scope, AwsCalls.DescribeManagedPrefixLists.File, "PrefixLists");
            var addresses = List<Address>(files, scope, AwsCalls.DescribeAddresses.File, "Addresses");
            var projects = List<Project>(files, scope, AwsCalls.BatchGetProjects.File, "projects");
            var projectNames = Model<string[]>(files, scope, AwsCalls.ListProjects.File, "projects");
            var repositories = List<Repository>(files, scope, AwsCalls.DescribeRepositories.File, "repositories");
            _ = Model<RegistryScanningConfiguration>(files, scope, AwsCalls.GetRegistryScanningConfiguration.File);
            _ = Model<AccountAuthorizationDetails>(files, scope, AwsCalls.GetAccountAuthorizationDetails.File);
            var caller = Model<CallerIdentity>(files, scope, AwsCalls.GetCallerIdentity.File);
            if (files.ContainsKey($"{scope}/{AwsCalls.DescribePublicRepositories.File}"))
                _ = List<PublicRepository>(files, scope, AwsCalls.DescribePublicRepositories.File, "repositories");

            var vpnGateways = List<VpnGateway>(files, scope, AwsCalls.DescribeVpnGateways.File, "VpnGateways");
            _ = List<VpnConnection>(files, scope, AwsCalls.DescribeVpnConnections.File, "VpnConnections");
            _ = List<VpcPeeringConnection>(files, scope, AwsCalls.DescribeVpcPeeringConnections.File, "VpcPeeringConnections");
            _ = List<TransitGatewayAttachment>(files, scope, AwsCalls.DescribeTransitGatewayAttachments.File, "TransitGatewayAttachments");
            _ = List<TransitGatewayVpcAttachment>(files, scope, AwsCalls.DescribeTransitGatewayVpcAttachments.File, "TransitGatewayVpcAttachments");
            foreach (var table in List<TransitGatewayRouteTable>(files, scope, AwsCalls.DescribeTransitGatewayRouteTables.File, "TransitGatewayRouteTables"))
                _ = List<TransitGatewayRoute>(files, scope, AwsCalls.SearchTransitGatewayRoutes.FileFor(table.TransitGatewayRouteTableId), "Routes");
            _ = List<ClientVpnEndpoint>(files, scope, AwsCalls.DescribeClientVpnEndpoints.File, "ClientVpnEndpoints");
            _ = List<AwsPrefixList>(files, scope, AwsCalls.DescribePrefixLists.File, "PrefixLists");
            _ = List<LoadBalancer>(files, scope, AwsCalls.DescribeLoadBalancers.File, "LoadBalancers");
            _ = List<TargetGroup>(files, scope, AwsCalls.DescribeTargetGroups.File, "TargetGroups");

            var subnetIds = subnets.Select(s => s.SubnetId).ToList();
            var interfaceIds = interfaces.Select(i => i.NetworkInterfaceId).ToList();
            var gateways = igws.Select(g => g.InternetGatewayId).Concat(endpoints.Select(e => e.VpcEndpointId))
                .Concat(vpnGateways.Select(g => g.VpnGatewayId)).Append("local").ToList();
            if (!scope.Contains(caller.Account, StringComparison.Ordinal))
                problems.Add($"{scope}: caller identity is account {caller.Account}");
            foreach (var list in prefixLists)
                _ = List<PrefixListEntry>(files, scope, AwsCalls.GetManagedPrefixListEntries.FileFor(list.PrefixListId), "Entries");
            foreach (var subnet in subnets)
                Need("VPC", subnet.VpcId, vpcs, AwsCalls.DescribeSubnets.File);
            foreach (var table in routeTables)
            {
                foreach (var association in table.Associations ?? [])
                    if (association.SubnetId is { } s)
                        Need("subnet", s, subnetIds, AwsCalls.DescribeRouteTables.File);
                foreach (var route in table.Routes ?? [])
                {
                    if (route.GatewayId is { } g)
                        Need("gateway", g, gateways, AwsCalls.DescribeRouteTables.File);
                    if (route.NatGatewayId is { } n)
                        Need("NAT gateway", n, nats.Select(x => x.NatGatewayId), AwsCalls.DescribeRouteTables.File);
                }
            }

            foreach (var vpc in vpcs)
                if (routeTables.Count(t => t.VpcId == vpc && t.Associations!.Any(a => a.Main == true)) != 1)
                    problems.Add($"{scope}: {vpc} does not have exactly one main route table");
            foreach (var subnet in subnetIds)
                if (acls.Sum(a => a.Associations!.Count(x => x.SubnetId == subnet)) != 1)
                    problems.Add($"{scope}: {subnet} is not in exactly one network ACL");
            foreach (var endpoint in endpoints)
            {
                foreach (var s in endpoint.SubnetIds ?? [])
                    Need("subnet", s, subnetIds, AwsCalls.DescribeVpcEndpoints.File);
                foreach (var g in endpoint.Groups ?? [])
                    Need("security group", g.GroupId, groups, AwsCalls.DescribeVpcEndpoints.File);
                foreach (var i in endpoint.NetworkInterfaceIds ?? [])
                    Need("network interface", i, interfaceIds, AwsCalls.DescribeVpcEndpoints.File);
                foreach (var t in endpoint.RouteTableIds ?? [])
                    Need("route table", t, routeTables.Select(r => r.RouteTableId), AwsCalls.DescribeVpcEndpoints.File);
            }

            foreach (var eni in interfaces)
            {
                Need("subnet", eni.SubnetId!, subnetIds, AwsCalls.DescribeNetworkInterfaces.File);
                foreach (var g in eni.Groups ?? [])
                    Need("security group", g.GroupId, groups, AwsCalls.DescribeNetworkInterfaces.File);
            }

            foreach (var nat in nats)
                foreach (var address in nat.NatGatewayAddresses ?? [])
                    Need("network interface", address.NetworkInterfaceId!, interfaceIds, AwsCalls.DescribeNatGateways.File);
            foreach (var instance in instances)
                foreach (var eni in instance.NetworkInterfaces ?? [])
                    Need("network interface", eni.NetworkInterfaceId, interfaceIds, AwsCalls.DescribeInstances.File);
            foreach (var address in addresses)
                Need("network interface", address.NetworkInterfaceId!, interfaceIds, AwsCalls.DescribeAddresses.File);
            if (!projectNames.SequenceEqual(projects.Select(p => p.Name)))
                problems.Add($"{scope}: list-projects and batch-get-projects disagree");
            foreach (var vpcConfig in projects.Select(p => p.VpcConfig).OfType<ProjectVpcConfig>())
            {
                Need("VPC", vpcConfig.VpcId!, vpcs, AwsCalls.BatchGetProjects.File);
                foreach (var s in vpcConfig.Subnets ?? [])
                    Need("subnet", s, subnetIds, AwsCalls.BatchGetProjects.File);
                foreach (var g in vpcConfig.SecurityGroupIds ?? [])
                    Need("security group", g, groups, AwsCalls.BatchGetProjects.File);
            }

            foreach (var repository in repositories)
            {
                _ = OptionalModel<RepositoryPolicy>(files, scope, AwsCalls.GetRepositoryPolicy.FileFor(repository.RepositoryName));
                _ = OptionalModel<LifecyclePolicy>(files, scope, AwsCalls.GetLifecyclePolicy.FileFor(repository.RepositoryName));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            problems.Add($"{scope}: {e.Message}");
        }

        return problems;
    }

    private static string Scope(IReadOnlyDictionary<string, JsonNode?> files, AccountTarget account) =>
        SnapshotLayout.ScopeFolder(account.AccountId, account.Region) is var scope && files.Keys.Any(k => k.StartsWith(scope + "/", StringComparison.Ordinal))
            ? scope
            : throw new KeyNotFoundException($"no scope for {account.AccountId}");

    private static List<T> List<T>(IReadOnlyDictionary<string, JsonNode?> files, string scope, string file, string key) =>
        Model<List<T>>(files, scope, file, key);

    private static T Model<T>(IReadOnlyDictionary<string, JsonNode?> files, string scope, string file, string? key = null)
    {
        var path = $"{scope}/{file}";
        var node = files.TryGetValue(path, out var n) ? n : throw new KeyNotFoundException($"{path} is missing");
        if (key is not null)
            node = node?[key] ?? throw new KeyNotFoundException($"{path} has no top-level '{key}'");
        return node.Deserialize<T>(ModelJson) ?? throw new InvalidOperationException($"{path} is null");
    }

    /// <summary>A per-repository document, or the service's confirmation that there is none.</summary>
    private static T? OptionalModel<T>(IReadOnlyDictionary<string, JsonNode?> files, string scope, string file) where T : class
    {
        var path = $"{scope}/{file}";
        var node = files.TryGetValue(path, out var n) ? n : throw new KeyNotFoundException($"{path} is missing");
        if (node?["Error"] is { } error)
            return ((string?)error["Code"])?.EndsWith("NotFoundException", StringComparison.Ordinal) == true
                ? null
                : throw new InvalidOperationException($"{path} records an error that is not a confirmed absence");
        return Model<T>(files, scope, file);
    }

    private static Dictionary<string, JsonNode?> LoadReference() => JsonFiles(ReferenceFolder);

    private static Dictionary<string, JsonNode?> JsonFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
            .ToDictionary(
                f => Path.GetRelativePath(folder, f).Replace('\\', '/'),
                f => JsonNode.Parse(File.ReadAllText(f)),
                StringComparer.Ordinal);

    /// <summary>A fixture's files: its base (the reference, or another fixture, materialised the same way), its own files on top, then its patches.</summary>
    private static (Dictionary<string, JsonNode?> Files, string Root) Materialise(string folder, Dictionary<string, JsonNode?> reference)
    {
        var fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "fixture.json")))!;
        var baseFolder = Path.GetFullPath(Path.Combine(folder, (string)fixture["base"]!));
        var (files, root) = baseFolder == Path.GetFullPath(ReferenceFolder) ? (reference, baseFolder) : Materialise(baseFolder, reference);
        var layered = new Dictionary<string, JsonNode?>(files, StringComparer.Ordinal);
        foreach (var (path, document) in JsonFiles(folder).Where(f => f.Key != "fixture.json"))
            layered[path] = document;
        return (JsonOverlay.Apply(layered, fixture["patches"]!.AsArray()), root);
    }

    private static string RepoRoot() =>
        typeof(FixtureShapeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value
        ?? throw new InvalidOperationException("the test assembly carries no RepoRoot metadata");

    [GeneratedRegex(@"^(vpc|subnet|rtb|acl|sg|nat|igw|eigw|vpce|eni|pcx|tgw|i|pl)-[0-9a-f]{8,17}$")]
    private static partial Regex AwsId();
}
