using IsolationChecks.Collection;
using IsolationChecks.TestLogger;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace IsolationChecks.Tests.Running;

/// <summary>What a person watching a run sees: each call as it ends, with the retries and throttling it went through.</summary>
public class ProgressLineTests
{
    private static readonly TimeSpan At = TimeSpan.FromSeconds(2.5);

    [Test]
    public void A_call_that_needed_retries_says_how_many_and_whether_it_was_throttled()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new CollectionProgress("prd", "ec2:DescribeVpcs", "ok", 3, 0, At, Attempts: 1).ToString(),
                Is.EqualTo("[   2.5s] prd: ec2:DescribeVpcs ok (3 calls done, 0 failed)"));
            Assert.That(new CollectionProgress("prd", "ec2:DescribeVpcs", "ok", 3, 0, At, Attempts: 3).ToString(),
                Is.EqualTo("[   2.5s] prd: ec2:DescribeVpcs ok after 3 attempts (2 retries) (3 calls done, 0 failed)"));
            Assert.That(new CollectionProgress("prd", "ec2:DescribeVpcs", "failed", 4, 1, At, Attempts: 4, ErrorCode: "RequestLimitExceeded").ToString(),
                Is.EqualTo("[   2.5s] prd: ec2:DescribeVpcs failed with RequestLimitExceeded after 4 attempts (3 retries, throttled) (4 calls done, 1 failed)"));
            Assert.That(new CollectionProgress("prd", "iam:GetAccountAuthorizationDetails", "failed", 5, 2, At, Attempts: 1, ErrorCode: "AccessDenied").ToString(),
                Does.Contain("failed with AccessDenied (5 calls done"));
        }
    }

    [Test]
    public void The_logger_prints_the_runs_own_lines_as_they_arrive_and_nothing_else()
    {
        using var output = new StringWriter();
        var logger = new ProgressLogger(output);

        logger.Show(new TestRunMessageEventArgs(TestMessageLevel.Informational, "IsolationChecks: [   0.4s] prd: ec2:DescribeVpcs ok"));
        logger.Show(new TestRunMessageEventArgs(TestMessageLevel.Informational, "NUnit Adapter 6.3.1.0: Test execution started"));
        logger.Show(new TestRunMessageEventArgs(TestMessageLevel.Informational, "IsolationChecks: a\r\nother output\nIsolationChecks: b"));

        Assert.That(output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "IsolationChecks: [   0.4s] prd: ec2:DescribeVpcs ok", "IsolationChecks: a", "IsolationChecks: b" }));
    }
}
