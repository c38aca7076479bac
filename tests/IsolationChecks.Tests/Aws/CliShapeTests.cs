using IsolationChecks.Aws.Calls;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Pipeline;
using NUnit.Framework;

namespace IsolationChecks.Tests.Aws;

/// <summary>The small conversions that make output look like the AWS CLI's.</summary>
[TestFixture]
public sealed class CliShapeTests
{
    [TestCase(2026, 11, 24, 1, 2, 3, 0, "2026-11-24T01:02:03+00:00")]
    [TestCase(2026, 11, 24, 1, 2, 3, 450, "2026-11-24T01:02:03.450000+00:00")]
    public void TimestampsPrintAsPythonIsoformat(int year, int month, int day, int hour, int minute, int second, int millisecond, string expected) =>
        Assert.That(CliJson.Timestamp(new DateTime(year, month, day, hour, minute, second, millisecond, DateTimeKind.Utc)), Is.EqualTo(expected));

    [Test]
    public void EpochSecondsOfJsonProtocolsBecomeIsoTimestamps()
    {
        var page = JsonNode.Parse("{\"repositories\":[{\"createdAt\":1795481398.5,\"name\":\"a\"}],\"count\":3}")!;

        CliJson.ConvertEpochTimestamps(page, new HashSet<string> { "createdAt" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)page["repositories"]![0]!["createdAt"], Is.EqualTo("2026-11-24T00:49:58.500000+00:00"));
            Assert.That((int?)page["count"], Is.EqualTo(3));
        }
    }

    [Test]
    public void NullMembersAreDroppedAsBotocoreDoes()
    {
        var page = JsonNode.Parse("{\"a\":null,\"b\":[{\"c\":null,\"d\":1}]}")!;

        CliJson.RemoveNulls(page);

        Assert.That(page.ToJsonString(), Is.EqualTo("{\"b\":[{\"d\":1}]}"));
    }

    [TestCase("{\"__type\":\"com.amazonaws.ecr#RepositoryPolicyNotFoundException\",\"message\":\"none\"}", "", "RepositoryPolicyNotFoundException", "none")]
    [TestCase("{\"__type\":\"Ignored\",\"Message\":\"m\"}", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "ThrottlingException", "m")]
    [TestCase("<html>bad gateway</html>", "", null, null)]
    public void JsonErrorsTakeTheHeaderThenTheTypeField(string body, string header, string? code, string? message) =>
        Assert.That(JsonError.Parse(header, body), Is.EqualTo((code, message)));

    [Test]
    public void IamPolicyDocumentsAreUrlDecodedIntoObjectsAndEmptyListsStayLists()
    {
        const string xml = """
            <GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult>
            <IsTruncated>false</IsTruncated>
            <RoleDetailList><member><RoleName>build</RoleName><CreateDate>2026-11-24T00:50:05Z</CreateDate>
            <AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22codebuild.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D</AssumeRolePolicyDocument>
            <RolePolicyList/><Tags/><RoleLastUsed/><InstanceProfileList/></member></RoleDetailList>
            <Policies><member><PolicyName>p</PolicyName><AttachmentCount>2</AttachmentCount><IsAttachable>true</IsAttachable></member></Policies>
            </GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>
            """;

        var result = new QueryXmlToCliJson(AwsServices.Iam.XmlShape!).ConvertResult(xml, "GetAccountAuthorizationDetails");

        var role = result["RoleDetailList"]![0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)role["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"], Is.EqualTo("codebuild.amazonaws.com"));
            Assert.That((string?)role["CreateDate"], Is.EqualTo("2026-11-24T00:50:05+00:00"));
            Assert.That(role["RolePolicyList"], Is.InstanceOf<JsonArray>());
            Assert.That(role["Tags"]!.AsArray(), Is.Empty);
            Assert.That(role["RoleLastUsed"], Is.InstanceOf<JsonObject>());
            Assert.That((int?)result["Policies"]![0]!["AttachmentCount"], Is.EqualTo(2));
            Assert.That((bool?)result["Policies"]![0]!["IsAttachable"], Is.True);
        }
    }

    [TestCase("1732412379.133", "2024-11-24T01:39:39.133000+00:00")]
    [TestCase("1732412379", "2024-11-24T01:39:39+00:00")]
    [TestCase("1700000000.000001", "2023-11-14T22:13:20.000001+00:00")]
    public void Epoch_timestamps_print_as_python_isoformat_rounded_to_the_microsecond(string epoch, string expected) =>
        Assert.That(IsolationChecks.Aws.Pipeline.CliJson.EpochSecondsTimestamp(decimal.Parse(epoch, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(expected));
}
