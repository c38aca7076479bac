using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Controls.Endpoints;

/// <summary>A project's interfaces in one subnet: what a build of it looks like to the network.</summary>
public sealed record BuildInterface(string Project, IReadOnlyList<string> SecurityGroupIds);

/// <summary>A build subnet and the projects (with their security groups) that run in it.</summary>
public sealed record BuildSubnet(string SubnetId, IReadOnlyList<BuildInterface> Interfaces);

/// <summary>A VPC the builds run in, with the build subnets the projects in scope use there.</summary>
/// <param name="BuildSubnets">Null when the project listing could not be read (its gap in <paramref name="ProjectsGap"/>).</param>
public sealed record BuildVpc(string VpcId, ScopeSnapshot Scope, BuildPosture Posture, IReadOnlyList<BuildSubnet>? BuildSubnets, DataGap? ProjectsGap)
{
    public string Region => Scope.Region;

    /// <summary>The service name as AWS writes it for this region: com.amazonaws.&lt;region&gt;.&lt;service&gt;.</summary>
    public string ServiceName(string service) => EndpointServices.FullName(Region, service);

    /// <summary>EP-1's resource, and any endpoint control's when there is no endpoint: the VPC's place for the service.</summary>
    public ResourceRef Resource(string service) => ServiceSlot(VpcId, service, Scope.AccountId, Region);

    /// <summary>One (VPC, service) pair is one resource: its id names both, so every finding stays unique.</summary>
    public static ResourceRef ServiceSlot(string vpcId, string service, string account, string region) =>
        new($"{vpcId}/{EndpointServices.FullName(region, service)}", $"{vpcId} {service}", account, region);

    /// <summary>EP-2..EP-5 judge an endpoint: it is the resource.</summary>
    public ResourceRef Resource(string service, VpcEndpoint endpoint) =>
        new(endpoint.VpcEndpointId, $"{VpcId} {service} endpoint {endpoint.VpcEndpointId}", Scope.AccountId, Region);

    public string EndpointsFile => Scope.PathOf(AwsCalls.DescribeVpcEndpoints.File);

    /// <summary>The scope's endpoints by VPC, shared by the build VPCs of one pass over the scope.</summary>
    internal EndpointsByVpc Endpoints { get; init; } = new();
}

/// <summary>
/// A scope's endpoint listing indexed by VPC on first use: each (VPC, service) looks up its own VPC's endpoints instead of
/// scanning every endpoint of the account (at 100 build VPCs, 100 times as many per question).
/// </summary>
internal sealed class EndpointsByVpc
{
    private IReadOnlyList<VpcEndpoint>? _indexed;
    private ILookup<string, VpcEndpoint> _byVpc = Array.Empty<VpcEndpoint>().ToLookup(e => e.VpcId);

    /// <summary>The endpoints of <paramref name="listing"/> in one VPC, in the listing's order.</summary>
    public IEnumerable<VpcEndpoint> In(IReadOnlyList<VpcEndpoint> listing, string vpcId)
    {
        if (!ReferenceEquals(_indexed, listing))
            (_byVpc, _indexed) = (listing.ToLookup(e => e.VpcId, StringComparer.Ordinal), listing);
        return _byVpc[vpcId];
    }
}

/// <summary>
/// Resolves the build VPCs (posture build.vpcs, else the VPCs of the projects judged: every project of the build
/// account less the excluded) and the required services (build.requiredEndpoints as short names, else the default
/// set), turning every data gap into an inconclusive
/// finding, so an endpoint control always says something about every (VPC, service).
/// </summary>
public static class BuildVpcsInScope
{
    public static IEnumerable<Finding> Evaluate(EvaluationContext context, FindingFactory verdict, Func<BuildVpc, string, IEnumerable<Finding>> check) =>
        context.Posture.Builds.Count == 0
            ? [verdict.NoScope("build", "build VPC", "build.projects and build.vpcs")]
            : context.Posture.Builds.SelectMany(build => Evaluate(context, verdict, build, check));

    /// <summary>One build section's VPCs (the posture's own, or a class member's).</summary>
    private static IEnumerable<Finding> Evaluate(EvaluationContext context, FindingFactory verdict, BuildPosture build, Func<BuildVpc, string, IEnumerable<Finding>> check)
    {
        var target = context.Posture.Account(build.Account);
        var services = build.EffectiveRequiredEndpoints;
        if (!context.ScopeOf(build.Account).TryGet(out var scope, out var scopeGap))
        {
            foreach (var vpcId in build.Vpcs ?? ["(build VPCs)"])
            foreach (var service in services)
                yield return verdict.Unavailable(Placeholder(vpcId, service, target), scopeGap);
            yield break;
        }

        List<BuildSubnet>? buildSubnets = null;
        var projectVpcs = new List<string>();
        DataGap? projectsGap = null;
        if (scope.CodeBuild.Projects.TryGet(out var projects, out var gap))
        {
            var selected = projects.Where(p => build.Judges(p.Name)).ToList();
            var bySubnet = new Dictionary<string, List<BuildInterface>>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var project in selected)
            {
                if (project.VpcConfig is not { VpcId: { } vpcId } config) continue;
                if (!projectVpcs.Contains(vpcId)) projectVpcs.Add(vpcId);
                foreach (var subnetId in config.Subnets)
                {
                    if (!bySubnet.TryGetValue(subnetId, out var entry))
                    {
                        bySubnet[subnetId] = entry = [];
                        order.Add(subnetId);
                    }

                    entry.Add(new BuildInterface(project.Name, config.SecurityGroupIds));
                }
            }

            buildSubnets = order.Select(s => new BuildSubnet(s, bySubnet[s])).ToList();
        }
        else projectsGap = gap;

        IReadOnlyList<string> vpcs = build.Vpcs ?? projectVpcs;
        if (vpcs.Count == 0)
        {
            var resource = new ResourceRef("(build VPCs)", "(build VPCs)", scope.AccountId, scope.Region);
            yield return projectsGap is not null
                ? verdict.Unavailable(resource, projectsGap)
                : verdict.Inconclusive(resource,
                    "no build VPC to judge: the posture declares no build.vpcs and no project in scope has a VPC configuration (see CB-1)",
                    EvidenceRemedies.DeclareInPosture("the build VPCs under build.vpcs (or give the projects in scope their VPC configuration, which CB-1 checks)"),
                    new EvidenceFact("codebuild projects", "none in scope with vpcConfig", scope.PathOf(AwsCalls.BatchGetProjects.File)));
            yield break;
        }

        // Which build VPCs exist and which build subnets lie in each: without the account's VPCs and subnets neither is known.
        if (!scope.Ec2.Vpcs.TryGet(out var vpcList, out var vpcsGap) | !scope.Ec2.Subnets.TryGet(out var subnets, out var subnetsGap))
        {
            foreach (var vpcId in vpcs)
            foreach (var service in services)
                yield return verdict.Unavailable(BuildVpc.ServiceSlot(vpcId, service, scope.AccountId, scope.Region), (vpcsGap ?? subnetsGap)!);
            yield break;
        }

        var subnetsById = subnets!.ToDictionary(s => s.SubnetId);
        var knownVpcs = vpcList!.Select(v => v.VpcId).ToHashSet(StringComparer.Ordinal);
        var buildSubnetsByVpc = buildSubnets is null ? null : ByVpc(buildSubnets, subnetsById, projects!);
        var endpointIndex = new EndpointsByVpc();
        foreach (var vpcId in vpcs)
        {
            if (!knownVpcs.Contains(vpcId))
            {
                // A build VPC the account does not have is a posture or snapshot mismatch, not a missing endpoint.
                foreach (var service in services)
                    yield return verdict.Inconclusive(BuildVpc.ServiceSlot(vpcId, service, scope.AccountId, scope.Region),
                        $"{vpcId} is not among the account's VPCs in DescribeVpcs; check build.vpcs in the posture",
                        EvidenceRemedies.NotListed("build.vpcs", "VPC", scope.AccountId, scope.Region),
                        new EvidenceFact("vpcs", $"{knownVpcs.Count} VPC(s): {string.Join(", ", knownVpcs.Order(StringComparer.Ordinal))}", scope.PathOf(AwsCalls.DescribeVpcs.File)));
                continue;
            }

            var inVpc = buildSubnetsByVpc is null ? null : buildSubnetsByVpc.GetValueOrDefault(vpcId) ?? [];
            var buildVpc = new BuildVpc(vpcId, scope, build, inVpc, projectsGap) { Endpoints = endpointIndex };
            foreach (var service in services)
            foreach (var finding in check(buildVpc, service))
                yield return finding;
        }
    }

    /// <summary>
    /// The build subnets of each VPC, in the order the projects list them: a build subnet belongs to the VPC its subnet record
    /// names; a subnet missing from the data stays with the VPC of every project that lists it.
    /// </summary>
    private static Dictionary<string, List<BuildSubnet>> ByVpc(IReadOnlyList<BuildSubnet> buildSubnets, Dictionary<string, Subnet> subnetsById, IReadOnlyList<Project> projects)
    {
        var byVpc = new Dictionary<string, List<BuildSubnet>>(StringComparer.Ordinal);
        foreach (var buildSubnet in buildSubnets)
        {
            IEnumerable<string> vpcs = subnetsById.TryGetValue(buildSubnet.SubnetId, out var subnet)
                ? [subnet.VpcId]
                : projects.Where(p => p.VpcConfig?.VpcId is not null && p.VpcConfig.Subnets.Contains(buildSubnet.SubnetId)).Select(p => p.VpcConfig!.VpcId!).Distinct(StringComparer.Ordinal);
            foreach (var vpc in vpcs)
            {
                if (!byVpc.TryGetValue(vpc, out var list))
                    byVpc[vpc] = list = [];
                list.Add(buildSubnet);
            }
        }

        return byVpc;
    }

    private static ResourceRef Placeholder(string vpcId, string service, AccountTarget account) =>
        BuildVpc.ServiceSlot(vpcId, service, account.AccountId, account.Region);
}

/// <summary>The endpoints of one service in one VPC, as EP-1..EP-5 look for them.</summary>
public static class RequiredEndpoints
{
    /// <summary>
    /// What EP-3 and EP-4 judge: the service's interface endpoint and the build subnets; null with the finding
    /// that says why not (project listing unreadable, or no endpoint: EP-1 reports that).
    /// </summary>
    public static Finding? CannotJudge(FindingFactory verdict, BuildVpc vpc, string service, IReadOnlyList<VpcEndpoint> endpoints,
        out VpcEndpoint? endpoint, out IReadOnlyList<BuildSubnet>? buildSubnets)
    {
        endpoint = null;
        buildSubnets = vpc.BuildSubnets;
        if (buildSubnets is null)
            return verdict.Unavailable(vpc.Resource(service), vpc.ProjectsGap!);
        endpoint = InterfaceEndpoint(endpoints, vpc, service);
        return endpoint is null ? NothingToJudge(verdict, vpc, service) : null;
    }

    /// <summary>EP-2..EP-4 have nothing to judge when the interface endpoint is missing: EP-1 fails it, they say why they cannot.</summary>
    public static Finding NothingToJudge(FindingFactory verdict, BuildVpc vpc, string service) =>
        verdict.Inconclusive(vpc.Resource(service), $"{vpc.VpcId} has no interface endpoint for {vpc.ServiceName(service)} to judge (EP-1 reports it)",
            $"Nothing to judge until the endpoint exists: EP-1's finding for {vpc.VpcId} and {service} says how to create it; then run again.",
            new EvidenceFact(vpc.VpcId, $"no interface endpoint for {vpc.ServiceName(service)}", vpc.EndpointsFile));

    public static bool IsGatewayService(string service) => service == "s3";

    public static bool IsAvailable(VpcEndpoint endpoint) => string.Equals(endpoint.State, "available", StringComparison.OrdinalIgnoreCase);

    public static bool IsGateway(VpcEndpoint endpoint) => string.Equals(endpoint.VpcEndpointType, "Gateway", StringComparison.OrdinalIgnoreCase);

    public static bool IsInterface(VpcEndpoint endpoint) => string.Equals(endpoint.VpcEndpointType, "Interface", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<VpcEndpoint> Of(IReadOnlyList<VpcEndpoint> endpoints, BuildVpc vpc, string service)
    {
        var name = vpc.ServiceName(service);
        return vpc.Endpoints.In(endpoints, vpc.VpcId).Where(e => e.ServiceName == name).ToList();
    }

    /// <summary>The endpoint EP-2..EP-4 judge for a service: its available interface endpoint (s3 has none: it is a gateway service).</summary>
    public static VpcEndpoint? InterfaceEndpoint(IReadOnlyList<VpcEndpoint> endpoints, BuildVpc vpc, string service) =>
        Of(endpoints, vpc, service).Where(IsInterface).OrderByDescending(IsAvailable).FirstOrDefault();
}
