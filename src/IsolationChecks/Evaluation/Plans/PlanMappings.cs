using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Evaluation.Drift;
using IsolationChecks.Evaluation.Network;

namespace IsolationChecks.Evaluation.Plans;

/// <summary>
/// How one Terraform resource type changes the snapshot: the evidence it edits (AWS CLI output, so the reader, the network
/// model and the controls judge the overlay exactly as they judge collected evidence) and the edit. <see cref="Apply"/>
/// returns false when what the change names is not in the snapshot (another account, or nothing the suite collected).
/// </summary>
/// <param name="IdPrefix">The AWS id prefix of a created resource, for the stand-in id it gets until apply ("nat" → nat-...).</param>
/// <param name="ArnOf">For a created resource whose id is its ARN (an IAM policy): the ARN it will have, which stands in for its id
/// and arn; null when the plan does not give what the ARN is made of.</param>
internal sealed record PlanMapping(string Type, string Evidence, string? IdPrefix, Func<PlanEdit, bool> Apply, Func<PlannedChange, PlanAccounts, string?>? ArnOf = null);

/// <summary>One planned change being applied to the overlay.</summary>
/// <param name="StandIn">A created resource's id until apply (or its known id on update and delete).</param>
/// <param name="Accounts">Where a created resource lands when its values do not say.</param>
internal sealed record PlanEdit(PlannedChange Change, OverlayDocuments Docs, PlanValues Before, PlanValues After, string StandIn, PlanAccounts Accounts)
{
    /// <summary>The id of the resource after the change: the known id, else the stand-in.</summary>
    public string Id => Change.Creates ? StandIn : After.Text("id") ?? Before.Text("id") ?? StandIn;

    /// <summary>
    /// An item named by a name unique only within an account (an IAM user or group, a repository, a build project): where
    /// audited accounts hold the name more than once, the one of the account the change's provider configuration manages.
    /// </summary>
    /// <exception cref="UnplaceableChangeException">Several audited accounts hold the name and the plan does not say which one is meant.</exception>
    public (string Scope, JsonObject Item)? FindNamed(string file, string list, string member, string? name)
    {
        var found = Docs.FindAll(file, list, member, name);
        if (found.Count <= 1)
            return found.Count == 1 ? found[0] : null;
        var account = Accounts.AccountOf(Change);
        var mine = found.Where(f => OverlayDocuments.AccountOf(f.Scope) == account).ToList();
        return mine.Count == 1 ? mine[0] : throw new UnplaceableChangeException(
            $"{name} is in more than one audited account ({string.Join(", ", found.Select(f => OverlayDocuments.AccountOf(f.Scope)).Distinct())}) and the plan does not say which one "
            + $"provider configuration {Change.Provider ?? "(none in the plan)"} manages: state its assume_role role_arn or allowed_account_ids", namesAudited: true);
    }

    public JsonObject? FindNamedForEdit(string file, string list, string member, string? name) =>
        FindNamed(file, list, member, name) is { } found
            ? Docs.Edit(found.Scope, file)[list]!.AsArray().OfType<JsonObject>().First(i => i[member]?.GetValue<string>() == name)
            : null;

    public bool RemoveNamed(string file, string list, string member, string? name)
    {
        if (FindNamed(file, list, member, name) is not { } found)
            return false;
        var items = Docs.Edit(found.Scope, file)[list]!.AsArray();
        items.Remove(items.OfType<JsonObject>().First(i => i[member]?.GetValue<string>() == name));
        return true;
    }
}

/// <summary>The catalog of mapped Terraform resource types (hashicorp/aws provider), one declaration per type.</summary>
internal static class PlanMappings
{
    private static readonly string SecurityGroups = AwsCalls.DescribeSecurityGroups.File;
    private static readonly string RouteTables = AwsCalls.DescribeRouteTables.File;
    private static readonly string NetworkAcls = AwsCalls.DescribeNetworkAcls.File;
    private static readonly string Subnets = AwsCalls.DescribeSubnets.File;
    private static readonly string Vpcs = AwsCalls.DescribeVpcs.File;
    private static readonly string Endpoints = AwsCalls.DescribeVpcEndpoints.File;
    private static readonly string Interfaces = AwsCalls.DescribeNetworkInterfaces.File;
    private static readonly string NatGateways = AwsCalls.DescribeNatGateways.File;
    private static readonly string InternetGateways = AwsCalls.DescribeInternetGateways.File;
    private static readonly string Addresses = AwsCalls.DescribeAddresses.File;
    private static readonly string Peerings = AwsCalls.DescribeVpcPeeringConnections.File;
    private static readonly string TgwVpcAttachments = AwsCalls.DescribeTransitGatewayVpcAttachments.File;
    private static readonly string TgwAttachments = AwsCalls.DescribeTransitGatewayAttachments.File;
    private static readonly string TgwRouteTables = AwsCalls.DescribeTransitGatewayRouteTables.File;
    private static readonly string Projects = AwsCalls.BatchGetProjects.File;
    private static readonly string ProjectList = AwsCalls.ListProjects.File;
    private static readonly string Repositories = AwsCalls.DescribeRepositories.File;
    private static readonly string Iam = AwsCalls.GetAccountAuthorizationDetails.File;

    public static IReadOnlyList<PlanMapping> All { get; } =
    [
        new("aws_vpc", Vpcs, "vpc", Vpc),
        new("aws_security_group", SecurityGroups, "sg", SecurityGroup),
        new("aws_security_group_rule", SecurityGroups, null, e => SecurityGroupRule(e)),
        new("aws_vpc_security_group_ingress_rule", SecurityGroups, null, e => VpcSecurityGroupRule(e, "IpPermissions")),
        new("aws_vpc_security_group_egress_rule", SecurityGroups, null, e => VpcSecurityGroupRule(e, "IpPermissionsEgress")),
        new("aws_route", RouteTables, null, Route),
        new("aws_route_table", RouteTables, "rtb", RouteTable),
        new("aws_route_table_association", RouteTables, "rtbassoc", RouteTableAssociation),
        new("aws_main_route_table_association", RouteTables, "rtbassoc", MainRouteTableAssociation),
        new("aws_network_acl", NetworkAcls, "acl", NetworkAcl),
        new("aws_network_acl_rule", NetworkAcls, null, NetworkAclRule),
        new("aws_network_acl_association", NetworkAcls, "aclassoc", NetworkAclAssociation),
        new("aws_vpc_endpoint", Endpoints, "vpce", VpcEndpoint),
        new("aws_subnet", Subnets, "subnet", Subnet),
        new("aws_nat_gateway", NatGateways, "nat", NatGateway),
        new("aws_internet_gateway", InternetGateways, "igw", InternetGateway),
        new("aws_eip", Addresses, "eipalloc", ElasticIp),
        new("aws_eip_association", Addresses, "eipassoc", ElasticIpAssociation),
        new("aws_ec2_transit_gateway_route", "TransitGatewayRoutes/{item}.json", null, TransitGatewayRoute),
        new("aws_ec2_transit_gateway_vpc_attachment", TgwVpcAttachments, "tgw-attach", TransitGatewayVpcAttachment),
        new("aws_vpc_peering_connection", Peerings, "pcx", PeeringConnection),
        new("aws_vpc_peering_connection_accepter", Peerings, null, PeeringAccepter),
        new("aws_codebuild_project", Projects, null, CodeBuildProject),
        new("aws_ecr_repository", Repositories, null, EcrRepository),
        new("aws_ecr_repository_policy", "ecr/get-repository-policy/{item}.json", null, EcrRepositoryPolicy),
        new("aws_ecr_lifecycle_policy", "ecr/get-lifecycle-policy/{item}.json", null, EcrLifecyclePolicy),
        new("aws_iam_user", Iam, null, IamUser),
        new("aws_iam_user_group_membership", Iam, null, IamUserGroupMembership),
        new("aws_iam_group_membership", Iam, null, IamGroupMembership),
        new("aws_iam_user_policy", Iam, null, e => IamInlinePolicy(e, "UserDetailList", "UserName", "user", "UserPolicyList")),
        new("aws_iam_group_policy", Iam, null, e => IamInlinePolicy(e, "GroupDetailList", "GroupName", "group", "GroupPolicyList")),
        new("aws_iam_role_policy", Iam, null, e => IamInlinePolicy(e, "RoleDetailList", "RoleName", "role", "RolePolicyList")),
        new("aws_iam_policy", Iam, null, IamPolicy, IamPolicyArn),
        new("aws_iam_user_policy_attachment", Iam, null, e => IamAttachment(e, "UserDetailList", "UserName", "user")),
        new("aws_iam_group_policy_attachment", Iam, null, e => IamAttachment(e, "GroupDetailList", "GroupName", "group")),
        new("aws_iam_role_policy_attachment", Iam, null, e => IamAttachment(e, "RoleDetailList", "RoleName", "role")),
    ];

    public static PlanMapping? For(string type) => All.FirstOrDefault(m => m.Type == type);

    // ---- VPCs ----

    private static bool Vpc(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
        {
            var id = e.Before.Text("id");
            if (e.Docs.Find(Vpcs, "Vpcs", "VpcId", id) is not { } gone)
                return false;
            // What AWS creates with a VPC goes with it; AWS refuses to delete a VPC that still holds anything else.
            foreach (var (file, list) in new[] { (RouteTables, "RouteTables"), (NetworkAcls, "NetworkAcls"), (SecurityGroups, "SecurityGroups") })
                if (e.Docs.Read(gone.Scope, file)?[list] is JsonArray items && items.OfType<JsonObject>().Any(i => i["VpcId"]?.GetValue<string>() == id))
                    foreach (var item in e.Docs.Edit(gone.Scope, file)[list]!.AsArray().OfType<JsonObject>().Where(i => i["VpcId"]?.GetValue<string>() == id).ToList())
                        e.Docs.Edit(gone.Scope, file)[list]!.AsArray().Remove(item);
            return e.Docs.Remove(Vpcs, "Vpcs", "VpcId", id);
        }

        var existing = e.Docs.FindForEdit(Vpcs, "Vpcs", "VpcId", e.Before.Text("id") ?? e.After.Text("id"));
        var cidr = e.After.Text("cidr_block");
        if (existing is null)
        {
            if (!e.Change.Creates || e.Accounts.ScopeOfNewVpc(e.Change) is not { } scope)
                return false;
            var account = OverlayDocuments.AccountOf(scope);
            existing = new JsonObject
            {
                ["VpcId"] = e.Id, ["CidrBlock"] = cidr, ["State"] = "available", ["IsDefault"] = false, ["OwnerId"] = account,
                ["CidrBlockAssociationSet"] = new JsonArray(new JsonObject { ["CidrBlock"] = cidr }),
            };
            e.Docs.Add(scope, Vpcs, "Vpcs", existing);
            NewVpcDefaults(e, scope, account, cidr);
        }
        else if (cidr is not null)
        {
            existing["CidrBlock"] = cidr;
            existing["CidrBlockAssociationSet"] = new JsonArray(new JsonObject { ["CidrBlock"] = cidr });
        }

        return true;
    }

    /// <summary>
    /// What AWS creates with every VPC: the main route table (the local route only), the default network ACL (allowing all
    /// traffic both ways) and the default security group (all traffic from itself in, everything out).
    /// </summary>
    private static void NewVpcDefaults(PlanEdit e, string scope, string account, string? cidr)
    {
        e.Docs.Add(scope, RouteTables, "RouteTables", new JsonObject
        {
            ["RouteTableId"] = $"rtb-{e.Id[4..]}", ["VpcId"] = e.Id, ["OwnerId"] = account,
            ["Routes"] = new JsonArray(new JsonObject { ["DestinationCidrBlock"] = cidr, ["GatewayId"] = "local", ["Origin"] = "CreateRouteTable", ["State"] = "active" }),
            ["Associations"] = new JsonArray(new JsonObject { ["Main"] = true, ["RouteTableAssociationId"] = $"rtbassoc-{e.Id[4..]}", ["RouteTableId"] = $"rtb-{e.Id[4..]}", ["AssociationState"] = new JsonObject { ["State"] = "associated" } }),
        });
        JsonObject AllowAll(int number, string action, bool egress) => new() { ["RuleNumber"] = number, ["Protocol"] = "-1", ["RuleAction"] = action, ["Egress"] = egress, ["CidrBlock"] = "0.0.0.0/0" };
        e.Docs.Add(scope, NetworkAcls, "NetworkAcls", new JsonObject
        {
            ["NetworkAclId"] = $"acl-{e.Id[4..]}", ["VpcId"] = e.Id, ["IsDefault"] = true, ["OwnerId"] = account, ["Associations"] = new JsonArray(),
            ["Entries"] = new JsonArray(AllowAll(100, "allow", false), AllowAll(32767, "deny", false), AllowAll(100, "allow", true), AllowAll(32767, "deny", true)),
        });
        var group = $"sg-{e.Id[4..]}";
        e.Docs.Add(scope, SecurityGroups, "SecurityGroups", new JsonObject
        {
            ["GroupId"] = group, ["GroupName"] = "default", ["Description"] = "default VPC security group", ["VpcId"] = e.Id, ["OwnerId"] = account,
            ["IpPermissions"] = new JsonArray(Permission("-1", null, null, [], [], [], [group], null)),
            ["IpPermissionsEgress"] = new JsonArray(Permission("-1", null, null, ["0.0.0.0/0"], [], [], [], null)),
        });
    }

    // ---- security groups ----

    private static bool SecurityGroup(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
            return e.Docs.Remove(SecurityGroups, "SecurityGroups", "GroupId", e.Before.Text("id"));
        var existing = e.Docs.FindForEdit(SecurityGroups, "SecurityGroups", "GroupId", e.Before.Text("id") ?? e.After.Text("id"));
        if (existing is null)
        {
            if (ScopeOfVpc(e.Docs, e.After.Text("vpc_id")) is not { } scope)
                return false;
            existing = new JsonObject
            {
                ["GroupId"] = e.Id, ["GroupName"] = e.After.Text("name") ?? e.Change.Address, ["Description"] = e.After.Text("description") ?? "",
                ["VpcId"] = e.After.Text("vpc_id"), ["OwnerId"] = OverlayDocuments.AccountOf(scope),
                ["IpPermissions"] = new JsonArray(), ["IpPermissionsEgress"] = new JsonArray(),
            };
            e.Docs.Add(scope, SecurityGroups, "SecurityGroups", existing);
        }

        existing["IpPermissions"] = new JsonArray(e.After.Blocks("ingress").Select(b => (JsonNode)InlinePermission(b, e.Id)).ToArray());
        existing["IpPermissionsEgress"] = new JsonArray(e.After.Blocks("egress").Select(b => (JsonNode)InlinePermission(b, e.Id)).ToArray());
        return true;
    }

    private static JsonObject InlinePermission(PlanValues rule, string ownGroup)
    {
        var groups = rule.Texts("security_groups").ToList();
        if (rule.Flag("self") == true)
            groups.Add(ownGroup);
        return Permission(rule.Text("protocol"), rule.Number("from_port"), rule.Number("to_port"), rule.Texts("cidr_blocks"), rule.Texts("ipv6_cidr_blocks"),
            rule.Texts("prefix_list_ids"), groups, rule.Text("description"));
    }

    private static bool SecurityGroupRule(PlanEdit e)
    {
        var placed = false;
        if (e.Change.Deletes || e.Change.Updates)
            placed |= EditGroup(e.Docs, e.Before.Text("security_group_id"), e.Before.Text("type") == "egress" ? "IpPermissionsEgress" : "IpPermissions",
                RulePermission(e.Before), remove: true);
        if (e.Change.Creates || e.Change.Updates)
            placed |= EditGroup(e.Docs, e.After.Text("security_group_id"), e.After.Text("type") == "egress" ? "IpPermissionsEgress" : "IpPermissions",
                RulePermission(e.After), remove: false);
        return placed;
    }

    private static JsonObject RulePermission(PlanValues rule)
    {
        var groups = new List<string>();
        if (rule.Text("source_security_group_id") is { } source)
            groups.Add(source);
        if (rule.Flag("self") == true && rule.Text("security_group_id") is { } own)
            groups.Add(own);
        return Permission(rule.Text("protocol"), rule.Number("from_port"), rule.Number("to_port"), rule.Texts("cidr_blocks"), rule.Texts("ipv6_cidr_blocks"),
            rule.Texts("prefix_list_ids"), groups, rule.Text("description"));
    }

    private static bool VpcSecurityGroupRule(PlanEdit e, string list)
    {
        static JsonObject Of(PlanValues r) => Permission(r.Text("ip_protocol"), r.Number("from_port"), r.Number("to_port"),
            Listed(r.Text("cidr_ipv4")), Listed(r.Text("cidr_ipv6")), Listed(r.Text("prefix_list_id")), Listed(r.Text("referenced_security_group_id")), r.Text("description"));
        var placed = false;
        if (e.Change.Deletes || e.Change.Updates)
            placed |= EditGroup(e.Docs, e.Before.Text("security_group_id"), list, Of(e.Before), remove: true);
        if (e.Change.Creates || e.Change.Updates)
            placed |= EditGroup(e.Docs, e.After.Text("security_group_id"), list, Of(e.After), remove: false);
        return placed;
    }

    private static IReadOnlyList<string> Listed(string? value) => value is null ? [] : [value];

    private static JsonObject Permission(string? protocol, long? from, long? to, IEnumerable<string> cidrs, IEnumerable<string> ipv6, IEnumerable<string> prefixLists,
        IEnumerable<string> groups, string? description)
    {
        var wire = protocol?.ToLowerInvariant() switch
        {
            "6" or "tcp" => "tcp",
            "17" or "udp" => "udp",
            "1" or "icmp" => "icmp",
            "-1" or "all" or null => "-1",
            var other => other,
        };
        JsonObject Described(string member, string value) =>
            description is null ? new JsonObject { [member] = value } : new JsonObject { [member] = value, ["Description"] = description };
        var permission = new JsonObject
        {
            ["IpProtocol"] = wire,
            ["IpRanges"] = new JsonArray(cidrs.Select(c => (JsonNode)Described("CidrIp", c)).ToArray()),
            ["Ipv6Ranges"] = new JsonArray(ipv6.Select(c => (JsonNode)Described("CidrIpv6", c)).ToArray()),
            ["PrefixListIds"] = new JsonArray(prefixLists.Select(p => (JsonNode)Described("PrefixListId", p)).ToArray()),
            ["UserIdGroupPairs"] = new JsonArray(groups.Select(g => (JsonNode)Described("GroupId", g)).ToArray()),
        };
        if (wire != "-1" && from is not null && to is not null)
        {
            permission["FromPort"] = from;
            permission["ToPort"] = to;
        }

        return permission;
    }

    private static readonly (string List, string Key)[] PermissionTargets =
        [("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6"), ("PrefixListIds", "PrefixListId"), ("UserIdGroupPairs", "GroupId")];

    /// <summary>Adds a rule's sources to the group (the permission with its protocol and ports, as AWS merges them) or removes them.</summary>
    private static bool EditGroup(OverlayDocuments docs, string? groupId, string list, JsonObject permission, bool remove)
    {
        if (docs.FindForEdit(SecurityGroups, "SecurityGroups", "GroupId", groupId) is not { } group)
            return false;
        if (group[list] is not JsonArray permissions)
            group[list] = permissions = new JsonArray();
        var same = permissions.OfType<JsonObject>().FirstOrDefault(p => SameTraffic(p, permission));
        if (same is null)
        {
            if (!remove)
                permissions.Add(permission);
            return true;
        }

        foreach (var (member, key) in PermissionTargets)
        {
            var target = same[member] as JsonArray ?? (JsonArray)(same[member] = new JsonArray());
            foreach (var entry in (permission[member] as JsonArray ?? []).OfType<JsonObject>())
            {
                var value = entry[key]?.GetValue<string>();
                var present = target.OfType<JsonObject>().FirstOrDefault(t => t[key]?.GetValue<string>() == value);
                if (remove && present is not null)
                    target.Remove(present);
                else if (!remove && present is null)
                    target.Add(entry.DeepClone());
            }
        }

        if (remove && PermissionTargets.All(t => same[t.List] is not JsonArray { Count: > 0 }))
            permissions.Remove(same);
        return true;
    }

    private static bool SameTraffic(JsonObject a, JsonObject b) =>
        a["IpProtocol"]?.ToJsonString() == b["IpProtocol"]?.ToJsonString()
        && a["FromPort"]?.ToJsonString() == b["FromPort"]?.ToJsonString()
        && a["ToPort"]?.ToJsonString() == b["ToPort"]?.ToJsonString();

    // ---- routing ----

    private static readonly (string Terraform, string Aws)[] RouteTargets =
    [
        ("gateway_id", "GatewayId"), ("vpc_endpoint_id", "GatewayId"), ("nat_gateway_id", "NatGatewayId"), ("transit_gateway_id", "TransitGatewayId"),
        ("vpc_peering_connection_id", "VpcPeeringConnectionId"), ("network_interface_id", "NetworkInterfaceId"), ("egress_only_gateway_id", "EgressOnlyInternetGatewayId"),
        ("local_gateway_id", "LocalGatewayId"), ("carrier_gateway_id", "CarrierGatewayId"), ("core_network_arn", "CoreNetworkArn"),
    ];

    private static JsonObject RouteOf(PlanValues route, string cidr, string ipv6, string prefixList)
    {
        var wire = new JsonObject { ["State"] = "active", ["Origin"] = "CreateRoute" };
        if (route.Text(cidr) is { } c)
            wire["DestinationCidrBlock"] = c;
        if (route.Text(ipv6) is { } v6)
            wire["DestinationIpv6CidrBlock"] = v6;
        if (route.Text(prefixList) is { } pl)
            wire["DestinationPrefixListId"] = pl;
        foreach (var (terraform, aws) in RouteTargets)
            if (route.Text(terraform) is { } target)
                wire[aws] = target;
        return wire;
    }

    private static string Destination(JsonObject route) =>
        (route["DestinationCidrBlock"] ?? route["DestinationIpv6CidrBlock"] ?? route["DestinationPrefixListId"])?.GetValue<string>() ?? "";

    private static bool Route(PlanEdit e)
    {
        var placed = false;
        if (e.Change.Deletes || e.Change.Updates)
        {
            var old = RouteOf(e.Before, "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id");
            if (e.Docs.FindForEdit(RouteTables, "RouteTables", "RouteTableId", e.Before.Text("route_table_id")) is { } table)
            {
                var routes = table["Routes"]!.AsArray();
                foreach (var route in routes.OfType<JsonObject>().Where(r => Destination(r) == Destination(old)).ToList())
                    routes.Remove(route);
                placed = true;
            }
        }

        if (e.Change.Creates || e.Change.Updates)
        {
            var route = RouteOf(e.After, "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id");
            if (e.Docs.FindForEdit(RouteTables, "RouteTables", "RouteTableId", e.After.Text("route_table_id")) is { } table)
            {
                table["Routes"]!.AsArray().Add(route);
                placed = true;
            }
        }

        return placed;
    }

    private static bool RouteTable(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
            return e.Docs.Remove(RouteTables, "RouteTables", "RouteTableId", e.Before.Text("id"));
        var table = e.Docs.FindForEdit(RouteTables, "RouteTables", "RouteTableId", e.Before.Text("id") ?? e.After.Text("id"));
        if (table is null)
        {
            if (ScopeOfVpc(e.Docs, e.After.Text("vpc_id")) is not { } scope)
                return false;
            table = new JsonObject
            {
                ["RouteTableId"] = e.Id, ["VpcId"] = e.After.Text("vpc_id"), ["OwnerId"] = OverlayDocuments.AccountOf(scope),
                ["Routes"] = new JsonArray(new JsonObject { ["DestinationCidrBlock"] = VpcCidr(e.Docs, e.After.Text("vpc_id")), ["GatewayId"] = "local", ["Origin"] = "CreateRouteTable", ["State"] = "active" }),
                ["Associations"] = new JsonArray(),
            };
            e.Docs.Add(scope, RouteTables, "RouteTables", table);
        }

        // The inline routes replace what Terraform manages: the local route, propagated and endpoint routes stay as AWS keeps them.
        var routes = table["Routes"]!.AsArray();
        foreach (var managed in routes.OfType<JsonObject>().Where(r => r["Origin"]?.GetValue<string>() == "CreateRoute"
                     && r["GatewayId"]?.GetValue<string>() is not ("local" or ['v', 'p', 'c', 'e', '-', ..])).ToList())
            routes.Remove(managed);
        foreach (var route in e.After.Blocks("route"))
            routes.Add(RouteOf(route, "cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"));
        return true;
    }

    private static string? VpcCidr(OverlayDocuments docs, string? vpcId) => docs.Find(Vpcs, "Vpcs", "VpcId", vpcId)?.Item["CidrBlock"]?.GetValue<string>();

    private static string? ScopeOfVpc(OverlayDocuments docs, string? vpcId) => docs.Find(Vpcs, "Vpcs", "VpcId", vpcId)?.Scope;

    private static bool RouteTableAssociation(PlanEdit e)
    {
        var placed = false;
        if (e.Change.Deletes || e.Change.Updates)
            placed |= Disassociate(e.Docs, e.Before.Text("route_table_id"), e.Before.Text("subnet_id") ?? e.Before.Text("gateway_id"));
        if (e.Change.Creates || e.Change.Updates)
        {
            var subnet = e.After.Text("subnet_id");
            var gateway = e.After.Text("gateway_id");
            if (e.Docs.Find(RouteTables, "RouteTables", "RouteTableId", e.After.Text("route_table_id")) is { } found)
            {
                // A subnet has one explicit association: the new one replaces whatever table held it.
                foreach (var other in e.Docs.Read(found.Scope, RouteTables)!["RouteTables"]!.AsArray().OfType<JsonObject>()
                             .Where(t => t["Associations"]!.AsArray().OfType<JsonObject>().Any(a => subnet is not null && a["SubnetId"]?.GetValue<string>() == subnet)).ToList())
                    Disassociate(e.Docs, other["RouteTableId"]!.GetValue<string>(), subnet);
                var table = e.Docs.FindForEdit(RouteTables, "RouteTables", "RouteTableId", e.After.Text("route_table_id"))!;
                var association = new JsonObject { ["Main"] = false, ["RouteTableAssociationId"] = e.Id, ["RouteTableId"] = table["RouteTableId"]!.GetValue<string>(), ["AssociationState"] = new JsonObject { ["State"] = "associated" } };
                if (subnet is not null)
                    association["SubnetId"] = subnet;
                if (gateway is not null)
                    association["GatewayId"] = gateway;
                table["Associations"]!.AsArray().Add(association);
                placed = true;
            }
        }

        return placed;
    }

    private static bool Disassociate(OverlayDocuments docs, string? tableId, string? target)
    {
        if (target is null || docs.FindForEdit(RouteTables, "RouteTables", "RouteTableId", tableId) is not { } table)
            return false;
        var associations = table["Associations"]!.AsArray();
        foreach (var association in associations.OfType<JsonObject>()
                     .Where(a => a["SubnetId"]?.GetValue<string>() == target || a["GatewayId"]?.GetValue<string>() == target).ToList())
            associations.Remove(association);
        return true;
    }

    private static bool MainRouteTableAssociation(PlanEdit e)
    {
        if (!(e.Change.Creates || e.Change.Updates) || ScopeOfVpc(e.Docs, e.After.Text("vpc_id")) is not { } scope)
            return false;
        var vpc = e.After.Text("vpc_id");
        var target = e.After.Text("route_table_id");
        foreach (var table in e.Docs.Edit(scope, RouteTables)["RouteTables"]!.AsArray().OfType<JsonObject>().Where(t => t["VpcId"]?.GetValue<string>() == vpc))
        {
            var associations = table["Associations"]!.AsArray();
            foreach (var main in associations.OfType<JsonObject>().Where(a => a["Main"]?.GetValue<bool>() == true).ToList())
                associations.Remove(main);
            if (table["RouteTableId"]?.GetValue<string>() == target)
                associations.Add(new JsonObject { ["Main"] = true, ["RouteTableAssociationId"] = e.Id, ["RouteTableId"] = target, ["AssociationState"] = new JsonObject { ["State"] = "associated" } });
        }

        return true;
    }

    // ---- network ACLs ----

    private static string NaclProtocol(string? protocol) => protocol?.ToLowerInvariant() switch
    {
        "tcp" => "6",
        "udp" => "17",
        "icmp" => "1",
        "all" or null => "-1",
        var other => other,
    };

    private static JsonObject AclEntry(string? protocol, long? number, bool egress, string? action, string? cidr, string? ipv6, long? from, long? to)
    {
        var wire = NaclProtocol(protocol);
        var entry = new JsonObject { ["RuleNumber"] = number, ["Protocol"] = wire, ["RuleAction"] = action?.ToLowerInvariant(), ["Egress"] = egress };
        if (cidr is not null)
            entry["CidrBlock"] = cidr;
        if (ipv6 is not null)
            entry["Ipv6CidrBlock"] = ipv6;
        if (wire is "6" or "17" && from is not null && to is not null)
            entry["PortRange"] = new JsonObject { ["From"] = from, ["To"] = to };
        return entry;
    }

    private static bool NetworkAcl(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
            return e.Docs.Remove(NetworkAcls, "NetworkAcls", "NetworkAclId", e.Before.Text("id"));
        var acl = e.Docs.FindForEdit(NetworkAcls, "NetworkAcls", "NetworkAclId", e.Before.Text("id") ?? e.After.Text("id"));
        if (acl is null)
        {
            if (ScopeOfVpc(e.Docs, e.After.Text("vpc_id")) is not { } scope)
                return false;
            acl = new JsonObject { ["NetworkAclId"] = e.Id, ["VpcId"] = e.After.Text("vpc_id"), ["IsDefault"] = false, ["OwnerId"] = OverlayDocuments.AccountOf(scope), ["Associations"] = new JsonArray(), ["Entries"] = new JsonArray() };
            e.Docs.Add(scope, NetworkAcls, "NetworkAcls", acl);
        }

        var entries = new JsonArray();
        foreach (var (block, egress) in e.After.Blocks("ingress").Select(b => (b, false)).Concat(e.After.Blocks("egress").Select(b => (b, true))))
            entries.Add(AclEntry(block.Text("protocol"), block.Number("rule_no"), egress, block.Text("action"), block.Text("cidr_block"), block.Text("ipv6_cidr_block"), block.Number("from_port"), block.Number("to_port")));
        // The default rule (32767, deny) is AWS's, not Terraform's.
        foreach (var implicitDeny in (acl["Entries"] as JsonArray ?? []).OfType<JsonObject>().Where(x => x["RuleNumber"]?.GetValue<int>() == 32767))
            entries.Add(implicitDeny.DeepClone());
        acl["Entries"] = entries;
        return true;
    }

    private static bool NetworkAclRule(PlanEdit e)
    {
        var placed = false;
        if (e.Change.Deletes || e.Change.Updates)
            if (e.Docs.FindForEdit(NetworkAcls, "NetworkAcls", "NetworkAclId", e.Before.Text("network_acl_id")) is { } acl)
            {
                var entries = acl["Entries"]!.AsArray();
                foreach (var entry in entries.OfType<JsonObject>().Where(x => x["RuleNumber"]?.GetValue<int>() == e.Before.Number("rule_number")
                             && x["Egress"]?.GetValue<bool>() == (e.Before.Flag("egress") ?? false)).ToList())
                    entries.Remove(entry);
                placed = true;
            }

        if (e.Change.Creates || e.Change.Updates)
            if (e.Docs.FindForEdit(NetworkAcls, "NetworkAcls", "NetworkAclId", e.After.Text("network_acl_id")) is { } acl)
            {
                var a = e.After;
                acl["Entries"]!.AsArray().Add(AclEntry(a.Text("protocol"), a.Number("rule_number"), a.Flag("egress") ?? false, a.Text("rule_action"), a.Text("cidr_block"),
                    a.Text("ipv6_cidr_block"), a.Number("from_port"), a.Number("to_port")));
                placed = true;
            }

        return placed;
    }

    private static bool NetworkAclAssociation(PlanEdit e)
    {
        if (!(e.Change.Creates || e.Change.Updates))
            return e.Docs.Find(NetworkAcls, "NetworkAcls", "NetworkAclId", e.Before.Text("network_acl_id")) is not null;
        var subnet = e.After.Text("subnet_id");
        if (e.Docs.Find(NetworkAcls, "NetworkAcls", "NetworkAclId", e.After.Text("network_acl_id")) is not { } found)
            return false;
        foreach (var acl in e.Docs.Edit(found.Scope, NetworkAcls)["NetworkAcls"]!.AsArray().OfType<JsonObject>())
        {
            var associations = acl["Associations"] as JsonArray ?? (JsonArray)(acl["Associations"] = new JsonArray());
            foreach (var old in associations.OfType<JsonObject>().Where(a => a["SubnetId"]?.GetValue<string>() == subnet).ToList())
                associations.Remove(old);
            if (acl["NetworkAclId"]?.GetValue<string>() == e.After.Text("network_acl_id"))
                associations.Add(new JsonObject { ["NetworkAclAssociationId"] = e.Id, ["NetworkAclId"] = acl["NetworkAclId"]!.GetValue<string>(), ["SubnetId"] = subnet });
        }

        return true;
    }

    // ---- endpoints, subnets, gateways ----

    private static bool VpcEndpoint(PlanEdit e)
    {
        if (e.Change.Deletes)
        {
            var gone = e.Docs.Find(Endpoints, "VpcEndpoints", "VpcEndpointId", e.Before.Text("id"));
            if (gone is { } endpoint)
            {
                // The endpoint's network interfaces go with it.
                foreach (var eni in (endpoint.Item["NetworkInterfaceIds"] as JsonArray ?? []).Select(n => n?.GetValue<string>()).ToList())
                    e.Docs.Remove(Interfaces, "NetworkInterfaces", "NetworkInterfaceId", eni);
                e.Docs.Remove(Endpoints, "VpcEndpoints", "VpcEndpointId", e.Before.Text("id"));
            }

            if (!e.Change.Creates)
                return gone is not null;
        }

        var a = e.After;
        var existing = e.Docs.FindForEdit(Endpoints, "VpcEndpoints", "VpcEndpointId", a.Text("id"));
        if (existing is null)
        {
            if (ScopeOfVpc(e.Docs, a.Text("vpc_id")) is not { } scope)
                return false;
            existing = new JsonObject { ["VpcEndpointId"] = e.Id, ["VpcId"] = a.Text("vpc_id"), ["State"] = "available", ["OwnerId"] = OverlayDocuments.AccountOf(scope) };
            e.Docs.Add(scope, Endpoints, "VpcEndpoints", existing);
        }

        existing["VpcEndpointType"] = a.Text("vpc_endpoint_type") ?? "Gateway";
        existing["ServiceName"] = a.Text("service_name");
        existing["PrivateDnsEnabled"] = a.Flag("private_dns_enabled") ?? false;
        existing["RouteTableIds"] = Strings(a.Texts("route_table_ids"));
        existing["SubnetIds"] = Strings(a.Texts("subnet_ids"));
        existing["Groups"] = new JsonArray(a.Texts("security_group_ids").Select(g => (JsonNode)new JsonObject { ["GroupId"] = g }).ToArray());
        // The interfaces exist only after apply: a planned interface endpoint's are unknown, and the reading says so.
        existing["NetworkInterfaceIds"] = Strings(a.Texts("network_interface_ids"));
        if (a.Text("policy") is { } policy)
            existing["PolicyDocument"] = policy;
        return true;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());

    private static bool Subnet(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
            return e.Docs.Remove(Subnets, "Subnets", "SubnetId", e.Before.Text("id"));
        var a = e.After;
        var existing = e.Docs.FindForEdit(Subnets, "Subnets", "SubnetId", a.Text("id"));
        if (existing is null)
        {
            if (ScopeOfVpc(e.Docs, a.Text("vpc_id")) is not { } scope)
                return false;
            existing = new JsonObject
            {
                ["SubnetId"] = e.Id, ["VpcId"] = a.Text("vpc_id"), ["AvailabilityZone"] = a.Text("availability_zone"), ["CidrBlock"] = a.Text("cidr_block"),
                ["Ipv6CidrBlockAssociationSet"] = new JsonArray(), ["OwnerId"] = OverlayDocuments.AccountOf(scope),
            };
            e.Docs.Add(scope, Subnets, "Subnets", existing);
        }

        existing["MapPublicIpOnLaunch"] = a.Flag("map_public_ip_on_launch") ?? false;
        return true;
    }

    private static bool NatGateway(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
            return e.Docs.Remove(NatGateways, "NatGateways", "NatGatewayId", e.Before.Text("id"));
        var a = e.After;
        if (e.Docs.Find(Subnets, "Subnets", "SubnetId", a.Text("subnet_id")) is not { } subnet)
            return false;
        e.Docs.Remove(NatGateways, "NatGateways", "NatGatewayId", a.Text("id"));
        // The public address is the Elastic IP's (public_ip is only an output): taken from the evidence when the EIP is there; one the
        // plan creates has it only after apply, which undecides the verdicts resting on its value (not those needing only that there is one).
        var address = new JsonObject();
        // The private address is AWS's pick from the subnet unless the configuration sets it; an unpicked one stays out of the evidence.
        if (a.Text("private_ip") is { } privateIp)
            address["PrivateIp"] = privateIp;
        if (a.Text("allocation_id") is { } allocation)
        {
            address["AllocationId"] = allocation;
            if (e.Docs.Find(Addresses, "Addresses", "AllocationId", allocation)?.Item["PublicIp"]?.GetValue<string>() is { } ip)
                address["PublicIp"] = ip;
            if (e.Docs.Pending.TryGetValue(allocation, out var pending))
                e.Docs.Borrowed.Add((pending.Address, pending.Attribute, NatAddresses.PublicIpReadBy));
        }
        e.Docs.Add(subnet.Scope, NatGateways, "NatGateways", new JsonObject
        {
            ["NatGatewayId"] = e.Id, ["SubnetId"] = a.Text("subnet_id"), ["VpcId"] = subnet.Item["VpcId"]?.GetValue<string>(), ["State"] = "available",
            ["ConnectivityType"] = a.Text("connectivity_type") ?? "public", ["NatGatewayAddresses"] = new JsonArray(address),
        });
        return true;
    }

    /// <summary>
    /// A VPC Elastic IP, in the account and region of its provider configuration. Its public address is usually known only after
    /// apply: it stands under a documentation address (192.0.2.0/24, never allocated) so that a path through it is traced, and the
    /// verdicts resting on the value are undecided where a NAT gateway or an interface takes it.
    /// </summary>
    private static bool ElasticIp(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
            return e.Docs.Remove(Addresses, "Addresses", "AllocationId", e.Before.Text("id") ?? e.Before.Text("allocation_id"));
        var existing = e.Docs.FindForEdit(Addresses, "Addresses", "AllocationId", e.Change.Creates ? null : e.Id);
        if (existing is null)
        {
            if (!e.Change.Creates)
                return false;
            var account = e.Accounts.AccountOf(e.Change);
            var scopes = e.Docs.Scopes.Where(s => account is null ? e.Docs.Scopes.Select(OverlayDocuments.AccountOf).Distinct().Count() == 1 : OverlayDocuments.AccountOf(s) == account).ToList();
            if (scopes.Count != 1)
                throw new UnplaceableChangeException(account is null
                    ? $"the plan does not say which account provider configuration {e.Change.Provider ?? "(none in the plan)"} allocates it in: state its assume_role role_arn or allowed_account_ids"
                    : $"account {account} is audited in {(scopes.Count == 0 ? "no region" : "several regions")} and the plan does not place it in one");
            existing = new JsonObject { ["AllocationId"] = e.Id, ["Domain"] = "vpc" };
            e.Docs.Add(scopes[0], Addresses, "Addresses", existing);
        }

        if (e.After.Text("public_ip") is { } ip)
            existing["PublicIp"] = ip;
        else
        {
            existing["PublicIp"] = $"192.0.2.{1 + (e.Change.Address.Aggregate(0, (h, c) => (h * 31 + c) & 0xffff) % 254)}";
            e.Docs.Pending[e.Id] = (e.Change.Address, "public_ip");
        }

        if (e.After.Text("network_interface") is { } eni)
            Associate(e, existing, eni, e.After.Text("associate_with_private_ip"));
        return true;
    }

    private static bool ElasticIpAssociation(PlanEdit e)
    {
        if (e.Before.Present && e.Docs.FindForEdit(Addresses, "Addresses", "AllocationId", e.Before.Text("allocation_id")) is { } old)
            foreach (var member in new[] { "AssociationId", "NetworkInterfaceId", "PrivateIpAddress", "InstanceId" })
                old.Remove(member);
        if (!(e.Change.Creates || e.Change.Updates))
            return e.Before.Present;
        if (e.Docs.FindForEdit(Addresses, "Addresses", "AllocationId", e.After.Text("allocation_id")) is not { } address)
            return false;
        if (e.After.Text("network_interface_id") is not { } eni)
            throw new UnplaceableChangeException("an association by instance_id alone is not modelled (which interface and private address it lands on is AWS's pick): name network_interface_id and private_ip_address", namesAudited: true);
        address["AssociationId"] = e.Id;
        Associate(e, address, eni, e.After.Text("private_ip_address"));
        return true;
    }

    /// <summary>The address on an interface (its primary private address unless one is named); a pending public IP undecides what reads the interface's addresses.</summary>
    private static void Associate(PlanEdit e, JsonObject address, string eni, string? privateIp)
    {
        var primary = e.Docs.Find(Interfaces, "NetworkInterfaces", "NetworkInterfaceId", eni)?.Item["PrivateIpAddress"]?.GetValue<string>();
        address["NetworkInterfaceId"] = eni;
        if ((privateIp ?? primary) is { } ip)
            address["PrivateIpAddress"] = ip;
        if (address["AllocationId"]?.GetValue<string>() is { } allocation && e.Docs.Pending.TryGetValue(allocation, out var pending))
            e.Docs.Borrowed.Add((pending.Address, pending.Attribute, ControlsReading.Of(AwsCalls.DescribeAddresses)));
    }

    private static bool InternetGateway(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
            return e.Docs.Remove(InternetGateways, "InternetGateways", "InternetGatewayId", e.Before.Text("id"));
        var vpc = e.After.Text("vpc_id");
        var existing = e.Docs.FindForEdit(InternetGateways, "InternetGateways", "InternetGatewayId", e.After.Text("id"));
        var scope = existing is null ? ScopeOfVpc(e.Docs, vpc) : null;
        if (existing is null && scope is null)
            return false;
        if (existing is null)
        {
            existing = new JsonObject { ["InternetGatewayId"] = e.Id, ["OwnerId"] = OverlayDocuments.AccountOf(scope!) };
            e.Docs.Add(scope!, InternetGateways, "InternetGateways", existing);
        }

        existing["Attachments"] = vpc is null ? new JsonArray() : new JsonArray(new JsonObject { ["VpcId"] = vpc, ["State"] = "available" });
        return true;
    }

    // ---- transit gateways and peering ----

    private static bool TransitGatewayRoute(PlanEdit e)
    {
        var placed = false;
        if (e.Change.Deletes || e.Change.Updates)
            placed |= EditTgwRoutes(e.Docs, e.Before.Text("transit_gateway_route_table_id"), routes =>
            {
                foreach (var old in routes.OfType<JsonObject>().Where(r => r["DestinationCidrBlock"]?.GetValue<string>() == e.Before.Text("destination_cidr_block")).ToList())
                    routes.Remove(old);
            });
        if (e.Change.Creates || e.Change.Updates)
            placed |= EditTgwRoutes(e.Docs, e.After.Text("transit_gateway_route_table_id"), routes =>
            {
                var blackhole = e.After.Flag("blackhole") == true;
                var route = new JsonObject { ["DestinationCidrBlock"] = e.After.Text("destination_cidr_block"), ["Type"] = "static", ["State"] = blackhole ? "blackhole" : "active" };
                if (!blackhole && e.After.Text("transit_gateway_attachment_id") is { } attachment)
                {
                    var resource = e.Docs.Find(TgwAttachments, "TransitGatewayAttachments", "TransitGatewayAttachmentId", attachment)?.Item;
                    route["TransitGatewayAttachments"] = new JsonArray(new JsonObject
                    {
                        ["TransitGatewayAttachmentId"] = attachment, ["ResourceId"] = resource?["ResourceId"]?.GetValue<string>(), ["ResourceType"] = resource?["ResourceType"]?.GetValue<string>() ?? "vpc",
                    });
                }

                routes.Add(route);
            });
        return placed;
    }

    private static bool EditTgwRoutes(OverlayDocuments docs, string? table, Action<JsonArray> edit)
    {
        if (docs.Find(TgwRouteTables, "TransitGatewayRouteTables", "TransitGatewayRouteTableId", table) is not { } found)
            return false;
        var file = AwsCalls.SearchTransitGatewayRoutes.FileFor(table);
        var document = docs.Edit(found.Scope, file, () => new JsonObject { ["Routes"] = new JsonArray(), ["AdditionalRoutesAvailable"] = false });
        edit(document["Routes"] as JsonArray ?? (JsonArray)(document["Routes"] = new JsonArray()));
        return true;
    }

    private static bool TransitGatewayVpcAttachment(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
        {
            var gone = e.Docs.Remove(TgwVpcAttachments, "TransitGatewayVpcAttachments", "TransitGatewayAttachmentId", e.Before.Text("id"));
            return e.Docs.Remove(TgwAttachments, "TransitGatewayAttachments", "TransitGatewayAttachmentId", e.Before.Text("id")) | gone;
        }

        var a = e.After;
        if (e.Docs.Find(Vpcs, "Vpcs", "VpcId", a.Text("vpc_id")) is not { } vpc)
            return false;
        var account = OverlayDocuments.AccountOf(vpc.Scope);
        e.Docs.Remove(TgwVpcAttachments, "TransitGatewayVpcAttachments", "TransitGatewayAttachmentId", e.Id);
        e.Docs.Remove(TgwAttachments, "TransitGatewayAttachments", "TransitGatewayAttachmentId", e.Id);
        e.Docs.Add(vpc.Scope, TgwVpcAttachments, "TransitGatewayVpcAttachments", new JsonObject
        {
            ["TransitGatewayAttachmentId"] = e.Id, ["TransitGatewayId"] = a.Text("transit_gateway_id"), ["VpcId"] = a.Text("vpc_id"), ["VpcOwnerId"] = account,
            ["State"] = "available", ["SubnetIds"] = Strings(a.Texts("subnet_ids")),
        });
        var attachment = new JsonObject
        {
            ["TransitGatewayAttachmentId"] = e.Id, ["TransitGatewayId"] = a.Text("transit_gateway_id"), ["ResourceOwnerId"] = account, ["ResourceType"] = "vpc",
            ["ResourceId"] = a.Text("vpc_id"), ["State"] = "available",
        };
        // The attachment is associated with the gateway's default route table unless the configuration says otherwise.
        if (a.Flag("transit_gateway_default_route_table_association") != false
            && e.Docs.Scopes.SelectMany(s => e.Docs.Read(s, TgwRouteTables)?["TransitGatewayRouteTables"] as JsonArray ?? [])
                .OfType<JsonObject>().FirstOrDefault(t => t["TransitGatewayId"]?.GetValue<string>() == a.Text("transit_gateway_id") && t["DefaultAssociationRouteTable"]?.GetValue<bool>() == true) is { } table)
            attachment["Association"] = new JsonObject { ["TransitGatewayRouteTableId"] = table["TransitGatewayRouteTableId"]!.GetValue<string>(), ["State"] = "associated" };
        // The VPC's CIDR is propagated to the gateway's default propagation route table unless the configuration says otherwise.
        if (a.Flag("transit_gateway_default_route_table_propagation") != false && VpcCidr(e.Docs, a.Text("vpc_id")) is { } cidr)
            foreach (var propagation in e.Docs.Scopes.SelectMany(s => e.Docs.Read(s, TgwRouteTables)?["TransitGatewayRouteTables"] as JsonArray ?? []).OfType<JsonObject>()
                         .Where(t => t["TransitGatewayId"]?.GetValue<string>() == a.Text("transit_gateway_id") && t["DefaultPropagationRouteTable"]?.GetValue<bool>() == true).ToList())
                EditTgwRoutes(e.Docs, propagation["TransitGatewayRouteTableId"]!.GetValue<string>(), routes => routes.Add(new JsonObject
                {
                    ["DestinationCidrBlock"] = cidr, ["Type"] = "propagated", ["State"] = "active",
                    ["TransitGatewayAttachments"] = new JsonArray(new JsonObject { ["ResourceId"] = a.Text("vpc_id"), ["TransitGatewayAttachmentId"] = e.Id, ["ResourceType"] = "vpc" }),
                }));
        // Both the VPC's account and the gateway owner's list the attachment.
        foreach (var scope in e.Docs.Scopes.Where(s => s == vpc.Scope || e.Docs.Read(s, TgwAttachments)?["TransitGatewayAttachments"] is JsonArray list
                     && list.OfType<JsonObject>().Any(x => x["TransitGatewayId"]?.GetValue<string>() == a.Text("transit_gateway_id"))))
            e.Docs.Add(scope, TgwAttachments, "TransitGatewayAttachments", (JsonObject)attachment.DeepClone());
        return true;
    }

    private static bool PeeringConnection(PlanEdit e)
    {
        if (e.Change.Deletes && !e.Change.Creates)
            return e.Docs.Remove(Peerings, "VpcPeeringConnections", "VpcPeeringConnectionId", e.Before.Text("id"));
        var a = e.After;
        var requester = e.Docs.Find(Vpcs, "Vpcs", "VpcId", a.Text("vpc_id"));
        var accepter = e.Docs.Find(Vpcs, "Vpcs", "VpcId", a.Text("peer_vpc_id"));
        if (requester is null && accepter is null)
            return false;
        JsonObject Side(string? vpc, (string Scope, JsonObject Item)? found, string? owner) => new()
        {
            ["VpcId"] = vpc, ["OwnerId"] = owner ?? (found is { } f ? OverlayDocuments.AccountOf(f.Scope) : null),
            ["CidrBlock"] = found?.Item["CidrBlock"]?.GetValue<string>(), ["Region"] = a.Text("peer_region"),
        };
        var connection = new JsonObject
        {
            ["VpcPeeringConnectionId"] = e.Id,
            ["RequesterVpcInfo"] = Side(a.Text("vpc_id"), requester, null),
            ["AccepterVpcInfo"] = Side(a.Text("peer_vpc_id"), accepter, a.Text("peer_owner_id")),
            ["Status"] = new JsonObject { ["Code"] = a.Flag("auto_accept") == true ? "active" : "pending-acceptance" },
        };
        foreach (var scope in new[] { requester?.Scope, accepter?.Scope }.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            e.Docs.Remove(Peerings, "VpcPeeringConnections", "VpcPeeringConnectionId", e.Id);
            e.Docs.Add(scope, Peerings, "VpcPeeringConnections", (JsonObject)connection.DeepClone());
        }

        return true;
    }

    /// <summary>The accepter's side accepts the connection (auto_accept); removing the resource leaves the connection as it is.</summary>
    private static bool PeeringAccepter(PlanEdit e)
    {
        var id = e.After.Text("vpc_peering_connection_id") ?? e.Before.Text("vpc_peering_connection_id");
        var copies = e.Docs.Scopes.Where(s => e.Docs.Read(s, Peerings)?["VpcPeeringConnections"] is JsonArray list
            && list.OfType<JsonObject>().Any(c => c["VpcPeeringConnectionId"]?.GetValue<string>() == id)).ToList();
        if (!(e.Change.Creates || e.Change.Updates) || e.After.Flag("auto_accept") != true)
            return copies.Count > 0;
        foreach (var scope in copies)
            foreach (var connection in e.Docs.Edit(scope, Peerings)["VpcPeeringConnections"]!.AsArray().OfType<JsonObject>().Where(c => c["VpcPeeringConnectionId"]?.GetValue<string>() == id))
                connection["Status"] = new JsonObject { ["Code"] = "active" };
        return copies.Count > 0;
    }

    // ---- CodeBuild and ECR ----

    private static bool CodeBuildProject(PlanEdit e)
    {
        var name = e.After.Text("name") ?? e.Before.Text("name");
        if (e.Change.Deletes && !e.Change.Creates)
        {
            if (e.FindNamed(Projects, "projects", "name", name) is not { } gone)
                return false;
            e.RemoveNamed(Projects, "projects", "name", name);
            if (e.Docs.Read(gone.Scope, ProjectList)?["projects"] is JsonArray)
                Remove(e.Docs.Edit(gone.Scope, ProjectList)["projects"]!.AsArray(), name);
            return true;
        }

        var a = e.After;
        var project = e.FindNamedForEdit(Projects, "projects", "name", name);
        if (project is null)
        {
            // A new project lands in the account whose build VPC it names.
            if (ScopeOfVpc(e.Docs, a.Block("vpc_config").Text("vpc_id")) is not { } scope)
                return false;
            project = new JsonObject { ["name"] = name, ["arn"] = $"arn:aws:codebuild:{scope.Split('/')[2]}:{OverlayDocuments.AccountOf(scope)}:project/{name}" };
            e.Docs.Add(scope, Projects, "projects", project);
            e.Docs.Edit(scope, ProjectList, () => new JsonObject { ["projects"] = new JsonArray() })["projects"]!.AsArray().Add(name);
        }

        var vpc = a.Block("vpc_config");
        if (vpc.Present)
            project["vpcConfig"] = new JsonObject { ["vpcId"] = vpc.Text("vpc_id"), ["subnets"] = Strings(vpc.Texts("subnets")), ["securityGroupIds"] = Strings(vpc.Texts("security_group_ids")) };
        else
            project.Remove("vpcConfig");
        var environment = project["environment"] as JsonObject ?? (JsonObject)(project["environment"] = new JsonObject());
        var plannedEnvironment = a.Block("environment");
        environment["privilegedMode"] = plannedEnvironment.Flag("privileged_mode") ?? false;
        if (plannedEnvironment.Text("type") is { } type)
            environment["type"] = type;
        if (plannedEnvironment.Text("image") is { } image)
            environment["image"] = image;
        if (plannedEnvironment.Text("compute_type") is { } compute)
            environment["computeType"] = compute;
        var logs = a.Block("logs_config").Block("cloudwatch_logs");
        var cloudWatch = new JsonObject { ["status"] = logs.Present ? logs.Text("status") ?? "ENABLED" : "ENABLED" };
        if (logs.Text("group_name") is { } group)
            cloudWatch["groupName"] = group;
        var logsConfig = project["logsConfig"] as JsonObject ?? (JsonObject)(project["logsConfig"] = new JsonObject());
        logsConfig["cloudWatchLogs"] = cloudWatch;
        if (a.Text("service_role") is { } role)
            project["serviceRole"] = role;
        return true;
    }

    private static void Remove(JsonArray values, string? value)
    {
        foreach (var item in values.Where(v => v?.GetValue<string>() == value).ToList())
            values.Remove(item);
    }

    private static bool EcrRepository(PlanEdit e)
    {
        var name = e.After.Text("name") ?? e.Before.Text("name");
        if (e.Change.Deletes && !e.Change.Creates)
            return e.RemoveNamed(Repositories, "repositories", "repositoryName", name);
        var repository = e.FindNamedForEdit(Repositories, "repositories", "repositoryName", name);
        if (repository is null)
        {
            // The plan does not say which account a new repository is created in: the one audited registry that holds
            // repositories, when there is exactly one; otherwise the change cannot be placed (and is reported so).
            var registries = e.Docs.Scopes.Where(s => e.Docs.Read(s, Repositories)?["repositories"] is JsonArray { Count: > 0 }).ToList();
            if (registries.Count != 1 || name is null)
                return false;
            var scope = registries[0];
            var (account, region) = (OverlayDocuments.AccountOf(scope), scope.Split('/')[2]);
            repository = new JsonObject
            {
                ["repositoryArn"] = $"arn:aws:ecr:{region}:{account}:repository/{name}", ["registryId"] = account, ["repositoryName"] = name,
                ["repositoryUri"] = $"{account}.dkr.ecr.{region}.amazonaws.com/{name}",
            };
            e.Docs.Add(scope, Repositories, "repositories", repository);
            // Created without a policy or a lifecycle policy until their own resources give one (mapped below).
            e.Docs.Put(scope, AwsCalls.GetRepositoryPolicy.FileFor(name), NotFound("RepositoryPolicyNotFoundException", $"Repository policy does not exist for the repository with name '{name}' in the registry with id '{account}'"));
            e.Docs.Put(scope, AwsCalls.GetLifecyclePolicy.FileFor(name), NotFound("LifecyclePolicyNotFoundException", $"Lifecycle policy does not exist for the repository with name '{name}' in the registry with id '{account}'"));
        }

        repository["imageTagMutability"] = e.After.Text("image_tag_mutability") ?? "MUTABLE";
        repository["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = e.After.Block("image_scanning_configuration").Flag("scan_on_push") ?? false };
        return true;
    }

    private static JsonObject NotFound(string code, string message) => new() { ["Error"] = new JsonObject { ["Code"] = code, ["Message"] = message } };

    private static bool EcrLifecyclePolicy(PlanEdit e)
    {
        var name = e.After.Text("repository") ?? e.Before.Text("repository");
        if (e.FindNamed(Repositories, "repositories", "repositoryName", name) is not { } repository)
            return false;
        var file = AwsCalls.GetLifecyclePolicy.FileFor(name);
        var registry = repository.Item["registryId"]?.GetValue<string>() ?? OverlayDocuments.AccountOf(repository.Scope);
        if (e.Change.Deletes && !e.Change.Creates)
            e.Docs.Put(repository.Scope, file, NotFound("LifecyclePolicyNotFoundException", $"Lifecycle policy does not exist for the repository with name '{name}' in the registry with id '{registry}'"));
        else if (e.After.Text("policy") is { } policy)
            e.Docs.Put(repository.Scope, file, new JsonObject { ["registryId"] = registry, ["repositoryName"] = name, ["lifecyclePolicyText"] = policy });
        else
            e.Docs.Touched.Add((repository.Scope, file));
        return true;
    }

    private static bool EcrRepositoryPolicy(PlanEdit e)
    {
        var name = e.After.Text("repository") ?? e.Before.Text("repository");
        if (e.FindNamed(Repositories, "repositories", "repositoryName", name) is not { } repository)
            return false;
        var file = AwsCalls.GetRepositoryPolicy.FileFor(name);
        var registry = repository.Item["registryId"]?.GetValue<string>() ?? OverlayDocuments.AccountOf(repository.Scope);
        if (e.Change.Deletes && !e.Change.Creates)
            e.Docs.Put(repository.Scope, file, NotFound("RepositoryPolicyNotFoundException", $"Repository policy does not exist for the repository with name '{name}' in the registry with id '{registry}'"));
        else if (e.After.Text("policy") is { } policy)
            e.Docs.Put(repository.Scope, file, new JsonObject { ["registryId"] = registry, ["repositoryName"] = name, ["policyText"] = policy });
        else
            e.Docs.Touched.Add((repository.Scope, file));
        return true;
    }

    // ---- IAM ----

    private static bool IamUser(PlanEdit e)
    {
        var name = e.Before.Text("name");
        if (e.Change.Deletes && !e.Change.Creates)
            return e.RemoveNamed(Iam, "UserDetailList", "UserName", name);
        // A new user holds no permission until a policy or group membership gives one (those are mapped with their own types).
        return e.FindNamed(Iam, "UserDetailList", "UserName", e.After.Text("name")) is not null;
    }

    private static bool IamUserGroupMembership(PlanEdit e)
    {
        var user = e.After.Text("user") ?? e.Before.Text("user");
        if (e.FindNamedForEdit(Iam, "UserDetailList", "UserName", user) is not { } detail)
            return false;
        var groups = detail["GroupList"] as JsonArray ?? (JsonArray)(detail["GroupList"] = new JsonArray());
        foreach (var group in e.Before.Texts("groups"))
            Remove(groups, group);
        foreach (var group in e.After.Texts("groups").Where(g => !groups.Any(x => x?.GetValue<string>() == g)))
            groups.Add(group);
        return true;
    }

    private static bool IamGroupMembership(PlanEdit e)
    {
        var placed = false;
        foreach (var user in e.Before.Texts("users"))
            if (e.FindNamedForEdit(Iam, "UserDetailList", "UserName", user) is { } detail && detail["GroupList"] is JsonArray groups)
            {
                Remove(groups, e.Before.Text("group"));
                placed = true;
            }

        foreach (var user in e.After.Texts("users"))
            if (e.FindNamedForEdit(Iam, "UserDetailList", "UserName", user) is { } detail)
            {
                var groups = detail["GroupList"] as JsonArray ?? (JsonArray)(detail["GroupList"] = new JsonArray());
                if (e.After.Text("group") is { } group && !groups.Any(g => g?.GetValue<string>() == group))
                    groups.Add(group);
                placed = true;
            }

        return placed;
    }

    private static bool IamInlinePolicy(PlanEdit e, string list, string nameMember, string principalAttribute, string policies)
    {
        var principal = e.After.Text(principalAttribute) ?? e.Before.Text(principalAttribute);
        if (e.FindNamedForEdit(Iam, list, nameMember, principal) is not { } detail)
            return false;
        var inline = detail[policies] as JsonArray ?? (JsonArray)(detail[policies] = new JsonArray());
        foreach (var old in inline.OfType<JsonObject>().Where(p => p["PolicyName"]?.GetValue<string>() == (e.Before.Text("name") ?? e.After.Text("name"))).ToList())
            inline.Remove(old);
        if ((e.Change.Creates || e.Change.Updates) && e.After.Text("policy") is { } policy)
            inline.Add(new JsonObject { ["PolicyName"] = e.After.Text("name"), ["PolicyDocument"] = PolicyDocument(policy) });
        return true;
    }

    /// <summary>The policy as get-account-authorization-details prints it (decoded JSON); text that is not JSON stays text, which the reader reports.</summary>
    private static JsonNode? PolicyDocument(string policy)
    {
        try
        {
            return JsonNode.Parse(policy);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(policy);
        }
    }

    /// <summary>
    /// A managed policy's default version is what its attachments grant. A created policy lands in the IAM details of its
    /// provider's account under the ARN IAM will give it; a document known only after apply is recorded as such (and grants
    /// nothing in the overlay, so every verdict reading it is undecided).
    /// </summary>
    private static bool IamPolicy(PlanEdit e)
    {
        var arn = e.Before.Text("arn") ?? e.After.Text("arn") ?? (e.Change.Creates ? e.Id : null);
        if (e.Change.Deletes && !e.Change.Creates)
            return e.RemoveNamed(Iam, "Policies", "Arn", arn);
        var policy = e.FindNamedForEdit(Iam, "Policies", "Arn", arn);
        if (policy is null && e.Change.Creates)
            policy = NewPolicy(e, arn);
        if (policy is null)
            return false;
        var document = e.After.Text("policy");
        if (document is null && !e.Change.Creates)
            return false;
        var versions = policy["PolicyVersionList"] as JsonArray ?? (JsonArray)(policy["PolicyVersionList"] = new JsonArray());
        var current = versions.OfType<JsonObject>().FirstOrDefault(v => v["VersionId"]?.GetValue<string>() == policy["DefaultVersionId"]?.GetValue<string>());
        if (current is null)
            versions.Add(current = new JsonObject { ["VersionId"] = policy["DefaultVersionId"]?.GetValue<string>() ?? "v1", ["IsDefaultVersion"] = true });
        current["Document"] = document is null ? new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray() } : PolicyDocument(document);
        return true;
    }

    /// <exception cref="UnplaceableChangeException">The plan does not give the account or the name the policy's ARN is made of.</exception>
    private static JsonObject? NewPolicy(PlanEdit e, string? arn)
    {
        if (arn is null || !arn.StartsWith("arn:", StringComparison.Ordinal))
            throw new UnplaceableChangeException(e.Accounts.AccountOf(e.Change) is null
                ? $"the plan does not say which account provider configuration {e.Change.Provider ?? "(none in the plan)"} creates the policy in: state its assume_role role_arn or allowed_account_ids"
                : "its name is known only after apply (name_prefix or a computed name), so neither is its ARN: set name as a constant");
        var account = arn.Split(':')[4];
        if (e.Docs.Scopes.FirstOrDefault(s => OverlayDocuments.AccountOf(s) == account && e.Docs.Read(s, Iam) is not null) is not { } scope)
            return null;
        var policy = new JsonObject
        {
            ["PolicyName"] = arn[(arn.LastIndexOf('/') + 1)..], ["Arn"] = arn, ["Path"] = e.After.Text("path") ?? "/", ["DefaultVersionId"] = "v1",
            ["IsAttachable"] = true, ["PolicyVersionList"] = new JsonArray(),
        };
        e.Docs.Add(scope, Iam, "Policies", policy);
        return policy;
    }

    /// <summary>arn:aws:iam::ACCOUNT:policy{path}{name}, as IAM makes it, for a policy whose provider's account and name the plan gives.</summary>
    private static string? IamPolicyArn(PlannedChange change, PlanAccounts accounts) =>
        accounts.AccountOf(change) is { } account && Constant(change, "name") is { } name
            ? $"arn:aws:iam::{account}:policy{Constant(change, "path") ?? "/"}{name}"
            : null;

    private static string? Constant(PlannedChange change, string attribute) =>
        change.After?[attribute] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;

    private static bool IamAttachment(PlanEdit e, string list, string nameMember, string principalAttribute)
    {
        var principal = e.After.Text(principalAttribute) ?? e.Before.Text(principalAttribute);
        if (e.FindNamedForEdit(Iam, list, nameMember, principal) is not { } detail)
            return false;
        var attached = detail["AttachedManagedPolicies"] as JsonArray ?? (JsonArray)(detail["AttachedManagedPolicies"] = new JsonArray());
        foreach (var old in attached.OfType<JsonObject>().Where(p => p["PolicyArn"]?.GetValue<string>() == e.Before.Text("policy_arn")).ToList())
            attached.Remove(old);
        if ((e.Change.Creates || e.Change.Updates) && e.After.Text("policy_arn") is { } arn)
            attached.Add(new JsonObject { ["PolicyName"] = arn[(arn.LastIndexOf('/') + 1)..], ["PolicyArn"] = arn });
        return true;
    }
}
