"""Builds, in moto, two VPCs joined every way the path engine follows, and prints their ids as JSON.

build (10.20.0.0/16): subnets in us-east-1a and us-east-1c; a peering connection to egress; an attachment to a
transit gateway; a virtual private gateway with a Site-to-Site VPN to an office (static route 172.16.0.0/12).
egress (10.50.0.0/16): a public subnet with an internet gateway and a NAT gateway, an attachment subnet routed to
the NAT gateway, and an internet-facing network load balancer (no security groups) whose IP target group holds web,
an instance interface admitting HTTPS from the VPC.
The transit gateway's route table: 0.0.0.0/0 -> the egress attachment, 198.51.100.0/24 blackhole.
"""
import json

import boto3

region = "us-east-1"
ec2 = boto3.client("ec2", region_name=region)
elbv2 = boto3.client("elbv2", region_name=region)


def named(kind, name):
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def vpc(cidr, name):
    return ec2.create_vpc(CidrBlock=cidr, TagSpecifications=named("vpc", name))["Vpc"]["VpcId"]


def subnet(vpc_id, cidr, zone, name):
    return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=region + zone,
                             TagSpecifications=named("subnet", name))["Subnet"]["SubnetId"]


def table(vpc_id, name, *subnets):
    rt = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=named("route-table", name))["RouteTable"]["RouteTableId"]
    for s in subnets:
        ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
    return rt


build = vpc("10.20.0.0/16", "build-vpc")
build_a = subnet(build, "10.20.1.0/24", "a", "build-a")
build_c = subnet(build, "10.20.2.0/24", "c", "build-c")
build_rt = table(build, "build-rt", build_a, build_c)

egress = vpc("10.50.0.0/16", "egress-vpc")
egress_public = subnet(egress, "10.50.100.0/24", "a", "egress-public")
egress_tgw_a = subnet(egress, "10.50.1.0/24", "a", "egress-tgw-a")
egress_tgw_c = subnet(egress, "10.50.2.0/24", "c", "egress-tgw-c")
igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=egress)
eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
nat = ec2.create_nat_gateway(SubnetId=egress_public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
public_rt = table(egress, "egress-public-rt", egress_public)
ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
tgw_rt = table(egress, "egress-tgw-rt", egress_tgw_a, egress_tgw_c)
ec2.create_route(RouteTableId=tgw_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)

peering = ec2.create_vpc_peering_connection(VpcId=build, PeerVpcId=egress)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=peering)
ec2.create_route(RouteTableId=build_rt, DestinationCidrBlock="10.50.0.0/16", VpcPeeringConnectionId=peering)

tgw = ec2.create_transit_gateway(Description="shared", Options={"DefaultRouteTableAssociation": "disable",
                                                                 "DefaultRouteTablePropagation": "disable"})["TransitGateway"]["TransitGatewayId"]
tgw_table = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
build_attachment = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=build, SubnetIds=[build_a, build_c])[
    "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
egress_attachment = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=egress, SubnetIds=[egress_tgw_a, egress_tgw_c])[
    "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
for attachment in (build_attachment, egress_attachment):
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=tgw_table, TransitGatewayAttachmentId=attachment)
ec2.create_transit_gateway_route(TransitGatewayRouteTableId=tgw_table, DestinationCidrBlock="0.0.0.0/0", TransitGatewayAttachmentId=egress_attachment)
ec2.create_transit_gateway_route(TransitGatewayRouteTableId=tgw_table, DestinationCidrBlock="10.20.0.0/16", TransitGatewayAttachmentId=build_attachment)
ec2.create_transit_gateway_route(TransitGatewayRouteTableId=tgw_table, DestinationCidrBlock="198.51.100.0/24", Blackhole=True)
ec2.create_route(RouteTableId=build_rt, DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=tgw)
ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="10.20.0.0/16", TransitGatewayId=tgw)

vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
ec2.attach_vpn_gateway(VpcId=build, VpnGatewayId=vgw)
cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.200", BgpAsn=65000)["CustomerGateway"]["CustomerGatewayId"]
vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw, Options={"StaticRoutesOnly": True})["VpnConnection"]["VpnConnectionId"]
ec2.create_route(RouteTableId=build_rt, DestinationCidrBlock="172.16.0.0/12", GatewayId=vgw)

build_sg = ec2.create_security_group(GroupName="build", Description="build", VpcId=build)["GroupId"]
web_sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=egress)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                                                      "IpRanges": [{"CidrIp": "10.50.0.0/16"}]}])
web = ec2.create_network_interface(SubnetId=egress_public, Groups=[web_sg], PrivateIpAddress="10.50.100.20")["NetworkInterface"]["NetworkInterfaceId"]

nlb = elbv2.create_load_balancer(Name="web-nlb", Subnets=[egress_public], Scheme="internet-facing", Type="network")["LoadBalancers"][0]
target_group = elbv2.create_target_group(Name="web", Protocol="TCP", Port=443, VpcId=egress, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
elbv2.register_targets(TargetGroupArn=target_group, Targets=[{"Id": "10.50.100.20", "Port": 443}])
elbv2.create_listener(LoadBalancerArn=nlb["LoadBalancerArn"], Protocol="TCP", Port=443,
                      DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}])
elbv2.modify_target_group_attributes(TargetGroupArn=target_group, Attributes=[{"Key": "preserve_client_ip.enabled", "Value": "false"}])

print(json.dumps({
    "build": build, "buildA": build_a, "buildC": build_c, "buildRt": build_rt, "buildSg": build_sg,
    "egress": egress, "egressPublic": egress_public, "nat": nat, "igw": igw,
    "peering": peering, "tgw": tgw, "tgwTable": tgw_table, "buildAttachment": build_attachment, "egressAttachment": egress_attachment,
    "vgw": vgw, "vpn": vpn, "cgw": cgw, "web": web, "webSg": web_sg,
    "nlb": nlb["LoadBalancerArn"], "targetGroup": target_group,
}))
