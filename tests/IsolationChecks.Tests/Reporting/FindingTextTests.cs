using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Reporting;

/// <summary>The text of a failing suite test: what an engineer reads in the console or TRX.</summary>
public class FindingTextTests
{
    [Test]
    public void An_inconclusive_finding_reads_INCONCLUSIVE_first_so_it_is_never_mistaken_for_a_pass_or_skip()
    {
        var text = FindingText.Describe(Finding(Control("CB-2"), "app-build", Status.Inconclusive, "ec2:DescribeRouteTables failed with AccessDenied"));

        Assert.That(text, Does.StartWith("INCONCLUSIVE: CB-2 CB-2 title [critical]\n"));
    }

    [Test]
    public void A_failure_shows_control_severity_resource_message_evidence_and_remediation()
    {
        var finding = new Finding(Control("CB-2"), Resource("app-build"), Status.Fail, "subnet-1 routes 0.0.0.0/0 to nat-1",
            [new EvidenceFact("rtb-1", "route 0.0.0.0/0 -> nat-1", "RouteTables.json"), new EvidenceFact("subnet-1", "uses rtb-1")],
            "Remove the route.");

        var lines = FindingText.Describe(finding).Split('\n');

        Assert.That(lines, Is.EqualTo(new[]
        {
            "FAIL: CB-2 CB-2 title [critical]",
            "  resource:    app-build (arn:aws:codebuild:ap-northeast-1:111122223333:project/app-build), account 111122223333, region ap-northeast-1",
            "  verdict:     subnet-1 routes 0.0.0.0/0 to nat-1",
            "  evidence:",
            "    - rtb-1: route 0.0.0.0/0 -> nat-1 [RouteTables.json]",
            "    - subnet-1: uses rtb-1",
            "  remediation: Remove the route.",
            "",
        }));
    }

    [TestCase(Status.Pass, "PASS: ")]
    [TestCase(Status.Error, "ERROR: ")]
    [TestCase(Status.Waived, "WAIVED: ")]
    public void Every_status_leads_its_text(Status status, string start) =>
        Assert.That(FindingText.Describe(Finding(Control("CB-1"), "r", status)), Does.StartWith(start));
}
