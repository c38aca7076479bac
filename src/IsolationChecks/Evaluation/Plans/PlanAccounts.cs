using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;

namespace IsolationChecks.Evaluation.Plans;

/// <summary>A planned change that cannot be placed in the audited evidence, for a reason the report names (never guessed).</summary>
/// <param name="NamesAudited">The change names an audited resource (so it is not judged, whatever rests on it).</param>
internal sealed class UnplaceableChangeException(string reason, bool namesAudited = false) : Exception(reason)
{
    public bool NamesAudited => namesAudited;
}

/// <summary>
/// Which audited account and region a created resource lands in when its values do not say (a new VPC names no account). In
/// order: the planned resources that reference it and are created in its account, or a peering whose other side is known; its
/// provider configuration (an assume_role role_arn or a single allowed_account_ids, else the account of the audited resources
/// the same provider configuration manages); the one account the snapshot holds. Sources that disagree, or none, leave it
/// undetermined and the change unplaced with the reason.
/// </summary>
internal sealed class PlanAccounts(TerraformPlan plan, PlanReferences references, OverlayDocuments docs)
{
    /// <summary>Attributes naming resources of the resource's own account (a transit gateway route is its gateway owner's).</summary>
    private static readonly string[] LocalAttributes = ["id", "vpc_id", "subnet_id", "subnet_ids", "route_table_id", "security_group_id", "network_acl_id",
        "transit_gateway_route_table_id"];

    private static readonly (string File, string List, string Id)[] Owned =
    [
        (AwsCalls.DescribeVpcs.File, "Vpcs", "VpcId"), (AwsCalls.DescribeSubnets.File, "Subnets", "SubnetId"),
        (AwsCalls.DescribeRouteTables.File, "RouteTables", "RouteTableId"), (AwsCalls.DescribeSecurityGroups.File, "SecurityGroups", "GroupId"),
        (AwsCalls.DescribeNetworkAcls.File, "NetworkAcls", "NetworkAclId"),
        (AwsCalls.DescribeTransitGatewayRouteTables.File, "TransitGatewayRouteTables", "TransitGatewayRouteTableId"),
    ];

    /// <summary>Types created in the account of the VPC they name.</summary>
    private static readonly HashSet<string> InVpcAccount =
    [
        "aws_subnet", "aws_route_table", "aws_main_route_table_association", "aws_security_group", "aws_network_acl", "aws_internet_gateway",
        "aws_egress_only_internet_gateway", "aws_ec2_transit_gateway_vpc_attachment", "aws_vpc_endpoint", "aws_vpc_ipv4_cidr_block_association",
        "aws_default_route_table", "aws_default_security_group", "aws_default_network_acl",
    ];

    /// <summary>
    /// The scope (accounts/ACCOUNT/REGION) a new VPC lands in; null when that account or region is not audited.
    /// </summary>
    /// <exception cref="UnplaceableChangeException">The account or region cannot be determined from the plan and the snapshot.</exception>
    public string? ScopeOfNewVpc(PlannedChange vpc)
    {
        var found = new List<(string Account, string Why)>();
        foreach (var other in plan.Changes.Where(c => c.Address != vpc.Address && c.ChangesSomething))
        {
            var naming = (other.References ?? new Dictionary<string, IReadOnlyList<string>>())
                .Where(a => a.Value.Any(r => references.Resolve(other, r) is { Address: var address } && address == vpc.Address)).Select(a => a.Key).ToList();
            if (naming.Count == 0)
                continue;
            if (InVpcAccount.Contains(other.Type) && ProviderAccount(other.Provider) is { } theirs)
                found.Add((theirs.Account, $"{other.Address}, created in the VPC's account, is managed through {theirs.Why}"));
            if (other.Type == "aws_vpc_peering_connection" && PeerAccount(other, naming) is { } peer)
                found.Add(peer);
        }

        var provider = ProviderAccount(vpc.Provider);
        if (provider is { } own)
            found.Add((own.Account, $"it is managed through {own.Why}"));
        var accounts = found.Select(f => f.Account).Distinct(StringComparer.Ordinal).ToList();
        if (accounts.Count > 1)
            throw new UnplaceableChangeException("the plan points to more than one account for it ("
                + string.Join("; ", found.GroupBy(f => f.Account).Select(g => $"{g.Key}: {g.First().Why}{(g.Count() > 1 ? $", and {g.Count() - 1} more" : "")}")) + ")");
        var audited = docs.Scopes.Select(OverlayDocuments.AccountOf).Distinct(StringComparer.Ordinal).ToList();
        var account = accounts.SingleOrDefault() ?? (audited.Count == 1 ? audited[0] : throw new UnplaceableChangeException(
            $"the plan does not say which account it would be created in (provider configuration {vpc.Provider ?? "(none in the plan)"} states no assume_role role_arn or "
            + "single allowed_account_ids, no planned resource of a known account references it, and the snapshot holds several accounts): state the account in the "
            + "provider configuration, or judge the applied change with the nightly audit"));
        var region = vpc.Provider is { } key && plan.Providers.TryGetValue(key, out var configured) ? configured.Region : null;
        var scopes = docs.Scopes.Where(s => OverlayDocuments.AccountOf(s) == account && (region is null || s.Split('/')[2] == region)).ToList();
        return scopes.Count <= 1 ? scopes.SingleOrDefault()
            : throw new UnplaceableChangeException($"the plan does not say which region of account {account} it would be created in: state the provider configuration's region as a constant");
    }

    /// <summary>The account the change's provider configuration points to, when the plan says or its audited resources show.</summary>
    public string? AccountOf(PlannedChange change) => ProviderAccount(change.Provider)?.Account;

    /// <summary>The account a provider configuration points to: as it states it, else the one account whose audited resources it manages.</summary>
    private (string Account, string Why)? ProviderAccount(string? key)
    {
        if (key is null)
            return null;
        if (plan.Providers.TryGetValue(key, out var provider) && provider.Account is { } stated)
            return (stated, $"provider configuration {key}, which states account {stated}");
        var managed = plan.Changes.Where(c => c.Provider == key)
            .SelectMany(c => LocalAttributes.SelectMany(a => Values(c.Before, a).Concat(Values(c.After, a))).Select(id => (c.Address, Id: id)))
            .Select(x => (x.Address, x.Id, Scope: Owned.Select(o => docs.Find(o.File, o.List, o.Id, x.Id)?.Scope).FirstOrDefault(s => s is not null)))
            .Where(x => x.Scope is not null)
            .ToList();
        var accounts = managed.Select(x => OverlayDocuments.AccountOf(x.Scope!)).Distinct(StringComparer.Ordinal).ToList();
        return accounts.Count == 1
            ? (accounts[0], $"provider configuration {key}, whose {managed[0].Address} manages {managed[0].Id} of account {accounts[0]}")
            : null;
    }

    /// <summary>A peering whose other side is an audited VPC: the requester's account is the accepter's unless peer_owner_id says otherwise, and the other way round.</summary>
    private (string Account, string Why)? PeerAccount(PlannedChange peering, IReadOnlyList<string> naming)
    {
        var after = peering.After;
        var owner = Text(after, "peer_owner_id");
        if (naming.Contains("vpc_id") && docs.Find(AwsCalls.DescribeVpcs.File, "Vpcs", "VpcId", Text(after, "peer_vpc_id")) is { } accepter
            && (owner is null || owner == OverlayDocuments.AccountOf(accepter.Scope)))
            return (OverlayDocuments.AccountOf(accepter.Scope), $"{peering.Address} peers it with {Text(after, "peer_vpc_id")} in the same account");
        if (naming.Contains("peer_vpc_id") && docs.Find(AwsCalls.DescribeVpcs.File, "Vpcs", "VpcId", Text(after, "vpc_id")) is { } requester)
            return (owner ?? OverlayDocuments.AccountOf(requester.Scope), owner is null
                ? $"{peering.Address} peers {Text(after, "vpc_id")} with it in the same account (no peer_owner_id)"
                : $"{peering.Address} names its owner (peer_owner_id)");
        return null;
    }

    private static string? Text(JsonObject? values, string attribute) =>
        values?[attribute] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    private static IEnumerable<string> Values(JsonObject? values, string attribute) => values?[attribute] switch
    {
        JsonArray items => items.OfType<JsonValue>().Where(v => v.GetValueKind() == System.Text.Json.JsonValueKind.String).Select(v => v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };
}
