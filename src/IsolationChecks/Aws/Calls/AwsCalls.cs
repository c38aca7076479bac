using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using IsolationChecks.Aws.Clients;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Aws.Calls;

/// <summary>
/// The call catalog: every AWS call the tool makes, each declared once. Adding a call is adding one entry here
/// (and its shape under Aws/Shapes): the collector plans and makes it, the reader knows its file and shape, the
/// read-only allowlist and the audit role's policy grant its action, and the generated docs list it.
/// </summary>
public static class AwsCalls
{
    // ---- STS: the identity every scope confirms before anything else is collected ----

    public static AwsCall GetCallerIdentity { get; } = new()
    {
        Service = AwsServices.Sts, Operation = "GetCallerIdentity", File = "sts/get-caller-identity.json", Cli = "aws sts get-caller-identity",
        Shape = typeof(CallerIdentity), ReadBy = "every scope: the account is confirmed before anything is collected",
        Sdk = SdkBindings.CallerIdentity,
    };

    // ---- EC2: the network (files at the scope's root, named by the CLI's top-level member) ----

    public static AwsCall DescribeVpcs { get; } = Ec2("Vpcs", typeof(DescribeVpcsOutput), "CB-2, CB-3, EP-1..EP-5, GL-2, CONN-1",
        SdkBindings.Ec2("Vpcs", "vpcSet", (_, t, n) => new DescribeVpcsRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeVpcsAsync(r, t), r => (r.Vpcs, r.NextToken)));

    public static AwsCall DescribeSubnets { get; } = Ec2("Subnets", typeof(DescribeSubnetsOutput), "CB-2, CB-3, EP-1..EP-5, GL-2, CONN-1",
        SdkBindings.Ec2("Subnets", "subnetSet", (_, t, n) => new DescribeSubnetsRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeSubnetsAsync(r, t), r => (r.Subnets, r.NextToken)));

    public static AwsCall DescribeRouteTables { get; } = Ec2("RouteTables", typeof(DescribeRouteTablesOutput), "CB-2, CB-3, EP-4, EP-5, GL-2, CONN-1",
        SdkBindings.Ec2("RouteTables", "routeTableSet", (_, t, n) => new DescribeRouteTablesRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeRouteTablesAsync(r, t), r => (r.RouteTables, r.NextToken)));

    public static AwsCall DescribeNetworkAcls { get; } = Ec2("NetworkAcls", typeof(DescribeNetworkAclsOutput), "CB-3, EP-4, GL-2, CONN-1",
        SdkBindings.Ec2("NetworkAcls", "networkAclSet", (_, t, n) => new DescribeNetworkAclsRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeNetworkAclsAsync(r, t), r => (r.NetworkAcls, r.NextToken)));

    public static AwsCall DescribeSecurityGroups { get; } = Ec2("SecurityGroups", typeof(DescribeSecurityGroupsOutput), "CB-3, EP-4, GL-1, GL-2, CONN-1",
        SdkBindings.Ec2("SecurityGroups", "securityGroupInfo", (_, t, n) => new DescribeSecurityGroupsRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeSecurityGroupsAsync(r, t), r => (r.SecurityGroups, r.NextToken)));

    public static AwsCall DescribeNatGateways { get; } = Ec2("NatGateways", typeof(DescribeNatGatewaysOutput), "CB-2, CB-3, GL-1, GL-2, IAM-3, CONN-1",
        SdkBindings.Ec2("NatGateways", "natGatewaySet", (_, t, n) => new DescribeNatGatewaysRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeNatGatewaysAsync(r, t), r => (r.NatGateways, r.NextToken)));

    public static AwsCall DescribeInternetGateways { get; } = Ec2("InternetGateways", typeof(DescribeInternetGatewaysOutput), "CB-2, CB-3, GL-2, CONN-1",
        SdkBindings.Ec2("InternetGateways", "internetGatewaySet", (_, t, n) => new DescribeInternetGatewaysRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeInternetGatewaysAsync(r, t), r => (r.InternetGateways, r.NextToken)));

    public static AwsCall DescribeEgressOnlyInternetGateways { get; } = Ec2("EgressOnlyInternetGateways", typeof(DescribeEgressOnlyInternetGatewaysOutput), "CB-2, CB-3",
        SdkBindings.Ec2("EgressOnlyInternetGateways", "egressOnlyInternetGatewaySet", (_, t, n) => new DescribeEgressOnlyInternetGatewaysRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeEgressOnlyInternetGatewaysAsync(r, t), r => (r.EgressOnlyInternetGateways, r.NextToken)));

    public static AwsCall DescribeVpcEndpoints { get; } = Ec2("VpcEndpoints", typeof(DescribeVpcEndpointsOutput), "EP-1..EP-5, CB-3",
        SdkBindings.Ec2("VpcEndpoints", "vpcEndpointSet", (_, t, n) => new DescribeVpcEndpointsRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeVpcEndpointsAsync(r, t), r => (r.VpcEndpoints, r.NextToken)));

    public static AwsCall DescribeNetworkInterfaces { get; } = Ec2("NetworkInterfaces", typeof(DescribeNetworkInterfacesOutput), "EP-3, EP-4, GL-1, GL-2, CB-3",
        SdkBindings.Ec2("NetworkInterfaces", "networkInterfaceSet", (_, t, n) => new DescribeNetworkInterfacesRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeNetworkInterfacesAsync(r, t), r => (r.NetworkInterfaces, r.NextToken)));

    public static AwsCall DescribeInstances { get; } = Ec2("Reservations", typeof(DescribeInstancesOutput), "GL-1, GL-2 (instance and tag hosts)",
        SdkBindings.Ec2("Reservations", "reservationSet", (_, t, n) => new DescribeInstancesRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeInstancesAsync(r, t), r => (r.Reservations, r.NextToken)),
        operation: "DescribeInstances");

    // The CLI prints describe-managed-prefix-lists under "PrefixLists"; the file keeps the listing's name.
    public static AwsCall DescribeManagedPrefixLists { get; } = Ec2("ManagedPrefixLists", typeof(DescribeManagedPrefixListsOutput), "CB-2, CB-3, GL-1, GL-2",
        SdkBindings.Ec2("PrefixLists", "prefixListSet", (_, t, n) => new DescribeManagedPrefixListsRequest { NextToken = t, MaxResults = n }, (c, r, t) => c.DescribeManagedPrefixListsAsync(r, t), r => (r.PrefixLists, r.NextToken)));

    public static AwsCall GetManagedPrefixListEntries { get; } = new()
    {
        Service = AwsServices.Ec2, Operation = "GetManagedPrefixListEntries", File = "ManagedPrefixListEntries/{item}.json",
        Cli = "aws ec2 get-managed-prefix-list-entries --prefix-list-id {item}", Shape = typeof(GetManagedPrefixListEntriesOutput),
        ReadBy = "CB-2, CB-3, EP-4, GL-1, GL-2 (routes and rules that name a prefix list)", Paging = Paging.SdkTokens,
        Fanout = new Fanout.PerItem(DescribeManagedPrefixLists, new ItemList("PrefixLists", "PrefixListId")),
        Sdk = SdkBindings.Ec2("Entries", "entrySet", (a, t, n) => new GetManagedPrefixListEntriesRequest { PrefixListId = a.Item, NextToken = t, MaxResults = n },
            (c, r, t) => c.GetManagedPrefixListEntriesAsync(r, t), r => (r.Entries, r.NextToken)),
    };

    public static AwsCall DescribeAddresses { get; } = Ec2("Addresses", typeof(DescribeAddressesOutput), "CB-3, GL-2 (Elastic IPs of interfaces)",
        SdkBindings.Ec2("Addresses", "addressesSet", (_, _, _) => new DescribeAddressesRequest(), (c, r, t) => c.DescribeAddressesAsync(r, t), r => (r.Addresses, (string?)null)),
        paged: false);

    // ---- EC2: what connects a VPC to other networks (peering, transit gateways, VPN); read in every scope ----

    public static AwsCall DescribeVpcPeeringConnections { get; } = Ec2("VpcPeeringConnections", typeof(DescribeVpcPeeringConnectionsOutput), Network,
        SdkBindings.Ec2("VpcPeeringConnections", "vpcPeeringConnectionSet", (_, t, n) => new DescribeVpcPeeringConnectionsRequest { NextToken = t, MaxResults = n },
            (c, r, t) => c.DescribeVpcPeeringConnectionsAsync(r, t), r => (r.VpcPeeringConnections, r.NextToken)));

    /// <summary>Every attachment of every kind (vpc, vpn, direct-connect-gateway, peering, connect), with its route table association.</summary>
    public static AwsCall DescribeTransitGatewayAttachments { get; } = Ec2("TransitGatewayAttachments", typeof(DescribeTransitGatewayAttachmentsOutput), Network,
        SdkBindings.Ec2("TransitGatewayAttachments", "transitGatewayAttachments", (_, t, n) => new DescribeTransitGatewayAttachmentsRequest { NextToken = t, MaxResults = n },
            (c, r, t) => c.DescribeTransitGatewayAttachmentsAsync(r, t), r => (r.TransitGatewayAttachments, r.NextToken)));

    /// <summary>The subnets (one per availability zone) and appliance mode of each VPC attachment.</summary>
    public static AwsCall DescribeTransitGatewayVpcAttachments { get; } = Ec2("TransitGatewayVpcAttachments", typeof(DescribeTransitGatewayVpcAttachmentsOutput), Network,
        SdkBindings.Ec2("TransitGatewayVpcAttachments", "transitGatewayVpcAttachments", (_, t, n) => new DescribeTransitGatewayVpcAttachmentsRequest { NextToken = t, MaxResults = n },
            (c, r, t) => c.DescribeTransitGatewayVpcAttachmentsAsync(r, t), r => (r.TransitGatewayVpcAttachments, r.NextToken)));

    /// <summary>The route tables of the transit gateways the scope's account owns (route tables are never shared).</summary>
    public static AwsCall DescribeTransitGatewayRouteTables { get; } = Ec2("TransitGatewayRouteTables", typeof(DescribeTransitGatewayRouteTablesOutput), Network,
        SdkBindings.Ec2("TransitGatewayRouteTables", "transitGatewayRouteTables", (_, t, n) => new DescribeTransitGatewayRouteTablesRequest { NextToken = t, MaxResults = n },
            (c, r, t) => c.DescribeTransitGatewayRouteTablesAsync(r, t), r => (r.TransitGatewayRouteTables, r.NextToken)));

    /// <summary>
    /// The routes of one transit gateway route table (static, propagated and blackhole; propagations are read as the routes
    /// they produce). One search returns at most 1,000 routes and says when there are more: the file is then a gap.
    /// </summary>
    public static AwsCall SearchTransitGatewayRoutes { get; } = new()
    {
        Service = AwsServices.Ec2, Operation = "SearchTransitGatewayRoutes", File = "TransitGatewayRoutes/{item}.json",
        Cli = "aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id {item} --filters Name=state,Values=active,blackhole",
        Shape = typeof(SearchTransitGatewayRoutesOutput), ReadBy = Network,
        Fanout = new Fanout.PerItem(DescribeTransitGatewayRouteTables, new ItemList("TransitGatewayRouteTables", "TransitGatewayRouteTableId")),
        Sdk = SdkBindings.Ec2("Routes", "routeSet",
            (a, _, _) => new SearchTransitGatewayRoutesRequest
            {
                TransitGatewayRouteTableId = a.Target, Filters = [new Filter("state", ["active", "blackhole"])],
            },
            (c, r, t) => c.SearchTransitGatewayRoutesAsync(r, t), r => (r.Routes, (string?)null),
            // EC2 always says whether the search was cut short; a response without it stays without it (a gap, never "complete").
            r => r.AdditionalRoutesAvailable is { } more ? new JsonObject { ["AdditionalRoutesAvailable"] = more } : []),
    };

    public static AwsCall DescribeVpnGateways { get; } = Ec2("VpnGateways", typeof(DescribeVpnGatewaysOutput), Network,
        SdkBindings.Ec2("VpnGateways", "vpnGatewaySet", (_, _, _) => new DescribeVpnGatewaysRequest(),
            (c, r, t) => c.DescribeVpnGatewaysAsync(r, t), r => (r.VpnGateways, (string?)null)), paged: false);

    public static AwsCall DescribeVpnConnections { get; } = Ec2("VpnConnections", typeof(DescribeVpnConnectionsOutput), Network,
        SdkBindings.Ec2("VpnConnections", "vpnConnectionSet", (_, _, _) => new DescribeVpnConnectionsRequest(),
            (c, r, t) => c.DescribeVpnConnectionsAsync(r, t), r => (r.VpnConnections, (string?)null)), paged: false);

    /// <summary>The AWS-managed prefix lists of gateway endpoint services, with their CIDRs (what describe-managed-prefix-lists may not resolve).</summary>
    public static AwsCall DescribePrefixLists { get; } = Ec2("PrefixLists", typeof(DescribePrefixListsOutput), "CB-2, CB-3, EP-4, GL-2 (routes and rules that name an AWS-managed prefix list)",
        SdkBindings.Ec2("PrefixLists", "prefixListSet", (_, t, n) => new DescribePrefixListsRequest { NextToken = t, MaxResults = n },
            (c, r, t) => c.DescribePrefixListsAsync(r, t), r => (r.PrefixLists, r.NextToken)));

    // ---- EC2 Client VPN: how people enter a VPC from the internet; read in every scope when the posture has a gitLab section ----

    public static AwsCall DescribeClientVpnEndpoints { get; } = Ec2("ClientVpnEndpoints", typeof(DescribeClientVpnEndpointsOutput), Ingress,
        SdkBindings.Ec2("ClientVpnEndpoints", "clientVpnEndpoint", (_, t, n) => new DescribeClientVpnEndpointsRequest { NextToken = t, MaxResults = n },
            (c, r, t) => c.DescribeClientVpnEndpointsAsync(r, t), r => (r.ClientVpnEndpoints, r.NextToken))) with { Requires = Plans.Ingress };

    public static AwsCall DescribeClientVpnTargetNetworks { get; } = ClientVpn("ClientVpnTargetNetworks", typeof(DescribeClientVpnTargetNetworksOutput),
        SdkBindings.Ec2("ClientVpnTargetNetworks", "clientVpnTargetNetworks",
            (a, t, n) => new DescribeClientVpnTargetNetworksRequest { ClientVpnEndpointId = a.Target, NextToken = t, MaxResults = n },
            (c, r, t) => c.DescribeClientVpnTargetNetworksAsync(r, t), r => (r.ClientVpnTargetNetworks, r.NextToken)));

    public static AwsCall DescribeClientVpnAuthorizationRules { get; } = ClientVpn("ClientVpnAuthorizationRules", typeof(DescribeClientVpnAuthorizationRulesOutput),
        SdkBindings.Ec2("AuthorizationRules", "authorizationRule",
            (a, t, n) => new DescribeClientVpnAuthorizationRulesRequest { ClientVpnEndpointId = a.Target, NextToken = t, MaxResults = n },
            (c, r, t) => c.DescribeClientVpnAuthorizationRulesAsync(r, t), r => (r.AuthorizationRules, r.NextToken)));

    public static AwsCall DescribeClientVpnRoutes { get; } = ClientVpn("ClientVpnRoutes", typeof(DescribeClientVpnRoutesOutput),
        SdkBindings.Ec2("Routes", "routes",
            (a, t, n) => new DescribeClientVpnRoutesRequest { ClientVpnEndpointId = a.Target, NextToken = t, MaxResults = n },
            (c, r, t) => c.DescribeClientVpnRoutesAsync(r, t), r => (r.Routes, r.NextToken)));

    // ---- CodeBuild ----

    public static AwsCall ListProjects { get; } = new()
    {
        Service = AwsServices.CodeBuild, Operation = "ListProjects", File = "codebuild/list-projects.json", Cli = "aws codebuild list-projects",
        Shape = typeof(ListProjectsOutput), ReadBy = "CB-1..CB-5 (which projects exist)", Paging = new Paging.Tokens(["projects"], MaxMember: null),
    };

    public static AwsCall BatchGetProjects { get; } = new()
    {
        Service = AwsServices.CodeBuild, Operation = "BatchGetProjects", File = "codebuild/batch-get-projects.json",
        Cli = "aws codebuild batch-get-projects --names NAME...", Shape = typeof(BatchGetProjectsOutput), ReadBy = "CB-1..CB-5",
        Fanout = new Fanout.Batched(ListProjects, new ItemList("projects"), 100, ["projects", "projectsNotFound"]),
        Request = a => new JsonObject { ["names"] = CallArgs.Strings(a.Batch ?? []) },
    };

    // ---- ECR ----

    public static AwsCall DescribeRepositories { get; } = new()
    {
        Service = AwsServices.Ecr, Operation = "DescribeRepositories", File = "ecr/describe-repositories.json", Cli = "aws ecr describe-repositories",
        Shape = typeof(DescribeRepositoriesOutput), ReadBy = "ECR-1..ECR-4", Paging = new Paging.Tokens(["repositories"], MaxPage: 1000),
    };

    public static AwsCall GetRepositoryPolicy { get; } = new()
    {
        Service = AwsServices.Ecr, Operation = "GetRepositoryPolicy", File = "ecr/get-repository-policy/{item}.json",
        Cli = "aws ecr get-repository-policy --repository-name {item}", Shape = typeof(RepositoryPolicy), ReadBy = "ECR-1",
        Fanout = new Fanout.PerItem(DescribeRepositories, new ItemList("repositories", "repositoryName"), Nested: true),
        AbsentCodes = Codes("RepositoryPolicyNotFoundException"),
        Request = a => new JsonObject { ["repositoryName"] = a.Item },
    };

    public static AwsCall GetLifecyclePolicy { get; } = new()
    {
        Service = AwsServices.Ecr, Operation = "GetLifecyclePolicy", File = "ecr/get-lifecycle-policy/{item}.json",
        Cli = "aws ecr get-lifecycle-policy --repository-name {item}", Shape = typeof(LifecyclePolicy), ReadBy = "ECR-4",
        Fanout = new Fanout.PerItem(DescribeRepositories, new ItemList("repositories", "repositoryName"), Nested: true),
        AbsentCodes = Codes("LifecyclePolicyNotFoundException"),
        Request = a => new JsonObject { ["repositoryName"] = a.Item },
    };

    public static AwsCall GetRegistryScanningConfiguration { get; } = new()
    {
        Service = AwsServices.Ecr, Operation = "GetRegistryScanningConfiguration", File = "ecr/get-registry-scanning-configuration.json",
        Cli = "aws ecr get-registry-scanning-configuration", Shape = typeof(RegistryScanningConfiguration), ReadBy = "ECR-3",
    };

    // ---- ECR Public (us-east-1 only), when the posture has an ecr section ----

    public static AwsCall DescribePublicRepositories { get; } = new()
    {
        Service = AwsServices.EcrPublic, Operation = "DescribeRepositories", File = "ecr-public/describe-repositories.json",
        Cli = "aws ecr-public describe-repositories --region us-east-1", Shape = typeof(DescribePublicRepositoriesOutput), ReadBy = "ECR-5",
        Requires = Plans.EcrPublic, Paging = new Paging.Tokens(["repositories"], MaxPage: 1000),
    };

    // ---- IAM ----

    public static AwsCall GetAccountAuthorizationDetails { get; } = new()
    {
        Service = AwsServices.Iam, Operation = "GetAccountAuthorizationDetails", File = "iam/get-account-authorization-details.json",
        Cli = "aws iam get-account-authorization-details", Shape = typeof(AccountAuthorizationDetails), ReadBy = "IAM-1..IAM-3",
        Paging = new Paging.Markers(["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"], MaxPage: 1000),
    };

    /// <summary>
    /// IAM's own answer to the questions IAM-1..IAM-3 decide, asked during collection (the plan derives the questions
    /// from the evidence collected first), so the offline replay of a snapshot judges the same answers as the live run.
    /// </summary>
    public static AwsCall SimulatePrincipalPolicy { get; } = new()
    {
        Service = AwsServices.Iam, Operation = "SimulatePrincipalPolicy", File = "iam/simulate-principal-policy/{item}.json",
        Cli = "aws iam simulate-principal-policy --policy-source-arn ARN --action-names ... --resource-arns ARN --context-entries ContextKeyName=aws:SourceIp,ContextKeyValues=IP,ContextKeyType=ip",
        Shape = typeof(SimulatePrincipalPolicyOutput), ReadBy = "IAM-1..IAM-3 (cross-check)", Requires = Plans.PolicySimulations,
        Fanout = new Fanout.Planned(), Paging = new Paging.Markers(["EvaluationResults"], MaxMember: "MaxItems"),
        Request = a => (JsonObject)(a.Input ?? throw new ArgumentException("a policy simulation needs its question")).DeepClone(),
    };

    // ---- Elastic Load Balancing v2, CodeConnections, ECS: read when the posture's GitLab or connections ask ----

    public static AwsCall DescribeLoadBalancers { get; } = new()
    {
        Service = AwsServices.Elbv2, Operation = "DescribeLoadBalancers", File = "elbv2/describe-load-balancers.json",
        Cli = "aws elbv2 describe-load-balancers", Shape = typeof(LoadBalancerListing), ReadBy = $"GL-1 (load-balancer hosts), {Ingress}",
        Requires = Plans.Ingress, Paging = new Paging.Markers(["LoadBalancers"], NextMarker: "NextMarker", Truncated: null, MaxMember: "PageSize", MaxPage: 400),
    };

    public static AwsCall DescribeListeners { get; } = new()
    {
        Service = AwsServices.Elbv2, Operation = "DescribeListeners", File = "elbv2/describe-listeners/{item}.json",
        Cli = "aws elbv2 describe-listeners --load-balancer-arn ARN (item: the ARN's TYPE/NAME/ID)", Shape = typeof(ListenerListing), ReadBy = Ingress,
        Requires = Plans.Ingress, Paging = new Paging.Markers(["Listeners"], NextMarker: "NextMarker", Truncated: null, MaxMember: "PageSize", MaxPage: 400),
        Fanout = new Fanout.PerItem(DescribeLoadBalancers, new ItemList("LoadBalancers", "LoadBalancerArn"), Nested: true, Key: ArnTail(":loadbalancer/")),
        Request = a => new JsonObject { ["LoadBalancerArn"] = a.Target },
    };

    public static AwsCall DescribeTargetGroups { get; } = new()
    {
        Service = AwsServices.Elbv2, Operation = "DescribeTargetGroups", File = "elbv2/describe-target-groups.json",
        Cli = "aws elbv2 describe-target-groups", Shape = typeof(TargetGroupListing), ReadBy = Ingress,
        Requires = Plans.Ingress, Paging = new Paging.Markers(["TargetGroups"], NextMarker: "NextMarker", Truncated: null, MaxMember: "PageSize", MaxPage: 400),
    };

    public static AwsCall DescribeTargetHealth { get; } = new()
    {
        Service = AwsServices.Elbv2, Operation = "DescribeTargetHealth", File = "elbv2/describe-target-health/{item}.json",
        Cli = "aws elbv2 describe-target-health --target-group-arn ARN (item: the ARN's NAME/ID)", Shape = typeof(TargetHealthListing), ReadBy = Ingress,
        Requires = Plans.Ingress,
        Fanout = new Fanout.PerItem(DescribeTargetGroups, new ItemList("TargetGroups", "TargetGroupArn"), Nested: true, Key: ArnTail(":targetgroup/")),
        Request = a => new JsonObject { ["TargetGroupArn"] = a.Target },
    };

    /// <summary>Whether a network load balancer's target group preserves the client's address (what the target's security group sees).</summary>
    public static AwsCall DescribeTargetGroupAttributes { get; } = new()
    {
        Service = AwsServices.Elbv2, Operation = "DescribeTargetGroupAttributes", File = "elbv2/describe-target-group-attributes/{item}.json",
        Cli = "aws elbv2 describe-target-group-attributes --target-group-arn ARN (item: the ARN's NAME/ID; network load balancer target groups only)",
        Shape = typeof(TargetGroupAttributeListing), ReadBy = Ingress, Requires = Plans.Ingress,
        Fanout = new Fanout.PerItem(DescribeTargetGroups, new ItemList("TargetGroups", "TargetGroupArn", "Protocol", ["TCP", "UDP", "TLS", "TCP_UDP"]), Nested: true, Key: ArnTail(":targetgroup/")),
        Request = a => new JsonObject { ["TargetGroupArn"] = a.Target },
    };

    public static AwsCall ListHosts { get; } = new()
    {
        Service = AwsServices.CodeConnections, Operation = "ListHosts", File = "codeconnections/list-hosts.json",
        Cli = "aws codeconnections list-hosts", Shape = typeof(HostListing), ReadBy = "CONN-1", Requires = Plans.Connections,
        Paging = new Paging.Tokens(["Hosts"], Token: "NextToken", MaxMember: "MaxResults", MaxPage: 100),
    };

    public static AwsCall DescribeServices { get; } = new()
    {
        Service = AwsServices.Ecs, Operation = "DescribeServices", File = "ecs/describe-services/{item}.json",
        Cli = "aws ecs describe-services --cluster CLUSTER --services SERVICE (item CLUSTER/SERVICE)", Shape = typeof(EcsServices),
        ReadBy = "GL-1, GL-2 (ECS-service hosts)", Requires = Plans.EcsServices, Fanout = new Fanout.Planned(Nested: true),
        Request = a => new JsonObject { ["cluster"] = a.Pair().First, ["services"] = CallArgs.Strings([a.Pair().Second]) },
    };

    public static AwsCall ListTasks { get; } = new()
    {
        Service = AwsServices.Ecs, Operation = "ListTasks", File = "ecs/list-tasks/{item}.json",
        Cli = "aws ecs list-tasks --cluster CLUSTER --service-name SERVICE --desired-status RUNNING (item CLUSTER/SERVICE)", Shape = typeof(EcsTaskList),
        ReadBy = "GL-1, GL-2 (ECS-service hosts)", Requires = Plans.EcsServices, Fanout = new Fanout.Planned(Nested: true),
        Paging = new Paging.Tokens(["taskArns"], MaxPage: 100),
        Request = a => new JsonObject { ["cluster"] = a.Pair().First, ["serviceName"] = a.Pair().Second, ["desiredStatus"] = "RUNNING" },
    };

    public static AwsCall DescribeTasks { get; } = new()
    {
        Service = AwsServices.Ecs, Operation = "DescribeTasks", File = "ecs/describe-tasks/{item}.json",
        Cli = "aws ecs describe-tasks --cluster CLUSTER --tasks ARN... (the tasks list-tasks returned; absent when it returned none)", Shape = typeof(EcsTasks),
        ReadBy = "GL-1, GL-2 (ECS-service hosts)", Requires = Plans.EcsServices,
        Fanout = new Fanout.Batched(ListTasks, new ItemList("taskArns"), 100, ["tasks", "failures"], SkipWhenEmpty: true),
        Request = a => new JsonObject { ["cluster"] = a.Pair().First, ["tasks"] = CallArgs.Strings(a.Batch ?? []) },
    };

    // ---- AWS Organizations: which accounts an organisation target covers (read from the management or a delegated administrator account) ----

    public static AwsCall ListOrganizationalUnitsForParent { get; } = new()
    {
        Service = AwsServices.Organizations, Operation = "ListOrganizationalUnitsForParent", File = "organizations/list-organizational-units-for-parent/{item}.json",
        Cli = "aws organizations list-organizational-units-for-parent --parent-id {item}", Shape = typeof(OrganizationalUnitListing),
        ReadBy = "ORG-1 and the organisation's targets (the units under each targeted unit)", Requires = Plans.Organization,
        Fanout = new Fanout.Tree(new ItemList("OrganizationalUnits", "Id"), MaxDepth: 6),
        Paging = new Paging.Tokens(["OrganizationalUnits"], Token: "NextToken", MaxMember: "MaxResults", MaxPage: 20),
        Request = a => new JsonObject { ["ParentId"] = a.Item },
    };

    public static AwsCall ListAccountsForParent { get; } = new()
    {
        Service = AwsServices.Organizations, Operation = "ListAccountsForParent", File = "organizations/list-accounts-for-parent/{item}.json",
        Cli = "aws organizations list-accounts-for-parent --parent-id {item}", Shape = typeof(AccountListing),
        ReadBy = "ORG-1 and the organisation's targets (the accounts directly in each unit, with their state)", Requires = Plans.Organization,
        Fanout = new Fanout.PerParentItem(ListOrganizationalUnitsForParent),
        Paging = new Paging.Tokens(["Accounts"], Token: "NextToken", MaxMember: "MaxResults", MaxPage: 20),
        Request = a => new JsonObject { ["ParentId"] = a.Item },
    };

    public static AwsCall ListTagsForResource { get; } = new()
    {
        Service = AwsServices.Organizations, Operation = "ListTagsForResource", File = "organizations/list-tags-for-resource/{item}.json",
        Cli = "aws organizations list-tags-for-resource --resource-id {item}", Shape = typeof(TagListing),
        ReadBy = "ORG-1 and the organisation's targets (an active account's class, from organization.classTag)", Requires = Plans.OrganizationTags,
        Fanout = new Fanout.PerItem(ListAccountsForParent, new ItemList("Accounts", "Id", "State", ["ACTIVE"], OrMember: "Status")),
        Paging = new Paging.Tokens(["Tags"], Token: "NextToken", MaxMember: null),
        Request = a => new JsonObject { ["ResourceId"] = a.Item },
    };

    /// <summary>Every call, in collection order (a call's parent comes before it).</summary>
    public static IReadOnlyList<AwsCall> All { get; } =
    [
        GetCallerIdentity,
        DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeNetworkAcls, DescribeSecurityGroups, DescribeNatGateways,
        DescribeInternetGateways, DescribeEgressOnlyInternetGateways, DescribeVpcEndpoints, DescribeNetworkInterfaces, DescribeInstances,
        DescribeManagedPrefixLists, GetManagedPrefixListEntries, DescribeAddresses,
        DescribeVpcPeeringConnections, DescribeTransitGatewayAttachments, DescribeTransitGatewayVpcAttachments, DescribeTransitGatewayRouteTables,
        SearchTransitGatewayRoutes, DescribeVpnGateways, DescribeVpnConnections, DescribePrefixLists,
        DescribeClientVpnEndpoints, DescribeClientVpnTargetNetworks, DescribeClientVpnAuthorizationRules, DescribeClientVpnRoutes,
        ListProjects, BatchGetProjects,
        DescribeRepositories, GetRepositoryPolicy, GetLifecyclePolicy, GetRegistryScanningConfiguration,
        DescribePublicRepositories,
        GetAccountAuthorizationDetails, SimulatePrincipalPolicy,
        DescribeLoadBalancers, DescribeListeners, DescribeTargetGroups, DescribeTargetHealth, DescribeTargetGroupAttributes, ListHosts,
        DescribeServices, ListTasks, DescribeTasks,
        ListOrganizationalUnitsForParent, ListAccountsForParent, ListTagsForResource,
    ];

    /// <summary>The collection plan's keys: what a posture can ask for beyond what every scope reads.</summary>
    public static class Plans
    {
        public const string EcrPublic = "ecr-public";
        public const string Connections = "connections";
        /// <summary>How traffic enters the network from outside: load balancers and Client VPN, in every scope (GL-2).</summary>
        public const string Ingress = "ingress";
        public const string EcsServices = "ecs-services";
        public const string PolicySimulations = "policy-simulations";

        /// <summary>The organisation's units and accounts under the targeted units (the items: the targeted unit ids).</summary>
        public const string Organization = "organization";

        /// <summary>The tags of the organisation's active accounts, which name their class.</summary>
        public const string OrganizationTags = "organization-tags";
    }

    /// <summary>The calls that discover an organisation's targets: made with the organisation reader's credentials, never an audited account's.</summary>
    public static bool IsOrganizationDiscovery(AwsCall call) => call.Requires is Plans.Organization or Plans.OrganizationTags;

    private const string Network = "CB-3, EP-4, GL-2, CONN-1 (the path engine)";

    private const string Ingress = "GL-2 (the path engine: how traffic enters from outside)";

    private static AwsCall ClientVpn(string name, Type shape, SdkBinding binding) => new()
    {
        Service = AwsServices.Ec2, Operation = $"Describe{name}", File = $"{name}/{{item}}.json",
        Cli = $"aws ec2 {Kebab($"Describe{name}")} --client-vpn-endpoint-id {{item}}", Shape = shape, ReadBy = Ingress, Requires = Plans.Ingress,
        Paging = Paging.SdkTokens, Sdk = binding,
        Fanout = new Fanout.PerItem(DescribeClientVpnEndpoints, new ItemList("ClientVpnEndpoints", "ClientVpnEndpointId")),
    };

    /// <summary>The part of an ARN after <paramref name="marker"/> ("app/NAME/ID"): a file key that nests like the ARN.</summary>
    private static Func<string, string> ArnTail(string marker) => arn =>
        arn.IndexOf(marker, StringComparison.Ordinal) is var at and >= 0 ? arn[(at + marker.Length)..] : arn;

    /// <summary>Network load balancer target groups: the ones whose protocol is TCP, UDP, TLS or TCP_UDP.</summary>

    private static AwsCall Ec2(string name, Type shape, string readBy, SdkBinding binding, string? operation = null, bool paged = true) => new()
    {
        Service = AwsServices.Ec2,
        Operation = operation ?? $"Describe{name}",
        File = $"{name}.json",
        Cli = $"aws ec2 {Kebab(operation ?? $"Describe{name}")}",
        Shape = shape,
        ReadBy = readBy,
        Paging = paged ? Paging.SdkTokens : Paging.None,
        Sdk = binding,
    };

    private static string Kebab(string operation) =>
        string.Concat(operation.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));

    private static HashSet<string> Codes(params string[] codes) => new(codes, StringComparer.Ordinal);
}
