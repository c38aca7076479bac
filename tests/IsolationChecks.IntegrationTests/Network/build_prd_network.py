"""Builds, in moto, the prd build network of Fixtures/reference (see its README) and prints its ids as JSON.

Region us-east-1 instead of ap-northeast-1, moto's ids and account instead of the fixture's. What moto
cannot build as the reference has it is listed in NetworkMotoTests.
"""
import json

import boto3

region = "us-east-1"
kw = dict(region_name=region)
ec2 = boto3.client("ec2", **kw)
cb = boto3.client("codebuild", **kw)


def named(kind, name):
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=named("vpc", "build-vpc"))["Vpc"]["VpcId"]
subnet_a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone=region + "a",
                             TagSpecifications=named("subnet", "build-private-1a"))["Subnet"]["SubnetId"]
subnet_c = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone=region + "c",
                             TagSpecifications=named("subnet", "build-private-1c"))["Subnet"]["SubnetId"]

main_rt = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                             {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]
rt_a = ec2.create_route_table(VpcId=vpc, TagSpecifications=named("route-table", "build-private-1a-rt"))["RouteTable"]["RouteTableId"]
rt_c = ec2.create_route_table(VpcId=vpc, TagSpecifications=named("route-table", "build-private-1c-rt"))["RouteTable"]["RouteTableId"]
ec2.associate_route_table(RouteTableId=rt_a, SubnetId=subnet_a)
ec2.associate_route_table(RouteTableId=rt_c, SubnetId=subnet_c)

s3_list = ec2.describe_managed_prefix_lists(
    Filters=[{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{region}.s3"]}])["PrefixLists"][0]["PrefixListId"]
s3_cidrs = [e["Cidr"] for e in ec2.get_managed_prefix_list_entries(PrefixListId=s3_list)["Entries"]]

# build-private-nacl: HTTPS and return traffic inside the VPC, HTTPS to (and returns from) each S3 CIDR, nothing else.
acl = ec2.create_network_acl(VpcId=vpc, TagSpecifications=named("network-acl", "build-private-nacl"))["NetworkAcl"]["NetworkAclId"]
for egress in (True, False):
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=egress,
                                 CidrBlock="10.20.0.0/16", PortRange={"From": 443, "To": 443})
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=110, Protocol="6", RuleAction="allow", Egress=egress,
                                 CidrBlock="10.20.0.0/16", PortRange={"From": 1024, "To": 65535})
    for i, cidr in enumerate(s3_cidrs):
        ports = {"From": 443, "To": 443} if egress else {"From": 1024, "To": 65535}
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=200 + 10 * i, Protocol="6", RuleAction="allow",
                                     Egress=egress, CidrBlock=cidr, PortRange=ports)
acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
for association in (a for n in acls for a in n["Associations"] if a["SubnetId"] in (subnet_a, subnet_c)):
    ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"], NetworkAclId=acl)


def no_rules(group):
    described = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    if described["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=described["IpPermissions"])
    if described["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=group, IpPermissions=described["IpPermissionsEgress"])


default_sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                   {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
no_rules(default_sg)
build_sg = ec2.create_security_group(GroupName="build-sg", Description="CodeBuild", VpcId=vpc)["GroupId"]
endpoint_sg = ec2.create_security_group(GroupName="endpoint-sg", Description="interface endpoints", VpcId=vpc)["GroupId"]
no_rules(build_sg)
no_rules(endpoint_sg)
ec2.authorize_security_group_egress(GroupId=build_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": endpoint_sg}]},
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": s3_list}]}])
ec2.authorize_security_group_ingress(GroupId=endpoint_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": build_sg}]}])

interface_services = ["ecr.api", "ecr.dkr", "logs", "sts", "codeartifact.api", "codeartifact.repositories", "git-codecommit"]
endpoints = {}
for service in interface_services:
    endpoints[service] = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{region}.{service}", VpcEndpointType="Interface",
        SubnetIds=[subnet_a, subnet_c], SecurityGroupIds=[endpoint_sg], PrivateDnsEnabled=True)["VpcEndpoint"]["VpcEndpointId"]
endpoints["s3"] = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.s3", VpcEndpointType="Gateway",
                                          RouteTableIds=[rt_a, rt_c, main_rt])["VpcEndpoint"]["VpcEndpointId"]

role = "arn:aws:iam::123456789012:role/service-role/codebuild-isolated-build-role"
for name, privileged in (("app-build", False), ("image-build", True)):
    cb.create_project(
        name=name,
        source={"type": "CODECOMMIT", "location": f"https://git-codecommit.{region}.amazonaws.com/v1/repos/app"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": privileged},
        serviceRole=role,
        vpcConfig={"vpcId": vpc, "subnets": [subnet_a, subnet_c], "securityGroupIds": [build_sg]},
        logsConfig={"cloudWatchLogs": {"status": "ENABLED", "groupName": f"/aws/codebuild/{name}"},
                    "s3Logs": {"status": "DISABLED"}})

print(json.dumps({"vpc": vpc, "subnets": [subnet_a, subnet_c], "routeTables": [rt_a, rt_c], "mainRouteTable": main_rt,
                  "networkAcl": acl, "buildSg": build_sg, "endpointSg": endpoint_sg, "defaultSg": default_sg,
                  "s3PrefixList": s3_list, "s3Cidrs": s3_cidrs, "endpoints": endpoints}))
