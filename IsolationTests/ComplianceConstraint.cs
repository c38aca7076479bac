using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using NUnit.Framework.Constraints;

namespace IsolationTests;

/// <summary>
/// <c>Assert.That(finding, Is.Compliant)</c>: satisfied by <c>pass</c> and <c>waived</c>. Everything else fails,
/// inconclusive included: NUnit's own Inconclusive is reported as skipped and exits 0, which would let
/// missing evidence through the gate (contracts.md). The failure message is the whole finding: control,
/// severity, resource, verdict, evidence and remediation; an inconclusive one starts "INCONCLUSIVE:".
/// </summary>
public sealed class ComplianceConstraint : Constraint
{
    public override string Description => "a compliant resource (status pass, or waived)";

    public override ConstraintResult ApplyTo<TActual>(TActual actual) => actual is Finding finding
        ? new ComplianceResult(this, finding)
        : new ConstraintResult(this, actual, isSuccess: false);

    public static bool IsCompliant(Status status) => status is Status.Pass or Status.Waived;

    private sealed class ComplianceResult(IConstraint constraint, Finding finding)
        : ConstraintResult(constraint, finding, IsCompliant(finding.Status))
    {
        public override void WriteMessageTo(MessageWriter writer) => writer.Write(FindingText.Describe(finding));
    }
}

/// <summary>NUnit's <see cref="NUnit.Framework.Is"/>, plus <see cref="Compliant"/>.</summary>
public abstract class Is : NUnit.Framework.Is
{
    public static ComplianceConstraint Compliant => new();
}
