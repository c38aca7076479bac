"""Makes, in moto, the drift one violation fixture describes, on the network build_prd_network.py built.

Run with BUILT (that script's JSON output, parsed) and DRIFT (the fixture's folder name) defined before this
text; prints the ids it created as JSON.
"""
import json

import boto3

region = "us-east-1"
ec2 = boto3.client("ec2", region_name=region)
subnet_a, subnet_c = BUILT["subnets"]  # noqa: F821 (defined by the caller)
rt_a, rt_c = BUILT["routeTables"]  # noqa: F821


def named(kind, name):
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def public_nat(subnet, name):
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, ConnectivityType="public",
                                  TagSpecifications=named("natgateway", name))["NatGateway"]["NatGatewayId"]


def cb2_nat_route():
    """A NAT gateway in build-private-1a; build-private-1c's route table sends 0.0.0.0/0 to it."""
    nat = public_nat(subnet_a, "tmp-nat-for-npm-test")
    ec2.create_route(RouteTableId=rt_c, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    return {"nat": nat}


def cb3_nat_path():
    """A public subnet (default NACL) behind a new internet gateway with a NAT gateway; build-private-1c's
    0.0.0.0/0 to the NAT; build-sg and the build NACL opened to HTTPS anywhere."""
    vpc = BUILT["vpc"]  # noqa: F821
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.100.0/24", AvailabilityZone=region + "a",
                               TagSpecifications=named("subnet", "tmp-public-1a"))["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway(TagSpecifications=named("internet-gateway", "tmp-igw"))["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=named("route-table", "tmp-public-rt"))["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    nat = public_nat(public, "tmp-nat")
    ec2.create_route(RouteTableId=rt_c, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.authorize_security_group_egress(GroupId=BUILT["buildSg"], IpPermissions=[  # noqa: F821
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "temporary: npm registry"}]}])
    ec2.create_network_acl_entry(NetworkAclId=BUILT["networkAcl"], RuleNumber=300, Protocol="6", RuleAction="allow",  # noqa: F821
                                 Egress=True, CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443})
    ec2.create_network_acl_entry(NetworkAclId=BUILT["networkAcl"], RuleNumber=300, Protocol="6", RuleAction="allow",  # noqa: F821
                                 Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 1024, "To": 65535})
    return {"nat": nat, "igw": igw, "publicRouteTable": public_rt}


drifts = {"CB-2-nat-route": cb2_nat_route, "CB-3-nat-path": cb3_nat_path}
print(json.dumps(drifts[DRIFT]()))  # noqa: F821
