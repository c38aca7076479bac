using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Calls;
using System.Text.RegularExpressions;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Pipeline;
using NUnit.Framework;

namespace IsolationChecks.Tests.Aws;

/// <summary>Every page is fetched and merged, with the page size sent as MaxResults/MaxItems.</summary>
[TestFixture]
public sealed partial class PaginationTests
{
    private const int Groups = 30;
    private const int PageSize = 5;

    [Test]
    public async Task ThirtySecurityGroupsInPagesOfFiveAreAllCollected()
    {
        await using var server = await RecordingAwsServer.StartAsync(SecurityGroupPage);
        using var ec2 = new Ec2ServiceClient(TestClients.Ec2(server.Endpoint), PageSize);

        var result = await ec2.CallAsync(AwsCalls.DescribeSecurityGroups, CallArgs.None, CancellationToken.None);

        var ids = result.Output["SecurityGroups"]!.AsArray().Select(g => (string?)g!["GroupId"]).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ids, Is.EqualTo(Enumerable.Range(0, Groups).Select(i => $"sg-{i:00}")));
            Assert.That(result.Pages, Is.EqualTo(Groups / PageSize));
            Assert.That(result.Attempts, Is.EqualTo(Groups / PageSize));
            Assert.That(server.Requests.Select(r => r.Body), Is.All.Contain($"MaxResults={PageSize}"));
            Assert.That(result.Output.ContainsKey("NextToken"), Is.False);
        }
    }

    [Test]
    public async Task IamAuthorizationDetailsFollowTheMarkerAcrossPages()
    {
        await using var server = await RecordingAwsServer.StartAsync(request =>
            AwsAnswers.Xml(request.Body.Contains("Marker=m2", StringComparison.Ordinal)
                ? "<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult><IsTruncated>false</IsTruncated><UserDetailList><member><UserName>second</UserName></member></UserDetailList><GroupDetailList/><RoleDetailList/><Policies/></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>"
                : "<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult><IsTruncated>true</IsTruncated><Marker>m2</Marker><UserDetailList><member><UserName>first</UserName></member></UserDetailList><GroupDetailList/><RoleDetailList/><Policies/></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>"));
        using var iam = new QueryServiceClient(TestClients.Thin(AwsServices.Iam, server.Endpoint), AwsServices.Iam, PageSize);

        var result = await iam.CallAsync(AwsCalls.GetAccountAuthorizationDetails, CallArgs.None, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Output["UserDetailList"]!.AsArray().Select(u => (string?)u!["UserName"]), Is.EqualTo(new[] { "first", "second" }));
            Assert.That(result.Output.Select(p => p.Key), Is.EqualTo(new[] { "UserDetailList", "GroupDetailList", "RoleDetailList", "Policies" }));
            Assert.That(result.Pages, Is.EqualTo(2));
            Assert.That(server.Requests.Select(r => r.Body), Is.All.Contain($"MaxItems={PageSize}"));
        }
    }

    [TestCase("<additionalRoutesAvailable>true</additionalRoutesAvailable>", true)]
    [TestCase("<additionalRoutesAvailable>false</additionalRoutesAvailable>", false)]
    [TestCase("", null)]
    public async Task A_route_search_that_does_not_say_whether_it_was_cut_short_is_never_recorded_as_complete(string element, bool? expected)
    {
        await using var server = await RecordingAwsServer.StartAsync(_ => AwsAnswers.Xml(
            $"<SearchTransitGatewayRoutesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId><routeSet/>{element}</SearchTransitGatewayRoutesResponse>"));
        using var ec2 = new Ec2ServiceClient(TestClients.Ec2(server.Endpoint), PageSize);

        var result = await ec2.CallAsync(AwsCalls.SearchTransitGatewayRoutes, new CallArgs("tgw-rtb-1"), CancellationToken.None);
        var read = () => System.Text.Json.JsonSerializer.Deserialize<IsolationChecks.Aws.Shapes.SearchTransitGatewayRoutesOutput>(result.Output,
            IsolationChecks.Snapshots.Json.SnapshotJson.PascalCase);

        if (expected is { } more)
            Assert.That(read()!.AdditionalRoutesAvailable, Is.EqualTo(more));
        else
        {
            Assert.That(result.Output.ContainsKey("AdditionalRoutesAvailable"), Is.False, result.Output.ToJsonString());
            Assert.That(read, Throws.InstanceOf<System.Text.Json.JsonException>(), "the reader's shape makes the absence a data gap");
        }
    }

    private static CannedResponse SecurityGroupPage(RecordedRequest request)
    {
        var token = NextToken().Match(request.Body) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var items = Enumerable.Range(token, PageSize)
            .Select(i => $"<item><groupId>sg-{i:00}</groupId><groupName>g{i}</groupName><ipPermissions/><ipPermissionsEgress/></item>");
        var next = token + PageSize < Groups ? $"<nextToken>{token + PageSize}</nextToken>" : "";
        return AwsAnswers.Xml($"<DescribeSecurityGroupsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId><securityGroupInfo>{string.Concat(items)}</securityGroupInfo>{next}</DescribeSecurityGroupsResponse>");
    }

    [GeneratedRegex("NextToken=(\\d+)")]
    private static partial Regex NextToken();
}
