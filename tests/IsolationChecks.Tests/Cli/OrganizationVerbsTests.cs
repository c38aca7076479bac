using IsolationChecks.Running;

namespace IsolationChecks.Tests.Cli;

/// <summary>
/// The organisation-scale verbs are reachable under `snapshot` as users type them: the help lists plan and merge and says
/// how collect takes a plan and a shard; each verb answers --help with its usage, and a usage mistake in each is one
/// message naming the mistake, the verb's usage, and exit code 2, never a stack trace.
/// </summary>
public sealed class OrganizationVerbsTests
{
    private string _work = null!;

    [SetUp]
    public void CreateWorkFolder() => _work = Directory.CreateTempSubdirectory("org-verbs-").FullName;

    [TearDown]
    public void RemoveWorkFolder() => Directory.Delete(_work, recursive: true);

    [Test]
    public async Task Snapshot_help_lists_plan_and_merge_and_collect_says_how_to_take_a_shard_of_a_plan()
    {
        var snapshot = await ToolRun.RunAsync("snapshot", "--help");
        var collect = await ToolRun.RunAsync("snapshot", "collect", "--help");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(snapshot.Code, Is.EqualTo(ExitCodes.GatePassed), snapshot.ToString());
            foreach (var verb in new[] { "collect", "plan", "merge" })
                Assert.That(snapshot.Output, Does.Contain($"  {verb} "), snapshot.ToString());
            Assert.That(collect.Code, Is.EqualTo(ExitCodes.GatePassed), collect.ToString());
            Assert.That(collect.Output, Does.Contain("--plan").And.Contain("--shard K/N").And.Contain("snapshot merge"), collect.ToString());
        }
    }

    [TestCase("plan", "snapshot plan <posture.json>")]
    [TestCase("collect", "snapshot collect --plan <plan folder> [--shard K/N]")]
    [TestCase("merge", "snapshot merge --plan <plan folder>")]
    public async Task Each_verb_answers_help_with_its_usage(string verb, string usage)
    {
        var run = await ToolRun.RunAsync("snapshot", verb, "--help");

        Assert.That(run.Code, Is.EqualTo(ExitCodes.GatePassed), run.ToString());
        Assert.That(run.Output, Does.Contain(usage), run.ToString());
    }

    public static IEnumerable<TestCaseData> Mistakes() =>
    [
        new TestCaseData((object)new[] { "snapshot", "plan", "--out", "plan" }, "snapshot plan takes one posture file").SetName("plan without its posture"),
        new TestCaseData((object)new[] { "snapshot", "plan", "posture.json", "--out", "plan", "--out", "again" }, "--out is given twice").SetName("plan with an option twice"),
        new TestCaseData((object)new[] { "snapshot", "collect", "--shard", "2/4", "--out", "part" }, "--plan PLAN_FOLDER is required").SetName("collect of a shard without its plan"),
        new TestCaseData((object)new[] { "snapshot", "collect", "--plan", ".", "--shard", "5/4", "--out", "part" }, "--shard").SetName("collect of a shard beyond the count"),
        new TestCaseData((object)new[] { "snapshot", "collect", "--plan", ".", "--out", "part", "--max-concurrency", "0" }, "--max-concurrency takes a whole number from 1").SetName("collect with no concurrency"),
        new TestCaseData((object)new[] { "snapshot", "merge", "--plan", ".", "--trusted-keys", "k.pem", "--out", "merged" }, "snapshot merge takes the part folders to merge").SetName("merge without parts"),
        new TestCaseData((object)new[] { "snapshot", "merge", "--plan", ".", "--out", "merged", "part1", "--nope", "x" }, "unknown option '--nope'").SetName("merge with an unknown option"),
    ];

    [TestCaseSource(nameof(Mistakes))]
    public async Task A_usage_mistake_in_a_verb_is_one_message_and_exit_2(string[] args, string message)
    {
        var run = await ToolRun.RunAsync(args, null, _work);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Code, Is.EqualTo(ExitCodes.ConfigurationError), run.ToString());
            Assert.That(lines[0], Does.Contain(message), run.ToString());
            Assert.That(lines.Skip(1), Has.All.StartWith("usage: isolationchecks snapshot " + args[1]), "the message, then at most the verb's usage");
            Assert.That(run.Error, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(run.Output, Is.Empty);
        }
    }
}
