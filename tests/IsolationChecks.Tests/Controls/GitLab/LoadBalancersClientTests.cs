using IsolationChecks.Aws.Calls;
using System.Text.Json.Nodes;
using IsolationChecks.Aws;
using IsolationChecks.Tests.Aws;

namespace IsolationChecks.Tests.Controls.GitLab;

/// <summary>The ELBv2 DescribeLoadBalancers client against a local server answering in the documented Query/XML shape.</summary>
public class LoadBalancersClientTests
{
    private const string Namespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

    private static string Page(string arn, string? nextMarker) => $"""
        <DescribeLoadBalancersResponse xmlns="{Namespace}">
          <DescribeLoadBalancersResult>
            <LoadBalancers>
              <member>
                <LoadBalancerArn>{arn}</LoadBalancerArn>
                <Scheme>internet-facing</Scheme>
                <LoadBalancerName>{arn.Split('/')[^2]}</LoadBalancerName>
                <VpcId>vpc-09e8a6b349374e463</VpcId>
                <CreatedTime>2024-05-13T02:05:11.120Z</CreatedTime>
                <AvailabilityZones>
                  <member><SubnetId>subnet-0dfdcfb14cacf067d</SubnetId><ZoneName>ap-northeast-1a</ZoneName></member>
                </AvailabilityZones>
                <SecurityGroups><member>sg-0e1d2c3b4a5968778</member></SecurityGroups>
                <DNSName>gitlab-alb-1234567890.ap-northeast-1.elb.amazonaws.com</DNSName>
                <State><Code>active</Code></State>
                <Type>application</Type>
              </member>
            </LoadBalancers>
            {(nextMarker is null ? "" : $"<NextMarker>{nextMarker}</NextMarker>")}
          </DescribeLoadBalancersResult>
          <ResponseMetadata><RequestId>6c0a8a5e-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
        </DescribeLoadBalancersResponse>
        """;

    [Test]
    public async Task Reads_every_page_into_the_shape_the_cli_prints()
    {
        var pages = new Queue<string>([
            Page("arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/gitlab-alb/50dc6c495c0c9188", "page-2"),
            Page("arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/net/gitlab-ssh/7a1b2c3d4e5f6071", null),
        ]);
        await using var server = await RecordingAwsServer.StartAsync(_ => new CannedResponse(200, pages.Dequeue(), "text/xml"));
        using var api = TestClients.For(AwsServices.Elbv2, server.Endpoint, pageSize: 1000);

        var result = await api.CallAsync(AwsCalls.DescribeLoadBalancers, CallArgs.None, CancellationToken.None);

        var balancers = result.Output["LoadBalancers"]!.AsArray();
        var requests = server.Requests;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Pages, Is.EqualTo(2));
            Assert.That(requests.Select(r => r.Operation), Is.All.EqualTo("DescribeLoadBalancers"));
            Assert.That(requests.Select(r => r.SigningService), Is.All.EqualTo("elasticloadbalancing"));
            Assert.That(requests[0].Body, Does.Contain("Version=2015-12-01").And.Contain("PageSize=400").And.Not.Contain("Marker"));
            Assert.That(requests[1].Body, Does.Contain("Marker=page-2"));
            Assert.That(balancers.Select(b => (string?)b!["LoadBalancerName"]), Is.EqualTo(new[] { "gitlab-alb", "gitlab-ssh" }));
            Assert.That(balancers[0]!["SecurityGroups"]!.AsArray().Select(g => (string?)g), Is.EqualTo(new[] { "sg-0e1d2c3b4a5968778" }));
            Assert.That((string?)balancers[0]!["AvailabilityZones"]![0]!["SubnetId"], Is.EqualTo("subnet-0dfdcfb14cacf067d"));
            Assert.That((string?)balancers[0]!["State"]!["Code"], Is.EqualTo("active"));
            Assert.That((string?)balancers[0]!["CreatedTime"], Does.StartWith("2024-05-13T02:05:11.12"));
            Assert.That(result.Output.ContainsKey("NextMarker"), Is.False);
        }
    }

    [Test]
    public void The_read_only_guard_allows_DescribeLoadBalancers()
    {
        Assert.That(ReadOnlyAllowlist.AllowsAudit("elasticloadbalancing:DescribeLoadBalancers"), Is.True);
    }
}
