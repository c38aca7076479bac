using IsolationChecks.Aws;
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
    /// <summary>Answers like IAM would for the compliant one-way flow, unless told to lie or to miss a context key.</summary>
    private sealed class ScriptedSimulator(Func<SimulationQuery, string, SimulatedDecision>? answer = null) : IPolicySimulator
    {
        public List<SimulationQuery> Queries { get; } = [];

        public Task<IReadOnlyList<SimulatedDecision>> SimulateAsync(SimulationQuery query, CancellationToken cancellationToken)
        {
            Queries.Add(query);
            return Task.FromResult<IReadOnlyList<SimulatedDecision>>(query.Actions.Select(a => (answer ?? Truthful)(query, a)).ToList());
        }

        private static SimulatedDecision Truthful(SimulationQuery query, string action)
        {
            var ip = query.SourceIp.ToString();
            var allowed = query.PolicySourceArn.EndsWith("/isolated-pull", StringComparison.Ordinal)
                ? action == CodeCommitActions.GitPull && CidrSet.Parse(OneWayFlowBuilder.Isolated).Contains(Cidr.Parse(ip))
                : action == CodeCommitActions.GitPush && ip == OneWayFlowBuilder.NatIp;
            return new SimulatedDecision(action, allowed ? "allowed" : "implicitDeny", []);
        }
    }

    private sealed class FailingSimulator : IPolicySimulator
    {
        public Task<IReadOnlyList<SimulatedDecision>> SimulateAsync(SimulationQuery query, CancellationToken cancellationToken) =>
            throw new AwsCallException("iam", "SimulatePrincipalPolicy", "AccessDenied", "not authorized to perform iam:SimulatePrincipalPolicy", 403, 1);
    }

    private static Finding Live<TControl>(IPolicySimulator simulator) where TControl : IControl, new()
    {
        var context = new OneWayFlowBuilder().Context() with { PolicySimulators = account => account == OneWayFlowBuilder.Prd ? simulator : null };
        return Evaluate.With<TControl>(context).Single();
    }

    [Test]
    public void Agreement_keeps_the_verdict_and_adds_the_simulator_answers_to_the_evidence()
    {
        var simulator = new ScriptedSimulator();

        var pull = Live<PullOnlyFromIsolatedCidrs>(simulator);
        var push = Live<PushOnlyFromNatGateways>(simulator);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pull.Status, Is.EqualTo(Status.Pass));
            Assert.That(push.Status, Is.EqualTo(Status.Pass));
            Assert.That(pull.Evidence.Select(e => e.Fact), Has.Some.EqualTo("codecommit:GitPull from 192.0.2.0: evaluator allowed, SimulatePrincipalPolicy allowed"));
            Assert.That(pull.Evidence.Select(e => e.Fact), Has.Some.EqualTo("codecommit:GitPull from 0.0.0.1: evaluator denied, SimulatePrincipalPolicy implicitDeny"));
            Assert.That(push.Evidence.Select(e => e.Fact), Has.Some.Contains("service control policies"));
            Assert.That(simulator.Queries.Select(q => (q.PolicySourceArn, q.ResourceArn, q.SourceIp.ToString())), Is.EqualTo(new[]
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
        var simulator = new ScriptedSimulator();

        var finding = Live<PullPrincipalCannotWrite>(simulator);

        Assert.That(finding.Status, Is.EqualTo(Status.Pass));
        Assert.That(simulator.Queries, Has.Count.EqualTo(2));
        Assert.That(simulator.Queries[0].Actions, Is.EqualTo(CodeCommitActions.WriteActions));
    }

    [Test]
    public void A_disagreement_is_an_error_showing_both_answers()
    {
        var lying = new ScriptedSimulator((query, action) => new SimulatedDecision(action, "allowed", []));

        var finding = Live<PullOnlyFromIsolatedCidrs>(lying);

        Assert.That(finding.Status, Is.EqualTo(Status.Error));
        Assert.That(finding.Message, Does.StartWith("the policy evaluator and IAM's policy simulator disagree: " +
                                                    "codecommit:GitPull from 0.0.0.1: evaluator denied, SimulatePrincipalPolicy allowed"));
        Assert.That(finding.Message, Does.Contain("(evaluation: pass:"));
    }

    [Test]
    public void Missing_context_values_make_the_result_inconclusive()
    {
        var missing = new ScriptedSimulator((query, action) => new SimulatedDecision(action, "allowed", ["aws:SourceIp"]));

        var finding = Live<PushOnlyFromNatGateways>(missing);

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.StartWith("SimulatePrincipalPolicy reported missing context values [aws:SourceIp]"));
    }

    [Test]
    public void A_simulator_that_cannot_be_called_leaves_the_result_inconclusive_naming_the_call()
    {
        var finding = Live<PullOnlyFromIsolatedCidrs>(new FailingSimulator());

        Assert.That(finding.Status, Is.EqualTo(Status.Inconclusive));
        Assert.That(finding.Message, Does.Contain("iam:SimulatePrincipalPolicy failed with AccessDenied").And.Contain("pass:"));
    }

    [Test]
    public void Offline_there_is_no_cross_check() =>
        Assert.That(Evaluate.With<PullOnlyFromIsolatedCidrs>(new OneWayFlowBuilder().Context()).Single().Evidence.Select(e => e.Subject),
            Has.None.EqualTo("iam:SimulatePrincipalPolicy"));
}
