// `aws ecr ...` shapes (camelCase on the wire).
namespace IsolationChecks.Aws.Shapes;

public sealed record ImageScanningConfiguration(bool? ScanOnPush = null);

public sealed record Repository(
    string RepositoryName,
    string? RepositoryArn = null,
    string? RegistryId = null,
    string? RepositoryUri = null,
    string? ImageTagMutability = null,
    ImageScanningConfiguration? ImageScanningConfiguration = null);

/// <summary>Output of get-repository-policy: the policy text is a JSON document in a string.</summary>
public sealed record RepositoryPolicy(string? RegistryId, string RepositoryName, string PolicyText);

public sealed record LifecyclePolicy(string? RegistryId, string RepositoryName, string LifecyclePolicyText);

public sealed record ScanningRepositoryFilter(string Filter, string FilterType);

public sealed record RegistryScanningRule(string? ScanFrequency = null, IReadOnlyList<ScanningRepositoryFilter>? RepositoryFilters = null);

public sealed record ScanningConfiguration(string? ScanType = null, IReadOnlyList<RegistryScanningRule>? Rules = null);

public sealed record RegistryScanningConfiguration(string? RegistryId = null, ScanningConfiguration? ScanningConfiguration = null);

/// <summary>
/// A per-repository document that the service either returned, or confirmed does not exist
/// (e.g. RepositoryPolicyNotFoundException). "Confirmed absent" is evidence; a missing file is not.
/// </summary>
public sealed record Optional<T>(T? Value, string? AbsenceCode) where T : class
{
    public bool Exists => Value is not null;
}
