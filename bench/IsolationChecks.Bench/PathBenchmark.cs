using System.Diagnostics;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Bench;

/// <summary>The numbers of one run.</summary>
public sealed record BenchmarkRun(int Vpcs, int Subnets, int Groups, int Rules, int Interfaces, TimeSpan GenerateTime, TimeSpan ModelTime,
    int Queries, TimeSpan QueryTime, long AllocatedBytes, long HeapAfterBytes, int InternetPaths, int EndpointFailures,
    int BuildSources, TimeSpan BuildSourceTime, TimeSpan ParallelQueryTime, TimeSpan ColdTime)
{
    public string Describe() =>
        $"network: {Vpcs:N0} VPCs, {Subnets:N0} subnets, {Groups:N0} security groups with {Rules:N0} rules, {Interfaces:N0} network interfaces\n" +
        $"generate (not part of the target): {GenerateTime.TotalMilliseconds:N0} ms\n" +
        $"model build (index by id):         {ModelTime.TotalMilliseconds:N0} ms\n" +
        $"cold pass (CB-3 only, compiles groups, warms the JIT): {ColdTime.TotalMilliseconds:N0} ms\n" +
        $"CB-3 + EP-4 for every interface:    {QueryTime.TotalMilliseconds:N0} ms for {Queries:N0} queries " +
        $"({QueryTime.TotalMilliseconds * 1000 / Queries:N1} us each); {InternetPaths:N0} interfaces with an internet path, " +
        $"{EndpointFailures:N0} failing TCP 443 to their endpoint\n" +
        $"  the same on {Environment.ProcessorCount} threads:  {ParallelQueryTime.TotalMilliseconds:N0} ms\n" +
        $"CB-3 + EP-4 per CodeBuild build interface (subnet + security groups, {BuildSources:N0} of them): {BuildSourceTime.TotalMilliseconds:N0} ms\n" +
        $"allocated during queries: {AllocatedBytes / (1024 * 1024):N0} MB; live heap after: {HeapAfterBytes / (1024 * 1024):N0} MB";
}

/// <summary>
/// CB-3 (every internet address, any protocol and port) and EP-4 (TCP 443, every connection, to an endpoint
/// interface in the same VPC) for every network interface of a generated environment, single-threaded.
/// </summary>
public static class PathBenchmark
{
    public static BenchmarkRun Run(NetworkShape shape, int seed)
    {
        var clock = Stopwatch.StartNew();
        var network = SyntheticNetwork.Generate(shape, seed);
        var generateTime = clock.Elapsed;
        var rules = network.SecurityGroups.Sum(g => (g.IpPermissions ?? []).Concat(g.IpPermissionsEgress ?? [])
            .Sum(p => (p.IpRanges?.Count ?? 0) + (p.Ipv6Ranges?.Count ?? 0) + (p.PrefixListIds?.Count ?? 0) + (p.UserIdGroupPairs?.Count ?? 0)));
        var scope = network.Build();

        GC.Collect();
        clock.Restart();
        var model = NetworkModel.Build(scope);
        var engine = new PathEngine(model);
        var modelTime = clock.Elapsed;

        // Endpoint interfaces: the first interface of each VPC's second subnet stands in for an interface endpoint.
        var endpointByVpc = network.NetworkInterfaces.Where(n => n.NetworkInterfaceId.EndsWith("-1-0", StringComparison.Ordinal))
            .ToDictionary(n => n.VpcId!, n => Cidr.Parse(n.PrivateIpAddress!));
        clock.Restart();
        foreach (var eni in network.NetworkInterfaces)
        {
            // Cold pass: compiles each security group once (cached in the model) and warms the JIT.
            engine.Ask(PathQuery.ToInternet(new PathSource.Interface(eni.NetworkInterfaceId)));
        }

        var coldTime = clock.Elapsed;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var internetPaths = 0;
        var endpointFailures = 0;
        var queries = 0;
        clock.Restart();
        foreach (var eni in network.NetworkInterfaces)
        {
            var source = new PathSource.Interface(eni.NetworkInterfaceId);
            var internet = engine.Ask(PathQuery.ToInternet(source));
            if (internet.Paths.Any(p => p.End is PathEnd.Internet or PathEnd.Edge)) internetPaths++;
            var endpoint = engine.Ask(new PathQuery(source, [endpointByVpc[eni.VpcId!]], Interval.Single(Protocols.Tcp), Interval.Single(443),
                PathQuery.LinuxEphemeralPorts, Quantifier.Every));
            if (endpoint.Verdict != PathVerdict.Reachable) endpointFailures++;
            queries += 2;
        }

        var queryTime = clock.Elapsed;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        clock.Restart();
        Parallel.ForEach(network.NetworkInterfaces, eni =>
        {
            var source = new PathSource.Interface(eni.NetworkInterfaceId);
            engine.Ask(PathQuery.ToInternet(source));
            engine.Ask(new PathQuery(source, [endpointByVpc[eni.VpcId!]], Interval.Single(Protocols.Tcp), Interval.Single(443),
                PathQuery.LinuxEphemeralPorts, Quantifier.Every));
        });
        var parallelTime = clock.Elapsed;

        // What CB-3 and EP-4 actually ask: CodeBuild creates its interfaces only during builds, so each (subnet, project groups).
        var buildSources = SyntheticNetwork.BuildSources(network).ToList();
        var vpcOfSubnet = network.Subnets.ToDictionary(s => s.SubnetId, s => s.VpcId);
        clock.Restart();
        foreach (var (subnetId, groupId) in buildSources)
        {
            var source = new PathSource.SubnetWithGroups(subnetId, [groupId]);
            engine.Ask(PathQuery.ToInternet(source));
            engine.Ask(new PathQuery(source, [endpointByVpc[vpcOfSubnet[subnetId]]], Interval.Single(Protocols.Tcp), Interval.Single(443),
                PathQuery.LinuxEphemeralPorts, Quantifier.Every));
        }

        var buildSourceTime = clock.Elapsed;
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(model);
        return new BenchmarkRun(network.Vpcs.Count, network.Subnets.Count, network.SecurityGroups.Count, rules, network.NetworkInterfaces.Count,
            generateTime, modelTime, queries, queryTime, allocated, heapAfter, internetPaths, endpointFailures,
            buildSources.Count, buildSourceTime, parallelTime, coldTime);
    }
}
