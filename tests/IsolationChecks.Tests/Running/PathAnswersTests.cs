using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.CodeBuild.CB3_NoPathToInternet;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Running;

/// <summary>
/// A path question is answered once per run: CB-3's projects that share a subnet and security groups ask the same question,
/// and each of their findings still names its own project and cites what the shared answer consulted.
/// </summary>
public class PathAnswersTests
{
    private const string Projects = ReferenceVariant.Prd + "codebuild/batch-get-projects.json";

    [Test]
    public void Projects_sharing_subnets_and_groups_ask_each_subnet_question_once_and_keep_their_own_findings()
    {
        // The reference's app-build and image-build share both subnets and their security group; a third project shares them too.
        var context = ReferenceVariant.Load()
            .Edit(Projects, document => document["projects"]!.AsArray().Add(CopyOf(document["projects"]![0]!, "lint-build")))
            .Edit(ReferenceVariant.Prd + "codebuild/list-projects.json", document => document["projects"]!.AsArray().Add("lint-build"))
            .Edit("posture.json", posture => posture["build"]!["projects"]!.AsArray().Add("lint-build"))
            .Context();

        var findings = Evaluate.With<NoPathToInternet>(context);

        Assert.That(findings.Select(f => f.Resource.Name), Is.EquivalentTo(new[] { "app-build", "image-build", "lint-build" }));
        Assert.That(findings.Select(f => f.Status), Is.All.EqualTo(Status.Pass), string.Join("\n", findings.Select(f => f.Message)));
        Assert.That(context.PathAnswers.Answered, Is.EqualTo(2), "three projects over the same two subnets with the same group: two questions");
        foreach (var finding in findings)
        {
            Assert.That(finding.Message, Does.Contain($"from {finding.Resource.Name}'s 2 subnet(s)"));
            Assert.That(finding.Evidence[0].Subject, Is.EqualTo(finding.Resource.Name));
            // What the answer says is the same for each: the paths and blocks it cites, after the project's own line.
            Assert.That(finding.Evidence.Skip(1), Is.EqualTo(findings[0].Evidence.Skip(1)));
        }
    }

    [Test]
    public void A_repeated_question_is_the_first_answer_and_records_what_that_answer_consulted()
    {
        var context = ReferenceVariant.Load().Context();
        var log = context.Snapshot.Log!;
        var query = PathQuery.ToInternet(new PathSource.SubnetWithGroups("subnet-0ba1c848456a7183e", ["sg-019f88fefafe6f55d"]));

        var first = log.Recording(() => context.PathAnswers.Ask(query), out var firstRead);
        var again = log.Recording(() => context.PathAnswers.Ask(query with { }), out var againRead);
        var fresh = new PathEngine(context.Network).Ask(query);

        Assert.That(again, Is.SameAs(first));
        Assert.That(context.PathAnswers.Answered, Is.EqualTo(1));
        Assert.That(firstRead, Is.Not.Empty, "the question consults the inventories it crosses");
        Assert.That(againRead, Is.EqualTo(firstRead), "the repeat cites the same evidence");
        Assert.That(again.Verdict, Is.EqualTo(fresh.Verdict));
        Assert.That(again.Blocks.Select(b => $"{b.Component}: {b.Reason} ({b.Flows})"), Is.EqualTo(fresh.Blocks.Select(b => $"{b.Component}: {b.Reason} ({b.Flows})")));
        Assert.That(again.Paths.Select(p => p.Describe()), Is.EqualTo(fresh.Paths.Select(p => p.Describe())));
    }

    [Test]
    public void The_same_groups_in_another_order_are_another_question_because_the_answer_quotes_them_in_order()
    {
        var context = ReferenceVariant.Load().Context();
        var subnet = "subnet-0ba1c848456a7183e";

        var ab = context.PathAnswers.Ask(PathQuery.ToInternet(new PathSource.SubnetWithGroups(subnet, ["sg-019f88fefafe6f55d", "sg-0aaaaaaaaaaaaaaaa"])));
        var ba = context.PathAnswers.Ask(PathQuery.ToInternet(new PathSource.SubnetWithGroups(subnet, ["sg-0aaaaaaaaaaaaaaaa", "sg-019f88fefafe6f55d"])));

        Assert.That(context.PathAnswers.Answered, Is.EqualTo(2));
        Assert.That(ab.Question, Is.Not.EqualTo(ba.Question));
    }

    private static System.Text.Json.Nodes.JsonNode CopyOf(System.Text.Json.Nodes.JsonNode project, string name)
    {
        var copy = project.DeepClone();
        copy["name"] = name;
        copy["arn"] = project["arn"]!.GetValue<string>().Replace(project["name"]!.GetValue<string>(), name, StringComparison.Ordinal);
        return copy;
    }
}
