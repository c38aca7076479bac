// `aws codeconnections list-hosts` shapes (PascalCase on the wire).
namespace IsolationChecks.Aws.Shapes;

public sealed record HostListing(IReadOnlyList<ConnectionHost> Hosts);

public sealed record ConnectionHost(
    string HostArn,
    string ProviderType,
    string Status,
    [AbsentMeans("the host has no name")] string? Name = null,
    [AbsentMeans("the provider endpoint is not recorded")] string? ProviderEndpoint = null,
    [AbsentMeans("the host has no VPC configuration: CodeConnections reaches the provider from AWS-owned public addresses")] HostVpcConfiguration? VpcConfiguration = null,
    [AbsentMeans("no status message")] string? StatusMessage = null);

public sealed record HostVpcConfiguration(
    string VpcId,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string> SecurityGroupIds,
    [AbsentMeans("the provider's certificate is publicly trusted")] string? TlsCertificate = null);
