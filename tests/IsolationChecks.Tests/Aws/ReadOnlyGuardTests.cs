using IsolationChecks.Aws.Calls;
using System.Text.Json;
using Amazon.EC2.Model;
using Amazon.SecurityToken.Model;
using IsolationChecks.Aws;
using IsolationChecks.Aws.Pipeline;
using NUnit.Framework;

namespace IsolationChecks.Tests.Aws;

/// <summary>The read-only guard refuses every action outside the allowlist before anything is sent.</summary>
[TestFixture]
public sealed class ReadOnlyGuardTests
{
    private RecordingAwsServer _server = null!;

    [SetUp]
    public async Task StartServer() => _server = await RecordingAwsServer.StartAsync(AwsAnswers.For);

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task DeleteVpcThroughTheOfficialEc2ClientIsRefusedAndNothingIsSent()
    {
        using var ec2 = TestClients.Ec2(_server.Endpoint);

        var refused = await Assert.ThrowsAsync<ReadOnlyViolationException>(() => ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = "vpc-1" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused!.Action, Is.EqualTo("ec2:DeleteVpc"));
            Assert.That(refused.Message, Does.Contain("ec2:DeleteVpc"));
            Assert.That(_server.Requests, Is.Empty);
        }
    }

    [Test]
    public async Task CreateUserThroughTheThinIamClientIsRefusedAndNothingIsSent()
    {
        using var iam = TestClients.Thin(AwsServices.Iam, _server.Endpoint);
        var request = new QueryRequest { Action = "CreateUser", Version = "2010-05-08", Parameters = [new("UserName", "intruder")] };

        var refused = await Assert.ThrowsAsync<ReadOnlyViolationException>(() => iam.QueryAsync(request, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused!.Action, Is.EqualTo("iam:CreateUser"));
            Assert.That(_server.Requests, Is.Empty);
        }
    }

    [Test]
    public async Task DeleteProjectThroughTheThinCodeBuildClientIsRefusedAndNothingIsSent()
    {
        using var codeBuild = TestClients.Thin(AwsServices.CodeBuild, _server.Endpoint);
        var request = new JsonRequest { TargetPrefix = "CodeBuild_20161006", Action = "DeleteProject", Body = "{\"name\":\"app-build\"}" };

        var refused = await Assert.ThrowsAsync<ReadOnlyViolationException>(() => codeBuild.JsonAsync(request, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused!.Action, Is.EqualTo("codebuild:DeleteProject"));
            Assert.That(_server.Requests, Is.Empty);
        }
    }

    [Test]
    public async Task AssumeRoleIsRefusedToTheAuditStsClientAndReadsToTheCredentialClient()
    {
        using var audit = TestClients.Sts(_server.Endpoint, GuardMode.Audit);
        using var credential = TestClients.Sts(_server.Endpoint, GuardMode.Credential);

        var assume = await Assert.ThrowsAsync<ReadOnlyViolationException>(() => audit.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "arn:aws:iam::123456789012:role/admin", RoleSessionName = "probe" }));
        var read = await Assert.ThrowsAsync<ReadOnlyViolationException>(() => credential.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(assume!.Action, Is.EqualTo("sts:AssumeRole"));
            Assert.That(read!.Action, Is.EqualTo("sts:GetCallerIdentity"));
            Assert.That(_server.Requests, Is.Empty);
        }
    }

    [Test]
    public async Task AllowlistedReadsAreSent()
    {
        using var ec2 = TestClients.Ec2(_server.Endpoint);
        using var sts = TestClients.Sts(_server.Endpoint, GuardMode.Audit);

        var vpcs = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest());
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(vpcs.Vpcs.Single().VpcId, Is.EqualTo("vpc-1"));
            Assert.That(identity.Account, Is.EqualTo(AwsAnswers.Account));
            Assert.That(_server.Requests.Select(r => r.Operation), Is.EqualTo(new[] { "DescribeVpcs", "GetCallerIdentity" }));
        }
    }

    [Test]
    public void TheAuditRolePolicyGrantsExactlyTheAllowlist()
    {
        var root = typeof(ReadOnlyGuardTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        using var policy = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "docs", "audit-role-policy.json")));

        var statements = policy.RootElement.GetProperty("Statement").EnumerateArray().ToList();
        var actions = statements.SelectMany(s => s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!)).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(actions, Is.EquivalentTo(ReadOnlyAllowlist.AuditActions));
            Assert.That(actions, Is.Unique);
            Assert.That(statements.Select(s => s.GetProperty("Effect").GetString()), Is.All.EqualTo("Allow"));
            Assert.That(actions.Where(a => a.Contains('*')), Is.Empty);
        }
    }
}
