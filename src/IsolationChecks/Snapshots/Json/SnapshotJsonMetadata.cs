using System.Text.Json.Serialization;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Collection;
using IsolationChecks.Git;
using IsolationChecks.Probes;

namespace IsolationChecks.Snapshots.Json;

/// <summary>
/// The serializer's metadata for every document a snapshot holds, generated at build time: every shape the call catalog
/// declares (<see cref="Aws.Calls.AwsCall.Shape"/>), the manifest and the probe records. Built by reflection instead, it
/// cost a fresh process most of its first read of a snapshot. It is the options' only resolver: a shape missing here
/// fails to read rather than falling back to reflection, and a test keeps the list equal to the catalog's shapes.
/// Naming, required members and nullability come from the options that use it (<see cref="SnapshotJson"/>), as before.
/// </summary>
[JsonSerializable(typeof(AccountAuthorizationDetails))]
[JsonSerializable(typeof(AccountListing))]
[JsonSerializable(typeof(BatchGetProjectsOutput))]
[JsonSerializable(typeof(CallerIdentity))]
[JsonSerializable(typeof(DescribeAddressesOutput))]
[JsonSerializable(typeof(DescribeClientVpnAuthorizationRulesOutput))]
[JsonSerializable(typeof(DescribeClientVpnEndpointsOutput))]
[JsonSerializable(typeof(DescribeClientVpnRoutesOutput))]
[JsonSerializable(typeof(DescribeClientVpnTargetNetworksOutput))]
[JsonSerializable(typeof(DescribeEgressOnlyInternetGatewaysOutput))]
[JsonSerializable(typeof(DescribeInstancesOutput))]
[JsonSerializable(typeof(DescribeInternetGatewaysOutput))]
[JsonSerializable(typeof(DescribeManagedPrefixListsOutput))]
[JsonSerializable(typeof(DescribeNatGatewaysOutput))]
[JsonSerializable(typeof(DescribeNetworkAclsOutput))]
[JsonSerializable(typeof(DescribeNetworkInterfacesOutput))]
[JsonSerializable(typeof(DescribePrefixListsOutput))]
[JsonSerializable(typeof(DescribePublicRepositoriesOutput))]
[JsonSerializable(typeof(DescribeRepositoriesOutput))]
[JsonSerializable(typeof(DescribeRouteTablesOutput))]
[JsonSerializable(typeof(DescribeSecurityGroupsOutput))]
[JsonSerializable(typeof(DescribeSubnetsOutput))]
[JsonSerializable(typeof(DescribeTransitGatewayAttachmentsOutput))]
[JsonSerializable(typeof(DescribeTransitGatewayRouteTablesOutput))]
[JsonSerializable(typeof(DescribeTransitGatewayVpcAttachmentsOutput))]
[JsonSerializable(typeof(DescribeVpcEndpointsOutput))]
[JsonSerializable(typeof(DescribeVpcPeeringConnectionsOutput))]
[JsonSerializable(typeof(DescribeVpcsOutput))]
[JsonSerializable(typeof(DescribeVpnConnectionsOutput))]
[JsonSerializable(typeof(DescribeVpnGatewaysOutput))]
[JsonSerializable(typeof(EcsServices))]
[JsonSerializable(typeof(EcsTaskList))]
[JsonSerializable(typeof(EcsTasks))]
[JsonSerializable(typeof(GetManagedPrefixListEntriesOutput))]
[JsonSerializable(typeof(HostListing))]
[JsonSerializable(typeof(LifecyclePolicy))]
[JsonSerializable(typeof(ListProjectsOutput))]
[JsonSerializable(typeof(ListenerListing))]
[JsonSerializable(typeof(LoadBalancerListing))]
[JsonSerializable(typeof(OrganizationalUnitListing))]
[JsonSerializable(typeof(RegistryScanningConfiguration))]
[JsonSerializable(typeof(RepositoryPolicy))]
[JsonSerializable(typeof(SearchTransitGatewayRoutesOutput))]
[JsonSerializable(typeof(SimulatePrincipalPolicyOutput))]
[JsonSerializable(typeof(TagListing))]
[JsonSerializable(typeof(TargetGroupAttributeListing))]
[JsonSerializable(typeof(TargetGroupListing))]
[JsonSerializable(typeof(TargetHealthListing))]
[JsonSerializable(typeof(SnapshotManifest))]
[JsonSerializable(typeof(GitProbeRecord))]
[JsonSerializable(typeof(InVpcProbeRecord))]
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
internal sealed partial class SnapshotJsonMetadata : JsonSerializerContext;
