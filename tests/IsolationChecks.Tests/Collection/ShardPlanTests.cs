using CsCheck;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Collection;

/// <summary>The dealing of a plan's targets to shards, over generated target lists: complete, disjoint, balanced, stable.</summary>
public sealed class ShardPlanTests
{
    private static readonly string[] Regions = ["eu-west-1", "eu-central-1", "us-east-1"];

    /// <summary>Distinct (account, region) targets, in a random order, and a random subset to keep together.</summary>
    private static readonly Gen<(List<ManifestTarget> Targets, HashSet<string> Together)> Plans =
        Gen.Int[0, 999].Array[0, 60].Select(Gen.Int[1, 3], (accounts, regions) => accounts.Distinct()
                .SelectMany(a => Regions.Take(regions).Select(r => new ManifestTarget($"a{a}/{r}", $"{a:D12}", r, SnapshotLayout.ScopeFolder($"{a:D12}", r))))
                .ToList())
            .SelectMany(targets => Gen.Shuffle(targets.ToArray()).Select(Gen.Bool.Array[targets.Count], (shuffled, keep) =>
                (shuffled.ToList(), targets.Where((_, i) => keep[i] && i % 7 == 0).Select(t => t.Folder).ToHashSet(StringComparer.Ordinal))));

    [Test]
    public void Every_target_is_in_exactly_one_share_whatever_the_order_it_is_listed_in() =>
        Plans.Select(Gen.Int[1, 12]).Sample((plan, count) =>
        {
            var shares = ShardPlan.Deal(plan.Targets, plan.Together, count);
            var dealt = shares.SelectMany(s => s).Select(t => t.Folder).ToList();
            var reordered = ShardPlan.Deal(plan.Targets.AsEnumerable().Reverse().ToList(), plan.Together, count);
            return shares.Count == count
                   && dealt.Order(StringComparer.Ordinal).SequenceEqual(plan.Targets.Select(t => t.Folder).Order(StringComparer.Ordinal))
                   && dealt.Distinct().Count() == dealt.Count
                   && shares.Zip(reordered).All(p => p.First.Select(t => t.Folder).SequenceEqual(p.Second.Select(t => t.Folder)));
        });

    [Test]
    public void Shares_differ_by_at_most_one_target_and_an_account_s_regions_are_spread() =>
        Plans.Select(Gen.Int[2, 12]).Sample((plan, count) =>
        {
            var shares = ShardPlan.Deal(plan.Targets, new HashSet<string>(), count).ToList();
            var sizes = shares.Select(s => s.Count).ToList();
            var spread = plan.Targets.GroupBy(t => t.Account).Where(g => g.Count() <= count)
                .All(g => g.Select(t => shares.FindIndex(s => s.Contains(t))).Distinct().Count() == g.Count());
            return sizes.Max() - sizes.Min() <= 1 && spread;
        });

    [Test]
    public void Targets_kept_together_land_in_one_share() =>
        Plans.Select(Gen.Int[1, 12]).Sample((plan, count) =>
            ShardPlan.Deal(plan.Targets, plan.Together, count).Count(s => s.Any(t => plan.Together.Contains(t.Folder))) <= 1);

    [TestCase("0/4")]
    [TestCase("5/4")]
    [TestCase("2")]
    [TestCase("-1/4")]
    [TestCase("1/300")]
    [TestCase("a/b")]
    public void A_shard_that_is_not_K_of_N_is_refused_naming_the_option(string text)
    {
        var error = Assert.Throws<InputException>(() => ShardSpec.Parse(text, "command line"));

        Assert.That(error!.Message, Does.Contain("--shard").And.Contain("K/N with 1 ≤ K ≤ N ≤ 256").And.Contain($"\"{text}\""));
    }

    [Test]
    public void K_of_N_reads_back_as_it_is_written() =>
        Gen.Int[1, ShardSpec.MaxCount].SelectMany(n => Gen.Int[1, n].Select(k => new ShardSpec(k, n)))
            .Sample(shard => ShardSpec.Parse(shard.ToString(), "test") == shard);
}
