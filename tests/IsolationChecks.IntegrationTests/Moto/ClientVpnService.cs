using System.Security;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace IsolationChecks.IntegrationTests.Moto;

/// <summary>One Client VPN endpoint as a test declares it: what the four Describe calls return.</summary>
public sealed record ClientVpnEndpointState(
    string Id,
    string VpcId,
    string ClientCidrBlock,
    IReadOnlyList<string> SecurityGroupIds,
    IReadOnlyList<string> TargetSubnets,
    IReadOnlyList<(string Cidr, bool AccessAll)> AuthorizationRules,
    IReadOnlyList<(string Cidr, string Subnet)> Routes,
    string Status = "available");

/// <summary>
/// The EC2 Client VPN read calls, which moto does not implement, answered as the EC2 API reference documents them
/// (DescribeClientVpnEndpoints, DescribeClientVpnTargetNetworks, DescribeClientVpnAuthorizationRules,
/// DescribeClientVpnRoutes; EC2 Query XML, one page) from endpoints a test declares. Every other call goes on to moto.
/// </summary>
public sealed class ClientVpnService
{
    private const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private readonly List<ClientVpnEndpointState> _endpoints = [];
    private readonly Lock _lock = new();

    public void Add(ClientVpnEndpointState endpoint)
    {
        lock (_lock) _endpoints.Add(endpoint);
    }

    public void Clear()
    {
        lock (_lock) _endpoints.Clear();
    }

    /// <summary>The XML answer to a Client VPN read call, or null for any other call.</summary>
    public byte[]? Answer(string service, string operation, byte[] body)
    {
        if (!string.Equals(service, "ec2", StringComparison.OrdinalIgnoreCase) || !operation.Contains("ClientVpn", StringComparison.Ordinal))
            return null;
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        var id = form.TryGetValue("ClientVpnEndpointId", out var value) ? value.ToString() : null;
        List<ClientVpnEndpointState> endpoints;
        lock (_lock) endpoints = [.. _endpoints];
        var endpoint = endpoints.FirstOrDefault(e => e.Id == id);
        var items = operation switch
        {
            "DescribeClientVpnEndpoints" => ("clientVpnEndpoint", endpoints.Select(e =>
                $"<clientVpnEndpointId>{X(e.Id)}</clientVpnEndpointId><status><code>{X(e.Status)}</code></status><clientCidrBlock>{X(e.ClientCidrBlock)}</clientCidrBlock>" +
                $"<vpcId>{X(e.VpcId)}</vpcId><splitTunnel>false</splitTunnel><securityGroupIdSet>{string.Concat(e.SecurityGroupIds.Select(g => $"<item>{X(g)}</item>"))}</securityGroupIdSet><tagSet/>")),
            "DescribeClientVpnTargetNetworks" when endpoint is not null => ("clientVpnTargetNetworks", endpoint.TargetSubnets.Select((s, i) =>
                $"<associationId>cvpn-assoc-{i:x17}</associationId><vpcId>{X(endpoint.VpcId)}</vpcId><targetNetworkId>{X(s)}</targetNetworkId>" +
                $"<clientVpnEndpointId>{X(endpoint.Id)}</clientVpnEndpointId><status><code>associated</code></status>" +
                $"<securityGroups>{string.Concat(endpoint.SecurityGroupIds.Select(g => $"<item>{X(g)}</item>"))}</securityGroups>")),
            "DescribeClientVpnAuthorizationRules" when endpoint is not null => ("authorizationRule", endpoint.AuthorizationRules.Select(r =>
                $"<clientVpnEndpointId>{X(endpoint.Id)}</clientVpnEndpointId><destinationCidr>{X(r.Cidr)}</destinationCidr>" +
                $"<accessAll>{(r.AccessAll ? "true" : "false")}</accessAll>{(r.AccessAll ? "" : "<groupId>engineers</groupId>")}<status><code>active</code></status>")),
            "DescribeClientVpnRoutes" when endpoint is not null => ("routes", endpoint.Routes.Select(r =>
                $"<clientVpnEndpointId>{X(endpoint.Id)}</clientVpnEndpointId><destinationCidr>{X(r.Cidr)}</destinationCidr><targetSubnet>{X(r.Subnet)}</targetSubnet>" +
                "<type>Nat</type><origin>add-route</origin><status><code>active</code></status>")),
            "DescribeClientVpnTargetNetworks" => ("clientVpnTargetNetworks", []),
            "DescribeClientVpnAuthorizationRules" => ("authorizationRule", []),
            "DescribeClientVpnRoutes" => ("routes", []),
            _ => (null, Enumerable.Empty<string>()),
        };
        if (items.Item1 is null)
            return null;
        return Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><{operation}Response xmlns=\"{Namespace}\"><requestId>cvpn</requestId>" +
                                      $"<{items.Item1}>{string.Concat(items.Item2.Select(i => $"<item>{i}</item>"))}</{items.Item1}></{operation}Response>");
    }

    private static string X(string text) => SecurityElement.Escape(text);
}
