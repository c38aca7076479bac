// Records in the JSON shapes the AWS CLI prints for EC2 (`aws ec2 describe-* --output json`).
// Property names are the API's member names; only what the catalog reads is declared, the rest is ignored.
namespace IsolationChecks.Aws.Shapes;

public sealed record Tag(string Key, string? Value);

public sealed record CidrBlockAssociation(string? AssociationId, string? CidrBlock);

public sealed record Ipv6CidrBlockAssociation(string? AssociationId, string? Ipv6CidrBlock);

public sealed record Vpc(
    string VpcId,
    string? CidrBlock = null,
    string? State = null,
    bool? IsDefault = null,
    string? OwnerId = null,
    IReadOnlyList<CidrBlockAssociation>? CidrBlockAssociationSet = null,
    IReadOnlyList<Ipv6CidrBlockAssociation>? Ipv6CidrBlockAssociationSet = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record Subnet(
    string SubnetId,
    string VpcId,
    string? CidrBlock = null,
    string? AvailabilityZone = null,
    string? AvailabilityZoneId = null,
    bool? MapPublicIpOnLaunch = null,
    string? OwnerId = null,
    IReadOnlyList<Ipv6CidrBlockAssociation>? Ipv6CidrBlockAssociationSet = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record Route(
    string? DestinationCidrBlock = null,
    string? DestinationIpv6CidrBlock = null,
    string? DestinationPrefixListId = null,
    string? GatewayId = null,
    string? NatGatewayId = null,
    string? InstanceId = null,
    string? NetworkInterfaceId = null,
    string? TransitGatewayId = null,
    string? VpcPeeringConnectionId = null,
    string? EgressOnlyInternetGatewayId = null,
    string? LocalGatewayId = null,
    string? CarrierGatewayId = null,
    string? CoreNetworkArn = null,
    string? Origin = null,
    string? State = null)
{
    public string Destination => DestinationCidrBlock ?? DestinationIpv6CidrBlock ?? DestinationPrefixListId ?? "(none)";

    public string Target => GatewayId ?? NatGatewayId ?? InstanceId ?? NetworkInterfaceId ?? TransitGatewayId
        ?? VpcPeeringConnectionId ?? EgressOnlyInternetGatewayId ?? LocalGatewayId ?? CarrierGatewayId
        ?? CoreNetworkArn ?? "(none)";
}

public sealed record AssociationState(string? State);

public sealed record RouteTableAssociation(
    string? RouteTableAssociationId = null,
    string? RouteTableId = null,
    string? SubnetId = null,
    string? GatewayId = null,
    bool? Main = null,
    AssociationState? AssociationState = null);

public sealed record RouteTable(
    string RouteTableId,
    string VpcId,
    IReadOnlyList<Route>? Routes = null,
    IReadOnlyList<RouteTableAssociation>? Associations = null,
    string? OwnerId = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record PortRange(int? From, int? To);

public sealed record IcmpTypeCode(int? Code, int? Type);

public sealed record NetworkAclEntry(
    int RuleNumber,
    string Protocol,
    string RuleAction,
    bool Egress,
    string? CidrBlock = null,
    string? Ipv6CidrBlock = null,
    PortRange? PortRange = null,
    IcmpTypeCode? IcmpTypeCode = null);

public sealed record NetworkAclAssociation(string? NetworkAclAssociationId, string? NetworkAclId, string? SubnetId);

public sealed record NetworkAcl(
    string NetworkAclId,
    string VpcId,
    bool? IsDefault = null,
    IReadOnlyList<NetworkAclEntry>? Entries = null,
    IReadOnlyList<NetworkAclAssociation>? Associations = null,
    string? OwnerId = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record IpRange(string CidrIp, string? Description = null);

public sealed record Ipv6Range(string CidrIpv6, string? Description = null);

public sealed record PrefixListReference(string PrefixListId, string? Description = null);

public sealed record UserIdGroupPair(
    string? GroupId = null,
    string? GroupName = null,
    string? UserId = null,
    string? VpcId = null,
    string? VpcPeeringConnectionId = null,
    string? PeeringStatus = null,
    string? Description = null);

public sealed record IpPermission(
    string IpProtocol,
    int? FromPort = null,
    int? ToPort = null,
    IReadOnlyList<IpRange>? IpRanges = null,
    IReadOnlyList<Ipv6Range>? Ipv6Ranges = null,
    IReadOnlyList<PrefixListReference>? PrefixListIds = null,
    IReadOnlyList<UserIdGroupPair>? UserIdGroupPairs = null);

public sealed record SecurityGroup(
    string GroupId,
    string GroupName,
    string? VpcId = null,
    string? OwnerId = null,
    string? Description = null,
    IReadOnlyList<IpPermission>? IpPermissions = null,
    IReadOnlyList<IpPermission>? IpPermissionsEgress = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record NatGatewayAddress(
    string? AllocationId = null,
    string? NetworkInterfaceId = null,
    string? PrivateIp = null,
    string? PublicIp = null,
    bool? IsPrimary = null,
    string? Status = null);

public sealed record NatGateway(
    string NatGatewayId,
    string? VpcId = null,
    string? SubnetId = null,
    string? State = null,
    string? ConnectivityType = null,
    IReadOnlyList<NatGatewayAddress>? NatGatewayAddresses = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record GatewayAttachment(string? VpcId, string? State);

public sealed record InternetGateway(
    string InternetGatewayId,
    IReadOnlyList<GatewayAttachment>? Attachments = null,
    string? OwnerId = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record EgressOnlyInternetGateway(
    string EgressOnlyInternetGatewayId,
    IReadOnlyList<GatewayAttachment>? Attachments = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record SecurityGroupIdentifier(string GroupId, string? GroupName = null);

public sealed record DnsEntry(string? DnsName, string? HostedZoneId);

public sealed record VpcEndpoint(
    string VpcEndpointId,
    string VpcEndpointType,
    string VpcId,
    string ServiceName,
    string? State = null,
    string? PolicyDocument = null,
    IReadOnlyList<string>? RouteTableIds = null,
    IReadOnlyList<string>? SubnetIds = null,
    IReadOnlyList<SecurityGroupIdentifier>? Groups = null,
    bool? PrivateDnsEnabled = null,
    IReadOnlyList<string>? NetworkInterfaceIds = null,
    IReadOnlyList<DnsEntry>? DnsEntries = null,
    string? OwnerId = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record NetworkInterfaceAssociation(
    string? PublicIp = null,
    string? PublicDnsName = null,
    string? IpOwnerId = null,
    string? AllocationId = null,
    string? AssociationId = null);

public sealed record NetworkInterfacePrivateIpAddress(
    string? PrivateIpAddress = null,
    bool? Primary = null,
    NetworkInterfaceAssociation? Association = null);

public sealed record NetworkInterfaceIpv6Address(string? Ipv6Address);

public sealed record NetworkInterfaceAttachment(
    string? AttachmentId = null,
    string? InstanceId = null,
    string? InstanceOwnerId = null,
    int? DeviceIndex = null,
    string? Status = null);

public sealed record NetworkInterface(
    string NetworkInterfaceId,
    string? SubnetId = null,
    string? VpcId = null,
    string? AvailabilityZone = null,
    string? InterfaceType = null,
    string? Description = null,
    string? PrivateIpAddress = null,
    IReadOnlyList<NetworkInterfacePrivateIpAddress>? PrivateIpAddresses = null,
    IReadOnlyList<NetworkInterfaceIpv6Address>? Ipv6Addresses = null,
    NetworkInterfaceAssociation? Association = null,
    IReadOnlyList<SecurityGroupIdentifier>? Groups = null,
    NetworkInterfaceAttachment? Attachment = null,
    string? OwnerId = null,
    string? RequesterId = null,
    bool? RequesterManaged = null,
    bool? SourceDestCheck = null,
    string? Status = null,
    IReadOnlyList<Tag>? TagSet = null);

public sealed record InstanceState(string? Name, int? Code = null);

public sealed record InstanceNetworkInterface(string NetworkInterfaceId, string? SubnetId = null);

public sealed record Instance(
    string InstanceId,
    string? SubnetId = null,
    string? VpcId = null,
    string? PrivateIpAddress = null,
    string? PublicIpAddress = null,
    InstanceState? State = null,
    IReadOnlyList<SecurityGroupIdentifier>? SecurityGroups = null,
    IReadOnlyList<InstanceNetworkInterface>? NetworkInterfaces = null,
    bool? SourceDestCheck = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record Reservation(string? ReservationId = null, string? OwnerId = null, IReadOnlyList<Instance>? Instances = null);

public sealed record ManagedPrefixList(
    string PrefixListId,
    string? PrefixListName = null,
    string? AddressFamily = null,
    string? State = null,
    int? MaxEntries = null,
    string? OwnerId = null,
    IReadOnlyList<Tag>? Tags = null);

public sealed record PrefixListEntry(string Cidr, string? Description = null);

public sealed record Address(
    string? PublicIp = null,
    string? AllocationId = null,
    string? AssociationId = null,
    string? Domain = null,
    string? NetworkInterfaceId = null,
    string? NetworkInterfaceOwnerId = null,
    string? PrivateIpAddress = null,
    string? InstanceId = null,
    IReadOnlyList<Tag>? Tags = null);
