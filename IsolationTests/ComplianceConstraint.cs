using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using NUnit.Framework.Constraints;
using NUnit.Framework.Internal;

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

/// <summary>The suite's assertion on one finding, with the finding as the whole failure message.</summary>
public static class Complies
{
    /// <summary>
    /// Asserts <see cref="Is.Compliant"/>. Failures go through <see cref="Assert.Fail(string)"/> rather than
    /// <c>Assert.That</c>, which would put its own "Assert.That(...)" line before the message, so an
    /// inconclusive message really starts with "INCONCLUSIVE:". Compliant verdicts (passes, waivers) write the
    /// finding, evidence included, to the test output, where TRX and JUnit reports keep it.
    /// </summary>
    public static void With(Finding finding)
    {
        var result = Is.Compliant.ApplyTo(finding);
        if (result.IsSuccess)
        {
            TestContext.Out.Write(FindingText.Describe(finding));
            return;
        }

        var message = new TextMessageWriter();
        result.WriteMessageTo(message);
        Assert.Fail(message.ToString());
    }
}

/// <summary>NUnit's <see cref="NUnit.Framework.Is"/>, plus <see cref="Compliant"/>.</summary>
public abstract class Is : NUnit.Framework.Is
{
    public static ComplianceConstraint Compliant => new();
}
