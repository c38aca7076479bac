// Records in the JSON shapes the AWS CLI prints for EC2 (`aws ec2 describe-* --output json`).
// Property names are the API's member names; only what the catalog reads is declared (see Declarations.cs).
namespace IsolationChecks.Aws.Shapes;

public sealed record Tag(string Key, string Value);

public sealed record CidrBlockAssociation(string CidrBlock, [AbsentMeans("no association id is recorded")] string? AssociationId = null);

public sealed record Ipv6CidrBlockAssociation(string Ipv6CidrBlock, [AbsentMeans("no association id is recorded")] string? AssociationId = null);

public sealed record Vpc(
    string VpcId,
    string CidrBlock,
    string State,
    [AbsentMeans("the VPC is not the default VPC")] bool? IsDefault = null,
    [AbsentMeans("the owner is the scope's account")] string? OwnerId = null,
    [AbsentMeans("the VPC has only its primary CIDR block")] IReadOnlyList<CidrBlockAssociation>? CidrBlockAssociationSet = null,
    [AbsentMeans("the VPC has no IPv6 CIDR block (EC2 omits the set then)")] IReadOnlyList<Ipv6CidrBlockAssociation>? Ipv6CidrBlockAssociationSet = null,
    [AbsentMeans("the VPC has no tags (EC2 omits an empty tag set)")] IReadOnlyList<Tag>? Tags = null);

public sealed record Subnet(
    string SubnetId,
    string VpcId,
    string AvailabilityZone,
    IReadOnlyList<Ipv6CidrBlockAssociation> Ipv6CidrBlockAssociationSet,
    [AbsentMeans("an IPv6-only subnet (Ipv6Native true), which has no IPv4 CIDR block")] string? CidrBlock = null,
    [AbsentMeans("the zone id is not recorded")] string? AvailabilityZoneId = null,
    [AbsentMeans("instances launched in it get no public IPv4 address by default")] bool? MapPublicIpOnLaunch = null,
    [AbsentMeans("the subnet is not IPv6-only (older responses omit the member)")] bool? Ipv6Native = null,
    [AbsentMeans("the owner is the scope's account")] string? OwnerId = null,
    [AbsentMeans("the subnet has no tags")] IReadOnlyList<Tag>? Tags = null) : IValidatedShape
{
    public string? Problem() => CidrBlock is null && Ipv6Native != true
        ? "CidrBlock is absent, but the subnet is not IPv6-only (Ipv6Native is not true): every IPv4 subnet has a CIDR block"
        : null;
}

public sealed record Route(
    string State,
    [AbsentMeans("the route's destination is not an IPv4 CIDR")] string? DestinationCidrBlock = null,
    [AbsentMeans("the route's destination is not an IPv6 CIDR")] string? DestinationIpv6CidrBlock = null,
    [AbsentMeans("the route's destination is not a prefix list")] string? DestinationPrefixListId = null,
    [AbsentMeans("the target is not a gateway (local, internet, VPN or endpoint)")] string? GatewayId = null,
    [AbsentMeans("the target is not a NAT gateway")] string? NatGatewayId = null,
    [AbsentMeans("the target is not an instance")] string? InstanceId = null,
    [AbsentMeans("the target is not a network interface")] string? NetworkInterfaceId = null,
    [AbsentMeans("the target is not a transit gateway")] string? TransitGatewayId = null,
    [AbsentMeans("the target is not a peering connection")] string? VpcPeeringConnectionId = null,
    [AbsentMeans("the target is not an egress-only internet gateway")] string? EgressOnlyInternetGatewayId = null,
    [AbsentMeans("the target is not a local gateway")] string? LocalGatewayId = null,
    [AbsentMeans("the target is not a carrier gateway")] string? CarrierGatewayId = null,
    [AbsentMeans("the target is not a Cloud WAN core network")] string? CoreNetworkArn = null,
    [AbsentMeans("the target is not a Gateway Load Balancer endpoint")] string? VpcEndpointId = null,
    [AbsentMeans("the route was created with CreateRoute")] string? Origin = null) : IValidatedShape
{
    public string Destination => DestinationCidrBlock ?? DestinationIpv6CidrBlock ?? DestinationPrefixListId ?? "(none)";

    public string Target => GatewayId ?? NatGatewayId ?? InstanceId ?? NetworkInterfaceId ?? TransitGatewayId
        ?? VpcPeeringConnectionId ?? EgressOnlyInternetGatewayId ?? LocalGatewayId ?? CarrierGatewayId
        ?? CoreNetworkArn ?? VpcEndpointId ?? "(none)";

    public string? Problem() => DestinationCidrBlock is null && DestinationIpv6CidrBlock is null && DestinationPrefixListId is null
        ? "the route has no destination (DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId)"
        : null;
}

public sealed record AssociationState(string State);

public sealed record RouteTableAssociation(
    bool Main,
    [AbsentMeans("no association id is recorded")] string? RouteTableAssociationId = null,
    [AbsentMeans("the table is the one being described")] string? RouteTableId = null,
    [AbsentMeans("the association is not with a subnet")] string? SubnetId = null,
    [AbsentMeans("the association is not with a gateway (edge association)")] string? GatewayId = null,
    [AbsentMeans("the association is in effect (older responses omit the state)")] AssociationState? AssociationState = null);

public sealed record RouteTable(
    string RouteTableId,
    string VpcId,
    IReadOnlyList<Route> Routes,
    IReadOnlyList<RouteTableAssociation> Associations,
    [AbsentMeans("the owner is the scope's account")] string? OwnerId = null,
    [AbsentMeans("the table has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record PortRange(int From, int To);

public sealed record IcmpTypeCode(int Code, int Type);

public sealed record NetworkAclEntry(
    int RuleNumber,
    string Protocol,
    string RuleAction,
    bool Egress,
    [AbsentMeans("the entry is for IPv6 (Ipv6CidrBlock)")] string? CidrBlock = null,
    [AbsentMeans("the entry is for IPv4 (CidrBlock)")] string? Ipv6CidrBlock = null,
    [AbsentMeans("the protocol has no ports (all protocols, ICMP, other IP protocols)")] PortRange? PortRange = null,
    [AbsentMeans("the protocol is not ICMP, or all ICMP types and codes")] IcmpTypeCode? IcmpTypeCode = null) : IValidatedShape
{
    public string? Problem() =>
        CidrBlock is null && Ipv6CidrBlock is null ? "the entry has neither CidrBlock nor Ipv6CidrBlock"
        : Protocol is "6" or "17" && PortRange is null ? $"the TCP/UDP entry (protocol {Protocol}) has no PortRange"
        : null;
}

public sealed record NetworkAclAssociation(string NetworkAclId, string SubnetId, [AbsentMeans("no association id is recorded")] string? NetworkAclAssociationId = null);

public sealed record NetworkAcl(
    string NetworkAclId,
    string VpcId,
    bool IsDefault,
    IReadOnlyList<NetworkAclEntry> Entries,
    IReadOnlyList<NetworkAclAssociation> Associations,
    [AbsentMeans("the owner is the scope's account")] string? OwnerId = null,
    [AbsentMeans("the network ACL has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record IpRange(string CidrIp, [AbsentMeans("the rule has no description")] string? Description = null);

public sealed record Ipv6Range(string CidrIpv6, [AbsentMeans("the rule has no description")] string? Description = null);

public sealed record PrefixListReference(string PrefixListId, [AbsentMeans("the rule has no description")] string? Description = null);

public sealed record UserIdGroupPair(
    string GroupId,
    [AbsentMeans("the group name is not recorded (VPC security groups are referenced by id)")] string? GroupName = null,
    [AbsentMeans("the referenced group is in the same account")] string? UserId = null,
    [AbsentMeans("the referenced group is in the same VPC")] string? VpcId = null,
    [AbsentMeans("the reference does not cross a peering connection")] string? VpcPeeringConnectionId = null,
    [AbsentMeans("the reference does not cross a peering connection")] string? PeeringStatus = null,
    [AbsentMeans("the rule has no description")] string? Description = null);

public sealed record IpPermission(
    string IpProtocol,
    IReadOnlyList<IpRange> IpRanges,
    IReadOnlyList<Ipv6Range> Ipv6Ranges,
    IReadOnlyList<PrefixListReference> PrefixListIds,
    IReadOnlyList<UserIdGroupPair> UserIdGroupPairs,
    [AbsentMeans("the protocol has no ports (all traffic, or a protocol number without ports)")] int? FromPort = null,
    [AbsentMeans("the protocol has no ports (all traffic, or a protocol number without ports)")] int? ToPort = null) : IValidatedShape
{
    public string? Problem() => IpProtocol is "tcp" or "udp" or "6" or "17" && (FromPort is null || ToPort is null)
        ? $"the {IpProtocol} rule has no FromPort/ToPort"
        : null;
}

public sealed record SecurityGroup(
    string GroupId,
    string GroupName,
    string VpcId,
    IReadOnlyList<IpPermission> IpPermissions,
    IReadOnlyList<IpPermission> IpPermissionsEgress,
    [AbsentMeans("the owner is the scope's account")] string? OwnerId = null,
    [AbsentMeans("the group has no description")] string? Description = null,
    [AbsentMeans("the group has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record NatGatewayAddress(
    [AbsentMeans("the address has no allocation (a private NAT gateway)")] string? AllocationId = null,
    [AbsentMeans("the interface is not yet created")] string? NetworkInterfaceId = null,
    [AbsentMeans("the address is not yet assigned")] string? PrivateIp = null,
    [AbsentMeans("the address has no public IP (a private NAT gateway, or not yet associated)")] string? PublicIp = null,
    [AbsentMeans("the primary flag is not recorded")] bool? IsPrimary = null,
    [AbsentMeans("the address state is not recorded")] string? Status = null);

public sealed record NatGateway(
    string NatGatewayId,
    string VpcId,
    string SubnetId,
    string State,
    IReadOnlyList<NatGatewayAddress> NatGatewayAddresses,
    [AbsentMeans("a public NAT gateway (the default; older responses omit the member)")] string? ConnectivityType = null,
    [AbsentMeans("the NAT gateway has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record GatewayAttachment(string VpcId, string State);

public sealed record InternetGateway(
    string InternetGatewayId,
    IReadOnlyList<GatewayAttachment> Attachments,
    [AbsentMeans("the owner is the scope's account")] string? OwnerId = null,
    [AbsentMeans("the gateway has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record EgressOnlyInternetGateway(
    string EgressOnlyInternetGatewayId,
    IReadOnlyList<GatewayAttachment> Attachments,
    [AbsentMeans("the gateway has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record SecurityGroupIdentifier(string GroupId, [AbsentMeans("the group name is not recorded")] string? GroupName = null);

public sealed record DnsEntry(string DnsName, [AbsentMeans("no hosted zone is recorded")] string? HostedZoneId = null);

public sealed record VpcEndpoint(
    string VpcEndpointId,
    string VpcEndpointType,
    string VpcId,
    string ServiceName,
    string State,
    IReadOnlyList<string> RouteTableIds,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<SecurityGroupIdentifier> Groups,
    IReadOnlyList<string> NetworkInterfaceIds,
    [AbsentMeans("private DNS is not enabled (gateway endpoints have none)")] bool? PrivateDnsEnabled = null,
    [AbsentMeans("the endpoint has no policy (full access)")] string? PolicyDocument = null,
    [AbsentMeans("the endpoint has no DNS entries (gateway endpoints)")] IReadOnlyList<DnsEntry>? DnsEntries = null,
    [AbsentMeans("the owner is the scope's account")] string? OwnerId = null,
    [AbsentMeans("the endpoint has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record NetworkInterfaceAssociation(
    string PublicIp,
    [AbsentMeans("no public DNS name")] string? PublicDnsName = null,
    [AbsentMeans("the public IP's owner is not recorded (an Amazon-owned address)")] string? IpOwnerId = null,
    [AbsentMeans("the public IP is not an Elastic IP")] string? AllocationId = null,
    [AbsentMeans("the public IP is not an Elastic IP")] string? AssociationId = null);

public sealed record NetworkInterfacePrivateIpAddress(
    string PrivateIpAddress,
    bool Primary,
    [AbsentMeans("no public IPv4 address is mapped to this private address")] NetworkInterfaceAssociation? Association = null);

public sealed record NetworkInterfaceIpv6Address(string Ipv6Address);

public sealed record NetworkInterfaceAttachment(
    string Status,
    [AbsentMeans("no attachment id is recorded")] string? AttachmentId = null,
    [AbsentMeans("the interface is not attached to an instance (a service-managed interface)")] string? InstanceId = null,
    [AbsentMeans("the instance's owner is the scope's account")] string? InstanceOwnerId = null,
    [AbsentMeans("the attachment has no device index (not attached to an instance)")] int? DeviceIndex = null);

public sealed record NetworkInterface(
    string NetworkInterfaceId,
    string SubnetId,
    string VpcId,
    string AvailabilityZone,
    string InterfaceType,
    string Status,
    IReadOnlyList<NetworkInterfacePrivateIpAddress> PrivateIpAddresses,
    IReadOnlyList<NetworkInterfaceIpv6Address> Ipv6Addresses,
    IReadOnlyList<SecurityGroupIdentifier> Groups,
    [AbsentMeans("an IPv6-only interface, which has no private IPv4 address")] string? PrivateIpAddress = null,
    [AbsentMeans("the interface has no description")] string? Description = null,
    [AbsentMeans("no public IPv4 address is associated with the primary private address")] NetworkInterfaceAssociation? Association = null,
    [AbsentMeans("the interface is not attached")] NetworkInterfaceAttachment? Attachment = null,
    [AbsentMeans("the owner is the scope's account")] string? OwnerId = null,
    [AbsentMeans("the interface was not created by an AWS service on your behalf")] string? RequesterId = null,
    [AbsentMeans("the interface is not requester-managed")] bool? RequesterManaged = null,
    [AbsentMeans("source/destination checking is enabled (the default)")] bool? SourceDestCheck = null,
    [AbsentMeans("the interface has no tags")] IReadOnlyList<Tag>? TagSet = null);

public sealed record InstanceState(string Name, [AbsentMeans("the state code is not recorded")] int? Code = null);

public sealed record InstanceNetworkInterface(string NetworkInterfaceId, [AbsentMeans("the interface's subnet is given by the interface listing")] string? SubnetId = null);

public sealed record Instance(
    string InstanceId,
    InstanceState State,
    IReadOnlyList<SecurityGroupIdentifier> SecurityGroups,
    IReadOnlyList<InstanceNetworkInterface> NetworkInterfaces,
    [AbsentMeans("the instance is not in a subnet (terminated)")] string? SubnetId = null,
    [AbsentMeans("the instance is not in a VPC (terminated)")] string? VpcId = null,
    [AbsentMeans("the instance has no private address (terminated)")] string? PrivateIpAddress = null,
    [AbsentMeans("the instance has no public IPv4 address")] string? PublicIpAddress = null,
    [AbsentMeans("source/destination checking is enabled (the default)")] bool? SourceDestCheck = null,
    [AbsentMeans("the instance has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record Reservation(
    IReadOnlyList<Instance> Instances,
    [AbsentMeans("no reservation id is recorded")] string? ReservationId = null,
    [AbsentMeans("the owner is the scope's account")] string? OwnerId = null);

public sealed record ManagedPrefixList(
    string PrefixListId,
    string AddressFamily,
    string State,
    [AbsentMeans("the list has no name")] string? PrefixListName = null,
    [AbsentMeans("an AWS-managed list, which has no maximum")] int? MaxEntries = null,
    [AbsentMeans("the owner is not recorded")] string? OwnerId = null,
    [AbsentMeans("the list has no tags")] IReadOnlyList<Tag>? Tags = null);

public sealed record PrefixListEntry(string Cidr, [AbsentMeans("the entry has no description")] string? Description = null);

public sealed record Address(
    string PublicIp,
    [AbsentMeans("not an allocation of a VPC Elastic IP")] string? AllocationId = null,
    [AbsentMeans("the address is not associated")] string? AssociationId = null,
    [AbsentMeans("the domain is vpc (the only one left)")] string? Domain = null,
    [AbsentMeans("the address is not associated with a network interface")] string? NetworkInterfaceId = null,
    [AbsentMeans("the interface's owner is the scope's account")] string? NetworkInterfaceOwnerId = null,
    [AbsentMeans("the address is not associated with a private address")] string? PrivateIpAddress = null,
    [AbsentMeans("the address is not associated with an instance")] string? InstanceId = null,
    [AbsentMeans("the address has no tags")] IReadOnlyList<Tag>? Tags = null);

// One output per describe call: the top-level member the CLI prints is required (a file without it is not that output).

public sealed record DescribeVpcsOutput(IReadOnlyList<Vpc> Vpcs);

public sealed record DescribeSubnetsOutput(IReadOnlyList<Subnet> Subnets);

public sealed record DescribeRouteTablesOutput(IReadOnlyList<RouteTable> RouteTables);

public sealed record DescribeNetworkAclsOutput(IReadOnlyList<NetworkAcl> NetworkAcls);

public sealed record DescribeSecurityGroupsOutput(IReadOnlyList<SecurityGroup> SecurityGroups);

public sealed record DescribeNatGatewaysOutput(IReadOnlyList<NatGateway> NatGateways);

public sealed record DescribeInternetGatewaysOutput(IReadOnlyList<InternetGateway> InternetGateways);

public sealed record DescribeEgressOnlyInternetGatewaysOutput(IReadOnlyList<EgressOnlyInternetGateway> EgressOnlyInternetGateways);

public sealed record DescribeVpcEndpointsOutput(IReadOnlyList<VpcEndpoint> VpcEndpoints);

public sealed record DescribeNetworkInterfacesOutput(IReadOnlyList<NetworkInterface> NetworkInterfaces);

public sealed record DescribeInstancesOutput(IReadOnlyList<Reservation> Reservations);

public sealed record DescribeManagedPrefixListsOutput(IReadOnlyList<ManagedPrefixList> PrefixLists);

public sealed record GetManagedPrefixListEntriesOutput(IReadOnlyList<PrefixListEntry> Entries);

public sealed record DescribeAddressesOutput(IReadOnlyList<Address> Addresses);
