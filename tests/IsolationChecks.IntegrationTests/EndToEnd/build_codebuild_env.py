"""Builds, in moto, a small build environment for the live end-to-end test and prints its ids as JSON.

Projects: app-build (compliant), leaky-build (subnet routed to a NAT gateway: CB-2),
outside-build (no VPC: CB-1, CB-2), root-build (privileged, not allowed: CB-5),
quiet-build (CloudWatch logs disabled: CB-4).
"""
import json
import sys

import boto3

endpoint, region = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
ec2 = boto3.client("ec2", **kw)
cb = boto3.client("codebuild", **kw)
iam = boto3.client("iam", **kw)

vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
private_a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone=region + "a")["Subnet"]["SubnetId"]
private_b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone=region + "b")["Subnet"]["SubnetId"]
public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.9.0/24", AvailabilityZone=region + "a")["Subnet"]["SubnetId"]
leaky = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.3.0/24", AvailabilityZone=region + "a")["Subnet"]["SubnetId"]

igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]

private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
for subnet in (private_a, private_b):
    ec2.associate_route_table(RouteTableId=private_rt, SubnetId=subnet)
leaky_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=leaky_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
ec2.associate_route_table(RouteTableId=leaky_rt, SubnetId=leaky)

sg = ec2.create_security_group(GroupName="build-sg", Description="build", VpcId=vpc)["GroupId"]

role = iam.create_role(RoleName="codebuild-service", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]


def project(name, subnets, privileged=False, logs="ENABLED", in_vpc=True):
    args = dict(
        name=name,
        source={"type": "CODECOMMIT", "location": f"https://git-codecommit.{region}.amazonaws.com/v1/repos/app"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": privileged},
        serviceRole=role,
        logsConfig={"cloudWatchLogs": {"status": logs}},
    )
    if in_vpc:
        args["vpcConfig"] = {"vpcId": vpc, "subnets": subnets, "securityGroupIds": [sg]}
    cb.create_project(**args)


project("app-build", [private_a, private_b])
project("leaky-build", [leaky])
project("outside-build", [], in_vpc=False)
project("root-build", [private_a], privileged=True)
project("quiet-build", [private_b], logs="DISABLED")

print(json.dumps({"vpc": vpc, "natGateway": nat, "leakyRouteTable": leaky_rt, "privateRouteTable": private_rt,
                  "subnets": [private_a, private_b, leaky, public]}))
