using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Iam.IAM1_PullPrincipalCannotWrite;
using IsolationChecks.Controls.Iam.IAM2_PullOnlyFromIsolatedCidrs;
using IsolationChecks.Controls.Iam.IAM3_PushOnlyFromNatGateways;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Evaluation.Policies;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.Iam;

/// <summary>The live cross-check with IAM's simulator, with a simulator whose answers the test decides.</summary>
public class IamCrossCheckTests
{
    /// <summary>Answers like IAM would for the compliant one-way flow.</summary>
    private static SimulatedDecision Truthful(SimulationQuery query, string action)
    {
        var ip = query.SourceIp.ToString();
        var allowed = query.PolicySourceArn.EndsWith("/isolated-pull", StringComparison.Ordinal)
            ? action == CodeCommitActions.GitPull && CidrSet.Parse(OneWayFlowBuilder.Isolated).Contains(Cidr.Parse(ip))
            : action == CodeCommitActions.GitPush && ip == OneWayFlowBuilder.NatIp;
        return new SimulatedDecision(action, allowed ? "allowed" : "implicitDeny", []);
    }

    private static Finding Live<TControl>(
        Func<SimulationQuery, string, SimulatedDecision> answer, string? failWith = null, Func<SimulationQuery, bool>? unanswered = null) where TControl : IControl, new() =>
        Evaluate.With<TControl>(SimulatedAnswers.Attach(new OneWayFlowBuilder().Context(), answer, failWith, unanswered)).Single();

    [Test]
    public void Agreement_keeps_the_verdict_and_adds_the_simulator_answers_to_the_evidence()
    {
        var pull = Live<PullOnlyFromIsolatedCidrs>(Truthful);
        var push = Live<PushOnlyFromNatGateways>(Truthful);
        var questions = SimulatedAnswers.Questions(new OneWayFlowBuilder().Context()).Where(q => q.Actions.Count == 1);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pull.Status, Is.EqualTo(Status.Pass));
            Assert.That(push.Status, Is.EqualTo(Status.Pass));
            Assert.That(pull.Evidence.Select(e => e.Fact), Has.Some.EqualTo("codecommit:GitPull from 192.0.2.0: evaluator allowed, SimulatePrincipalPolicy allowed"));
            Assert.That(pull.Evidence.Select(e => e.Fact), Has.Some.EqualTo("codecommit:GitPull from 0.0.0.1: evaluator denied, SimulatePrincipalPolicy implicitDeny"));
            Assert.That(push.Evidence.Select(e => e.Fact), Has.Some.Contains("service control policies"));
            Assert.That(questions.Select(q => (q.PolicySourceArn, q.ResourceArn, q.SourceIp.ToString())), Is.EqualTo(new[]
            {
                ("arn:aws:iam::222222222222:user/isolated-pull", OneWayFlowBuilder.RepoArn, "192.0.2.0"),
                ("arn:aws:iam::222222222222:user/isolated-pull", OneWayFlowBuilder.RepoArn, "0.0.0.1"),
                ("arn:aws:iam::222222222222:user/gitlab-mirror-push", OneWayFlowBuilder.RepoArn, "198.51.100.20"),
                ("arn:aws:iam::222222222222:user/gitlab-mirror-push", OneWayFlowBuilder.RepoArn, "0.0.0.1"),
            }));
        }
    }

    [Test]
    public void IAM1_asks_the_simulator_every_write_action_in_one_call_per_address()
    {
        var finding = Live<PullPrincipalCannotWrite>(Truthful);
        var asked = new PullPrincipalCannotWrite().Questions(new OneWayFlowBuilder().Context()).Select(q => q.Query).ToList();

        Assert.That(finding.Status, Is.EqualTo(Status.Pass));
        Assert.That(asked, Has.Count.EqualTo(2));
        Assert.That(asked[0].Actions, Is.EqualTo(CodeCommitActions.WriteActions));
    }

    [Test]
    public void A_disagreement_is_an_error_showing_both_answers()
    {
        var finding = Live<PullOnlyFromIsolatedCidrs>((_, action) => new SimulatedDecision(action, "allowed", []));

        Assert.That(finding.Status, Is.EqualTo(Status.Error));
        Assert.That(finding.Message, Does.StartWith("the policy evaluator and IAM's policy simulator disagree: " +
                                                    "codecommit:GitPull from 0.0.0.1: evaluator denied, SimulatePrincipalPolicy allowed"));
        Assert.That(finding.Message, Does.Contain("(evaluation: pass:"));
    }

    [Test]
    public void Missing_context_values_make_the_result_inconclusive()
    {
        var finding = Live<PushOnlyFromNatGateways>((_, action) => new SimulatedDecision(action, "allowed", ["aws:SourceIp"]));

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.StartWith("SimulatePrincipalPolicy reported missing context values [aws:SourceIp]"));
    }

    [Test]
    public void A_simulator_that_cannot_be_called_leaves_the_result_inconclusive_naming_the_call()
    {
        var finding = Live<PullOnlyFromIsolatedCidrs>(Truthful, failWith: "AccessDenied");

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("iam:SimulatePrincipalPolicy failed with AccessDenied").And.Contain("pass:"));
    }

    [Test]
    public void A_snapshot_without_simulator_answers_is_judged_on_the_policies_and_says_so()
    {
        var finding = Evaluate.With<PullOnlyFromIsolatedCidrs>(new OneWayFlowBuilder().Context()).Single();

        Assert.That(finding.Status, Is.EqualTo(Status.Pass));
        Assert.That(finding.Evidence.Where(e => e.Subject == "iam:SimulatePrincipalPolicy").Select(e => e.Fact),
            Is.EqualTo(new[] { "not cross-checked: the snapshot holds no SimulatePrincipalPolicy answers (a live run collects them with the evidence)" }));
    }

    [Test]
    public void A_question_without_its_answer_is_inconclusive_once_the_snapshot_holds_simulations()
    {
        var question = SimulatedAnswers.Questions(new OneWayFlowBuilder().Context())
            .First(q => q.PolicySourceArn.EndsWith("/isolated-pull", StringComparison.Ordinal) && q.Actions.Count == 1);

        var finding = Live<PullOnlyFromIsolatedCidrs>(Truthful, unanswered: q => q.Key == question.Key);

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive), finding.Message);
        Assert.That(finding.Message, Does.Contain($"has no answer for codecommit:GitPull on {OneWayFlowBuilder.RepoArn} from {question.SourceIp}"));
    }
}
