using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Network;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Running;

/// <summary>One network model per run: every control that asks the path engine (CB-3 per project, EP-4 per VPC and service,
/// GL-2 per host, CONN-1 per connection host) shares the model the run built once.</summary>
public class NetworkModelSharingTests
{
    [Test]
    public async Task A_run_of_the_whole_catalog_builds_the_network_model_once()
    {
        var builds = 0;
        var context = ReferenceVariant.Load().Context() with
        {
            NetworkBuilder = snapshot =>
            {
                Interlocked.Increment(ref builds);
                return NetworkModel.Build(snapshot);
            },
        };

        var findings = await new ControlEvaluator(ControlCatalog.Discover().Controls).EvaluateAsync(context, CancellationToken.None);

        var askers = findings.Where(f => f.Control.Id is "CB-3" or "EP-4" or "GL-2" or "CONN-1").ToList();
        Assert.That(askers.Select(f => f.Control.Id).Distinct(), Is.EquivalentTo(new[] { "CB-3", "EP-4", "GL-2", "CONN-1" }));
        Assert.That(askers, Has.Count.GreaterThan(4), "several resources per control: each would have built its own model before");
        Assert.That(askers.Select(f => f.Status), Is.All.EqualTo(Status.Pass), string.Join("\n", askers.Select(f => f.Message)));
        Assert.That(builds, Is.EqualTo(1));
    }

    [Test]
    public void A_context_for_another_snapshot_builds_its_own_model()
    {
        var builds = 0;
        var context = ReferenceVariant.Load().Context() with
        {
            NetworkBuilder = snapshot =>
            {
                Interlocked.Increment(ref builds);
                return NetworkModel.Build(snapshot);
            },
        };
        var first = context.Network;
        var again = context.Network;
        var other = (context with { Snapshot = ReferenceVariant.Load().Context().Snapshot }).Network;

        Assert.That(again, Is.SameAs(first));
        Assert.That(other, Is.Not.SameAs(first));
        Assert.That(builds, Is.EqualTo(2));
    }
}
