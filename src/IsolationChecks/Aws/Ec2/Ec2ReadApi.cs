using System.Collections;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.EC2.Model;
using Amazon.Runtime;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Ec2;

/// <summary>The EC2 describe calls of the catalog over the official client, every page merged, CLI-shaped.</summary>
internal sealed class Ec2ReadApi(GuardedEc2Client client, int? pageSize, TimeSpan? retryDelay = null) : IEc2ReadApi, IDisposable
{
    private readonly AwsCallRunner _runner = new("ec2", client.Attempts, retryDelay);
    private readonly SdkModelToCliJson _json = new();

    public Task<ApiCallResult> DescribeAsync(Ec2Listing listing, CancellationToken cancellationToken) => listing switch
    {
        Ec2Listing.Vpcs => PagedAsync("DescribeVpcs", "Vpcs", "vpcSet", t => new DescribeVpcsRequest { NextToken = t, MaxResults = pageSize }, client.DescribeVpcsAsync, r => (r.Vpcs, r.NextToken), cancellationToken),
        Ec2Listing.Subnets => PagedAsync("DescribeSubnets", "Subnets", "subnetSet", t => new DescribeSubnetsRequest { NextToken = t, MaxResults = pageSize }, client.DescribeSubnetsAsync, r => (r.Subnets, r.NextToken), cancellationToken),
        Ec2Listing.RouteTables => PagedAsync("DescribeRouteTables", "RouteTables", "routeTableSet", t => new DescribeRouteTablesRequest { NextToken = t, MaxResults = pageSize }, client.DescribeRouteTablesAsync, r => (r.RouteTables, r.NextToken), cancellationToken),
        Ec2Listing.NetworkAcls => PagedAsync("DescribeNetworkAcls", "NetworkAcls", "networkAclSet", t => new DescribeNetworkAclsRequest { NextToken = t, MaxResults = pageSize }, client.DescribeNetworkAclsAsync, r => (r.NetworkAcls, r.NextToken), cancellationToken),
        Ec2Listing.SecurityGroups => PagedAsync("DescribeSecurityGroups", "SecurityGroups", "securityGroupInfo", t => new DescribeSecurityGroupsRequest { NextToken = t, MaxResults = pageSize }, client.DescribeSecurityGroupsAsync, r => (r.SecurityGroups, r.NextToken), cancellationToken),
        Ec2Listing.NatGateways => PagedAsync("DescribeNatGateways", "NatGateways", "natGatewaySet", t => new DescribeNatGatewaysRequest { NextToken = t, MaxResults = pageSize }, client.DescribeNatGatewaysAsync, r => (r.NatGateways, r.NextToken), cancellationToken),
        Ec2Listing.InternetGateways => PagedAsync("DescribeInternetGateways", "InternetGateways", "internetGatewaySet", t => new DescribeInternetGatewaysRequest { NextToken = t, MaxResults = pageSize }, client.DescribeInternetGatewaysAsync, r => (r.InternetGateways, r.NextToken), cancellationToken),
        Ec2Listing.EgressOnlyInternetGateways => PagedAsync("DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGateways", "egressOnlyInternetGatewaySet", t => new DescribeEgressOnlyInternetGatewaysRequest { NextToken = t, MaxResults = pageSize }, client.DescribeEgressOnlyInternetGatewaysAsync, r => (r.EgressOnlyInternetGateways, r.NextToken), cancellationToken),
        Ec2Listing.VpcEndpoints => PagedAsync("DescribeVpcEndpoints", "VpcEndpoints", "vpcEndpointSet", t => new DescribeVpcEndpointsRequest { NextToken = t, MaxResults = pageSize }, client.DescribeVpcEndpointsAsync, r => (r.VpcEndpoints, r.NextToken), cancellationToken),
        Ec2Listing.NetworkInterfaces => PagedAsync("DescribeNetworkInterfaces", "NetworkInterfaces", "networkInterfaceSet", t => new DescribeNetworkInterfacesRequest { NextToken = t, MaxResults = pageSize }, client.DescribeNetworkInterfacesAsync, r => (r.NetworkInterfaces, r.NextToken), cancellationToken),
        Ec2Listing.Reservations => PagedAsync("DescribeInstances", "Reservations", "reservationSet", t => new DescribeInstancesRequest { NextToken = t, MaxResults = pageSize }, client.DescribeInstancesAsync, r => (r.Reservations, r.NextToken), cancellationToken),
        // The CLI prints describe-managed-prefix-lists under "PrefixLists"; the snapshot file keeps the listing's name.
        Ec2Listing.ManagedPrefixLists => PagedAsync("DescribeManagedPrefixLists", "PrefixLists", "prefixListSet", t => new DescribeManagedPrefixListsRequest { NextToken = t, MaxResults = pageSize }, client.DescribeManagedPrefixListsAsync, r => (r.PrefixLists, r.NextToken), cancellationToken),
        Ec2Listing.Addresses => PagedAsync("DescribeAddresses", "Addresses", "addressesSet", _ => new DescribeAddressesRequest(), client.DescribeAddressesAsync, r => (r.Addresses, (string?)null), cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(listing), listing, "Not an EC2 listing of the catalog."),
    };

    public Task<ApiCallResult> GetManagedPrefixListEntriesAsync(string prefixListId, CancellationToken cancellationToken) =>
        PagedAsync("GetManagedPrefixListEntries", "Entries", "entrySet", t => new GetManagedPrefixListEntriesRequest { PrefixListId = prefixListId, NextToken = t, MaxResults = pageSize }, client.GetManagedPrefixListEntriesAsync, r => (r.Entries, r.NextToken), cancellationToken);

    private async Task<ApiCallResult> PagedAsync<TRequest, TResponse>(
        string operation,
        string listMember,
        string wireListElement,
        Func<string?, TRequest> newRequest,
        Func<TRequest, CancellationToken, Task<TResponse>> send,
        Func<TResponse, (IEnumerable? Items, string? NextToken)> page,
        CancellationToken cancellationToken)
        where TRequest : AmazonWebServiceRequest
    {
        var call = _runner.Begin(operation);
        var merged = new JsonArray();
        string? token = null;
        do
        {
            var request = newRequest(token);
            var (items, next) = await call.PageAsync(request, send, response => ConvertPage(request, response, page, wireListElement), cancellationToken).ConfigureAwait(false);
            foreach (var item in items.ToList())
            {
                items.Remove(item);
                merged.Add(item);
            }

            token = next;
        }
        while (!string.IsNullOrEmpty(token));

        return call.Result(new JsonObject { [listMember] = merged });
    }

    private (JsonArray Items, string? NextToken) ConvertPage<TResponse>(
        AmazonWebServiceRequest request,
        TResponse response,
        Func<TResponse, (IEnumerable? Items, string? NextToken)> page,
        string wireListElement)
    {
        var (items, next) = page(response);
        var body = client.Bodies.BodyOf(request);
        var wireList = body is null ? null : XDocument.Load(new MemoryStream(body)).Root?.Elements().FirstOrDefault(e => e.Name.LocalName == wireListElement);
        return (_json.ConvertList(items, wireList), next);
    }

    public void Dispose() => client.Dispose();
}
