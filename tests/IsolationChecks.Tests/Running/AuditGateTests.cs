using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Running;

public class AuditGateTests
{
    [TestCase(Severity.Critical, Status.Fail, false)]
    [TestCase(Severity.High, Status.Fail, false)]
    [TestCase(Severity.High, Status.Inconclusive, false)]
    [TestCase(Severity.Critical, Status.Error, false)]
    [TestCase(Severity.Critical, Status.Waived, true)]
    [TestCase(Severity.Critical, Status.Pass, true)]
    [TestCase(Severity.Medium, Status.Fail, true)]
    [TestCase(Severity.Low, Status.Inconclusive, true)]
    public void The_gate_fails_on_critical_or_high_findings_without_a_verdict_of_pass_or_waiver(Severity severity, Status status, bool passes)
    {
        var finding = Finding(Control("X-1", severity), "r", status);

        var gate = AuditGate.Judge([Finding(Control("X-2", Severity.Critical), "ok", Status.Pass), finding]);

        Assert.That(gate.Passed, Is.EqualTo(passes));
        Assert.That(gate.Blocking, passes ? Is.Empty : Is.EqualTo(new[] { finding }));
    }

    [Test]
    public void Counts_are_kept_per_status_and_per_severity_with_every_key_present()
    {
        var run = Run([
            Finding(Control("CB-1"), "a", Status.Pass),
            Finding(Control("CB-1"), "b", Status.Fail),
            Finding(Control("CB-4", Severity.Medium), "a", Status.Fail),
            Finding(Control("CB-5", Severity.High), "a", Status.Waived),
        ]);

        var counts = run.Counts;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(counts.Total, Is.EqualTo(4));
            Assert.That(counts[Status.Fail], Is.EqualTo(2));
            Assert.That(counts[Status.Error], Is.Zero);
            Assert.That(counts.ByStatus.Keys, Is.EquivalentTo(Enum.GetValues<Status>()));
            Assert.That(counts.BySeverity[Severity.Critical][Status.Pass], Is.EqualTo(1));
            Assert.That(counts.BySeverity[Severity.Critical][Status.Fail], Is.EqualTo(1));
            Assert.That(counts.BySeverity[Severity.Medium][Status.Fail], Is.EqualTo(1));
            Assert.That(counts.BySeverity[Severity.High][Status.Waived], Is.EqualTo(1));
            Assert.That(counts.BySeverity[Severity.Low].Values.Sum(), Is.Zero);
        }
    }
}
