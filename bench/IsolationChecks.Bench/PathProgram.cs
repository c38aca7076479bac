using System.Diagnostics;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Bench;

/// <summary>The path engine on generated networks: <c>dotnet run -c Release --project bench/IsolationChecks.Bench -- paths [--seed N] [--quick]</c>.</summary>
public static class PathProgram
{
    public static int Run(string[] args)
    {
        var seed = args.SkipWhile(a => a != "--seed").Skip(1).Select(int.Parse).FirstOrDefault(1);
        var quick = args.Contains("--quick");
        var shape = quick ? NetworkShape.Benchmark with { Vpcs = 10 } : NetworkShape.Benchmark;

        Console.WriteLine($"IsolationChecks path engine benchmark (seed {seed}, {Environment.ProcessorCount} cores, .NET {Environment.Version})");
        var main = PathBenchmark.Run(shape, seed);
        Console.WriteLine(main.Describe());
        Console.WriteLine();
        Console.WriteLine("Growth with security group rules (10 VPCs, rules per group varied):");
        foreach (var rules in new[] { 5, 10, 20, 40 })
        {
            var run = PathBenchmark.Run(shape with { Vpcs = 10, RulesPerGroup = rules }, seed);
            Console.WriteLine($"  {run.Rules,7:N0} rules: {run.QueryTime.TotalMilliseconds,8:N0} ms for {run.Queries:N0} queries ({run.QueryTime.TotalMilliseconds * 1000 / run.Queries:N1} us each)");
        }

        Console.WriteLine($"peak working set of the whole run: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MB");
        return 0;
    }
}
