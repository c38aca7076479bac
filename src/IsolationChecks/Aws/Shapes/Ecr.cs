// `aws ecr ...` and `aws ecr-public ...` shapes (camelCase on the wire).
namespace IsolationChecks.Aws.Shapes;

public sealed record ImageScanningConfiguration(bool ScanOnPush);

public sealed record Repository(
    string RepositoryName,
    string RepositoryArn,
    string ImageTagMutability,
    ImageScanningConfiguration ImageScanningConfiguration,
    [AbsentMeans("the registry is the scope's account")] string? RegistryId = null,
    [AbsentMeans("the URI is not recorded")] string? RepositoryUri = null);

/// <summary>Output of get-repository-policy: the policy text is a JSON document in a string.</summary>
public sealed record RepositoryPolicy(string RepositoryName, string PolicyText, [AbsentMeans("the registry is the scope's account")] string? RegistryId = null);

public sealed record LifecyclePolicy(string RepositoryName, string LifecyclePolicyText, [AbsentMeans("the registry is the scope's account")] string? RegistryId = null);

public sealed record ScanningRepositoryFilter(string Filter, string FilterType);

public sealed record RegistryScanningRule(string ScanFrequency, IReadOnlyList<ScanningRepositoryFilter> RepositoryFilters);

public sealed record ScanningConfiguration(string ScanType, IReadOnlyList<RegistryScanningRule> Rules);

public sealed record RegistryScanningConfiguration(ScanningConfiguration ScanningConfiguration, [AbsentMeans("the registry is the scope's account")] string? RegistryId = null);

public sealed record DescribeRepositoriesOutput(IReadOnlyList<Repository> Repositories);

public sealed record PublicRepository(
    string RepositoryName,
    [AbsentMeans("the ARN is not recorded")] string? RepositoryArn = null,
    [AbsentMeans("the registry is the scope's account")] string? RegistryId = null,
    [AbsentMeans("the URI is not recorded")] string? RepositoryUri = null);

public sealed record DescribePublicRepositoriesOutput(IReadOnlyList<PublicRepository> Repositories);

/// <summary>
/// A per-repository document that the service either returned, or confirmed does not exist
/// (e.g. RepositoryPolicyNotFoundException). "Confirmed absent" is evidence; a missing file is not.
/// </summary>
public sealed record Optional<T>(T? Value, string? AbsenceCode) where T : class
{
    public bool Exists => Value is not null;
}
