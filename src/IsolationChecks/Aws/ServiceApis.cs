using System.Text.Json.Nodes;

namespace IsolationChecks.Aws;

// One seam per service. Each method is one read operation of the catalog, typed by its request
// parameters; the response is the document the AWS CLI prints for that command (all pages merged),
// which is exactly what the snapshot stores and the snapshot model reads. The day the mirror serves
// AWSSDK.CodeBuild (or IAM, ECR, ...) an implementation over the official client replaces the thin one.

/// <summary>The merged output of one logical call and what it took to get it.</summary>
/// <param name="Output">CLI-shaped JSON, e.g. {"Vpcs":[...]}.</param>
public sealed record ApiCallResult(JsonObject Output, int Pages, int Attempts, TimeSpan Duration);

/// <summary>The EC2 describe calls of the catalog; each maps to one root file of the snapshot.</summary>
public enum Ec2Listing
{
    Vpcs,
    Subnets,
    RouteTables,
    NetworkAcls,
    SecurityGroups,
    NatGateways,
    InternetGateways,
    EgressOnlyInternetGateways,
    VpcEndpoints,
    NetworkInterfaces,
    Reservations,
    ManagedPrefixLists,
    Addresses,
}

public interface IEc2ReadApi
{
    /// <summary>DescribeVpcs, DescribeSubnets, ...: every page, merged under the response's top-level key.</summary>
    Task<ApiCallResult> DescribeAsync(Ec2Listing listing, CancellationToken cancellationToken);

    Task<ApiCallResult> GetManagedPrefixListEntriesAsync(string prefixListId, CancellationToken cancellationToken);
}

public interface ICodeBuildReadApi
{
    Task<ApiCallResult> ListProjectsAsync(CancellationToken cancellationToken);

    /// <summary>BatchGetProjects for at most 100 names (the API's limit); the caller batches.</summary>
    Task<ApiCallResult> BatchGetProjectsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken);
}

public interface IEcrReadApi
{
    Task<ApiCallResult> DescribeRepositoriesAsync(CancellationToken cancellationToken);

    /// <summary>Throws <see cref="AwsCallException"/> with code RepositoryPolicyNotFoundException when none is set.</summary>
    Task<ApiCallResult> GetRepositoryPolicyAsync(string repositoryName, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="AwsCallException"/> with code LifecyclePolicyNotFoundException when none is set.</summary>
    Task<ApiCallResult> GetLifecyclePolicyAsync(string repositoryName, CancellationToken cancellationToken);

    Task<ApiCallResult> GetRegistryScanningConfigurationAsync(CancellationToken cancellationToken);
}

public interface IIamReadApi
{
    /// <summary>All pages; policy documents decoded from their URL encoding into JSON objects, as the CLI prints them.</summary>
    Task<ApiCallResult> GetAccountAuthorizationDetailsAsync(CancellationToken cancellationToken);
}

public interface IStsReadApi
{
    Task<ApiCallResult> GetCallerIdentityAsync(CancellationToken cancellationToken);
}

/// <summary>A call that AWS (or the network) refused after the SDK's own retries.</summary>
public sealed class AwsCallException(string service, string operation, string errorCode, string message, int? httpStatus, int attempts, Exception? inner = null)
    : Exception($"{service}:{operation} failed with {errorCode}: {message}", inner)
{
    public string Service { get; } = service;

    public string Operation { get; } = operation;

    public string ErrorCode { get; } = errorCode;

    public string ErrorMessage { get; } = message;

    public int? HttpStatus { get; } = httpStatus;

    public int Attempts { get; } = attempts;
}
