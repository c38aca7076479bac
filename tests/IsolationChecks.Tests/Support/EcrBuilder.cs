using System.Text;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Support;

/// <summary>Builds an ECR account scope (repositories, their policies, registry scanning, ECR Public listing) on top of <see cref="ScopeBuilder"/>.</summary>
public sealed record EcrBuilder(string AccountId = "222222222222", string Region = "ap-northeast-1")
{
    public List<Repository> Repositories { get; init; } = [];
    public Dictionary<string, Collected<Optional<RepositoryPolicy>>> Policies { get; init; } = [];
    public Dictionary<string, Collected<Optional<LifecyclePolicy>>> Lifecycles { get; init; } = [];
    public RegistryScanningConfiguration Scanning { get; init; } = new(new ScanningConfiguration("BASIC", []), "222222222222");
    public DataGap? ScanningGap { get; init; }
    public string? PublicRepositoriesJson { get; init; }

    public static Repository Compliant(string name, string account = "222222222222") => new(name,
        $"arn:aws:ecr:ap-northeast-1:{account}:repository/{name}", "IMMUTABLE", new ImageScanningConfiguration(true),
        account, $"{account}.dkr.ecr.ap-northeast-1.amazonaws.com/{name}");

    public EcrBuilder WithRepository(Repository repository, string? policy = null, bool lifecycle = true) => this with
    {
        Repositories = [.. Repositories, repository],
        Policies = new(Policies)
        {
            [repository.RepositoryName] = Collected<Optional<RepositoryPolicy>>.Seen(
                new Optional<RepositoryPolicy>(policy is null ? null : new RepositoryPolicy(repository.RepositoryName, policy, AccountId),
                    policy is null ? "RepositoryPolicyNotFoundException" : null), AwsCalls.GetRepositoryPolicy.FileFor(repository.RepositoryName)),
        },
        Lifecycles = new(Lifecycles)
        {
            [repository.RepositoryName] = Collected<Optional<LifecyclePolicy>>.Seen(
                new Optional<LifecyclePolicy>(lifecycle
                    ? new LifecyclePolicy(repository.RepositoryName,
                        """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}""", AccountId)
                    : null, lifecycle ? null : "LifecyclePolicyNotFoundException"), AwsCalls.GetLifecyclePolicy.FileFor(repository.RepositoryName)),
        },
    };

    public ScopeSnapshot Build()
    {
        var scope = new ScopeBuilder(AccountId, Region).Build();
        return scope with
        {
            Ecr = new EcrInventory(
                Collected<IReadOnlyList<Repository>>.Seen(Repositories, AwsCalls.DescribeRepositories.File),
                Policies, Lifecycles,
                ScanningGap is null
                    ? Collected<RegistryScanningConfiguration>.Seen(Scanning, AwsCalls.GetRegistryScanningConfiguration.File)
                    : Collected<RegistryScanningConfiguration>.Missing(ScanningGap)),
        };
    }

    public EvaluationContext Context(EcrPosture? ecr = null)
    {
        var files = new Dictionary<string, byte[]>();
        if (PublicRepositoriesJson is not null) files[AwsCalls.DescribePublicRepositories.File] = Encoding.UTF8.GetBytes(PublicRepositoriesJson);
        var documents = new SnapshotFiles("test", files, null);
        return new EvaluationContext(
            new Snapshot("test", null, [Build() with { Documents = new ScopeReader(documents, "") }], IntegrityReport.Unverified, documents),
            new PostureDocument(1, "test", new Dictionary<string, AccountTarget> { ["prd"] = new(AccountId, Region) },
                Ecr: ecr ?? new EcrPosture("prd", ["*"], ["333333333333"])),
            TimeProvider.System);
    }
}
