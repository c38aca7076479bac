using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Support;

/// <summary>
/// The one-way Git flow on two in-memory accounts: prd (222222222222) with the push and pull users, dev
/// (111111111111) with the NAT gateway GitLab leaves through. Compliant unless changed.
/// </summary>
public sealed record OneWayFlowBuilder
{
    public const string Prd = "222222222222";
    public const string Dev = "111111111111";
    public const string Region = "ap-northeast-1";
    public const string NatId = "nat-0d0000000000000001";
    public const string NatIp = "198.51.100.20";
    public const string Isolated = "192.0.2.0/28";
    public const string RepoArn = "arn:aws:codecommit:ap-northeast-1:222222222222:app";

    public static string PushPolicy(string condition = """{"IpAddress":{"aws:SourceIp":"198.51.100.20/32"}}""") =>
        $$"""{"Version":"2012-10-17","Statement":[{"Sid":"MirrorFromGitLab","Effect":"Allow","Action":["codecommit:GitPush","codecommit:GitPull"],"Resource":"{{RepoArn}}","Condition":{{condition}}}]}""";

    public static string PullPolicy(string condition = """{"IpAddress":{"aws:SourceIp":"192.0.2.0/28"}}""") =>
        $$"""{"Version":"2012-10-17","Statement":[{"Sid":"PullFromIsolatedRoom","Effect":"Allow","Action":"codecommit:GitPull","Resource":"{{RepoArn}}","Condition":{{condition}}}]}""";

    public IamBuilder Iam { get; init; } = new IamBuilder(Prd)
        .WithUser("gitlab-mirror-push", [IamBuilder.Inline("mirror-push", PushPolicy())])
        .WithUser("isolated-pull", [IamBuilder.Inline("isolated-pull", PullPolicy())]);

    public DataGap? IamGap { get; init; }

    public List<NatGateway> NatGateways { get; init; } =
        [new(NatId, "vpc-0d0000000000000001", "subnet-0d0000000000000001", "available", [new NatGatewayAddress("eipalloc-0d01", "eni-0d01", "10.10.0.10", NatIp, true, "succeeded")], "public")];

    public CodeCommitPosture CodeCommit { get; init; } = new("prd", ["app"], ["gitlab-mirror-push"], ["isolated-pull"], [new SourceCidr(Isolated)]);

    public List<NatGatewayRef> DeclaredNats { get; init; } = [new(NatId, "dev")];

    public EvaluationContext Context()
    {
        var prd = new ScopeBuilder(Prd, Region).Build() with
        {
            Folder = SnapshotLayout.ScopeFolder(Prd, Region),
            Iam = IamGap is null
                ? Collected<AccountAuthorizationDetails>.Seen(Iam.Build(), $"{SnapshotLayout.ScopeFolder(Prd, Region)}/{AwsCalls.GetAccountAuthorizationDetails.File}")
                : Collected<AccountAuthorizationDetails>.Missing(IamGap),
        };
        var dev = new ScopeBuilder(Dev, Region).Build();
        dev = dev with
        {
            Folder = SnapshotLayout.ScopeFolder(Dev, Region),
            Ec2 = dev.Ec2 with { NatGateways = Collected<IReadOnlyList<NatGateway>>.Seen(NatGateways, $"{SnapshotLayout.ScopeFolder(Dev, Region)}/{AwsCalls.DescribeNatGateways.File}") },
        };
        return new EvaluationContext(
            new Snapshot("test", null, [prd, dev], IntegrityReport.Unverified),
            new PostureDocument(1, "test", new Dictionary<string, AccountTarget> { ["prd"] = new(Prd, Region), ["dev"] = new(Dev, Region) },
                NatGateways: DeclaredNats, CodeCommit: CodeCommit),
            TimeProvider.System);
    }
}
