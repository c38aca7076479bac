using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using NUnit.Framework.Internal;

namespace IsolationTests;

/// <summary>The suite's assertion on one finding, with the finding as the whole failure message.</summary>
public static class Complies
{
    /// <summary>
    /// Asserts <see cref="Is.Compliant"/>. Failures throw <see cref="SuiteFailure"/> rather than going through
    /// <c>Assert.That</c>, which would put its own "Assert.That(...)" line before the message, so an
    /// inconclusive message really starts with "INCONCLUSIVE:" (and no stack trace follows it). Compliant verdicts (passes, waivers) write the
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
        throw new SuiteFailure(message.ToString());
    }
}
