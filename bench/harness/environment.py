"""Builds a benchmark estate in moto: SIZE copies of one business unit, and the posture that judges it.

One unit is about a hundred resources shaped like a real private CI/CD estate: a build VPC (three AZs, interface
endpoints, a custom network ACL, a transit-gateway route, CodeBuild projects, runners), an application VPC (internet
gateway, NAT gateway, load balancer, web servers), ECR repositories with policies and lifecycle rules, and IAM
principals. One GitLab host (an instance, plus its load balancer) admits every unit's NAT gateway. The posture is
written so the controls judge everything: every project, repository and build VPC is in scope, and the estate is
compliant, so a control that is not `pass` points at the tool (or at what moto lacks), not at the estate.

Usage: environment.py ENDPOINT SIZE OUT_DIR   (writes OUT_DIR/posture.json and OUT_DIR/estate.json)
"""
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

ACCOUNT = "123456789012"
REGION = "eu-west-1"
AZS = [REGION + "a", REGION + "b", REGION + "c"]
ENDPOINTS = ["ecr.api", "ecr.dkr", "logs", "sts"]
PROJECTS_PER_UNIT = 6
REPOSITORIES_PER_UNIT = 8
USERS_PER_UNIT = 6
ISOLATED_CIDR = "203.0.113.10/32"
OFFICE_CIDR = "192.0.2.0/28"


def clients(endpoint):
    config = Config(retries={"max_attempts": 10, "mode": "standard"}, max_pool_connections=32)
    kw = dict(region_name=REGION, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", config=config)
    if endpoint:
        kw["endpoint_url"] = endpoint
    return {name: boto3.client(name, **kw) for name in ("ec2", "codebuild", "ecr", "iam", "elbv2")}


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def shared(c):
    """What the units share: the transit gateway, the CodeBuild service role, the managed prefix list."""
    ec2, iam = c["ec2"], c["iam"]
    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
    role = iam.create_role(RoleName="codebuild-service", AssumeRolePolicyDocument=policy(
        {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}))["Role"]["Arn"]
    prefix_list = ec2.create_managed_prefix_list(PrefixListName="corp-networks", MaxEntries=10, AddressFamily="IPv4",
                                                 Entries=[{"Cidr": "10.0.0.0/8", "Description": "corp"}])["PrefixList"]["PrefixListId"]
    return {"tgw": tgw, "role": role, "prefixList": prefix_list}


def build_vpc(c, i, hub):
    ec2 = c["ec2"]
    vpc = ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": f"build-{i}"}]}])["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{i}.{n}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
               for n, az in enumerate(AZS, start=1)]
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=hub["tgw"], VpcId=vpc, SubnetIds=subnets[:1])
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="172.16.0.0/12", TransitGatewayId=hub["tgw"])

    # The build subnets' network ACL admits only the corporate range, both ways.
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for egress in (False, True):
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=egress, CidrBlock="10.0.0.0/8")
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=200, Protocol="-1", RuleAction="deny", Egress=egress, CidrBlock="0.0.0.0/0")
    default_acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
    for association in default_acl["Associations"]:
        if association["SubnetId"] in subnets:
            ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"], NetworkAclId=acl)

    build_sg = ec2.create_security_group(GroupName=f"build-{i}", Description="codebuild", VpcId=vpc)["GroupId"]
    endpoint_sg = ec2.create_security_group(GroupName=f"endpoints-{i}", Description="interface endpoints", VpcId=vpc)["GroupId"]
    ec2.revoke_security_group_egress(GroupId=build_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=build_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": endpoint_sg}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": hub["prefixList"]}]}])
    ec2.authorize_security_group_ingress(GroupId=endpoint_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": build_sg}]}])
    for n in range(5):
        group = ec2.create_security_group(GroupName=f"service-{i}-{n}", Description="internal service", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": f"10.{i}.0.0/16"}]} for port in (443, 8080, 5432)])

    for service in ENDPOINTS:
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.{service}", VpcEndpointType="Interface",
                                SubnetIds=subnets, SecurityGroupIds=[endpoint_sg], PrivateDnsEnabled=True)
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway", RouteTableIds=[rt])
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=4, MaxCount=4, InstanceType="t3.medium", SubnetId=subnets[0],
                      SecurityGroupIds=[build_sg], TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Role", "Value": "runner"}]}])

    projects = []
    for n in range(PROJECTS_PER_UNIT):
        name = f"unit{i}-{'image' if n == 0 else 'app'}-build-{n}"
        c["codebuild"].create_project(
            name=name,
            source={"type": "CODECOMMIT", "location": f"https://git-codecommit.{REGION}.amazonaws.com/v1/repos/unit{i}-{n}"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL",
                         "privilegedMode": n == 0},
            serviceRole=hub["role"],
            vpcConfig={"vpcId": vpc, "subnets": subnets, "securityGroupIds": [build_sg]},
            logsConfig={"cloudWatchLogs": {"status": "ENABLED", "groupName": f"/codebuild/{name}"}})
        projects.append(name)
    return {"vpc": vpc, "projects": projects, "privileged": [projects[0]]}


def app_vpc(c, i, hub):
    ec2 = c["ec2"]
    vpc = ec2.create_vpc(CidrBlock=f"172.{16 + i // 64}.{(i % 64) * 4}.0/22")["Vpc"]["VpcId"]
    base = f"172.{16 + i // 64}.{(i % 64) * 4}"
    public = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{n * 64}/26", AvailabilityZone=AZS[n])["Subnet"]["SubnetId"] for n in range(2)]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base.rsplit('.', 1)[0]}.{(i % 64) * 4 + 1}.0/24", AvailabilityZone=AZS[0])["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet in public:
        ec2.associate_route_table(RouteTableId=public_rt, SubnetId=subnet)
    allocation = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=allocation["AllocationId"])["NatGateway"]["NatGatewayId"]
    private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=hub["tgw"], VpcId=vpc, SubnetIds=[private])
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=hub["tgw"])
    ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private)
    web_sg = ec2.create_security_group(GroupName=f"web-{i}", Description="load balancer", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    app_sg = ec2.create_security_group(GroupName=f"app-{i}", Description="web servers", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=app_sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": web_sg}]}])
    c["elbv2"].create_load_balancer(Name=f"web-{i}", Subnets=public, SecurityGroups=[web_sg], Scheme="internet-facing", Type="application")
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2, InstanceType="t3.small", SubnetId=private, SecurityGroupIds=[app_sg])
    return {"vpc": vpc, "publicSubnet": public[0], "publicSubnets": public, "nat": nat, "natIp": allocation["PublicIp"]}


def repositories(c, i):
    ecr = c["ecr"]
    names = []
    for n in range(REPOSITORIES_PER_UNIT):
        name = f"unit{i}/service-{n}"
        ecr.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE", imageScanningConfiguration={"scanOnPush": True})
        ecr.set_repository_policy(repositoryName=name, policyText=policy(
            {"Sid": "pull", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}))
        ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=json.dumps({"rules": [{
            "rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7},
            "action": {"type": "expire"}}]}))
        names.append(name)
    return names


def principals(c, i):
    iam = c["iam"]
    group = f"developers-{i}"
    iam.create_group(GroupName=group)
    managed = iam.create_policy(PolicyName=f"read-artifacts-{i}", PolicyDocument=policy(
        {"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/unit{i}/*"}))["Policy"]["Arn"]
    iam.attach_group_policy(GroupName=group, PolicyArn=managed)
    for n in range(USERS_PER_UNIT):
        user = f"dev-{i}-{n}"
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName=group, UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="logs", PolicyDocument=policy({"Effect": "Allow", "Action": "logs:GetLogEvents", "Resource": "*"}))
    for kind in ("deploy", "build"):
        role = f"{kind}-{i}"
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}))
        iam.attach_role_policy(RoleName=role, PolicyArn=managed)


def unit(c, i, hub):
    build = build_vpc(c, i, hub)
    app = app_vpc(c, i, hub)
    repos = repositories(c, i)
    principals(c, i)
    return {"build": build, "app": app, "repositories": repos}


def gitlab(c, units, hub):
    """GitLab in unit 0's application VPC: an instance and its load balancer, admitting every unit's NAT gateway and the office."""
    ec2 = c["ec2"]
    app = units[0]["app"]
    sources = [{"CidrIp": f"{u['app']['natIp']}/32"} for u in units] + [{"CidrIp": OFFICE_CIDR}]
    sg = ec2.create_security_group(GroupName="gitlab", Description="gitlab", VpcId=app["vpc"])["GroupId"]
    ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": sources} for port in (22, 443)])
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m5.xlarge", SubnetId=app["publicSubnet"],
                                 SecurityGroupIds=[sg], TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Role", "Value": "gitlab"}]}])["Instances"][0]["InstanceId"]
    address = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(InstanceId=instance, AllocationId=address["AllocationId"])
    lb = c["elbv2"].create_load_balancer(Name="gitlab", Subnets=app["publicSubnets"], SecurityGroups=[sg], Scheme="internet-facing",
                                         Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    # EC2 describes a load balancer's interfaces as "ELB app/NAME/ID"; moto creates none, so the estate does, as AWS would.
    name_and_id = "/".join(lb.split(":loadbalancer/")[1].split("/")[0:3])
    for subnet in app["publicSubnets"]:
        ec2.create_network_interface(SubnetId=subnet, Groups=[sg], Description=f"ELB {name_and_id}")

    iam = c["iam"]
    nat_ips = [f"{u['app']['natIp']}/32" for u in units]
    iam.create_user(UserName="gitlab-mirror-push")
    iam.put_user_policy(UserName="gitlab-mirror-push", PolicyName="push", PolicyDocument=policy(
        {"Effect": "Allow", "Action": "codecommit:GitPush", "Resource": f"arn:aws:codecommit:{REGION}:{ACCOUNT}:app",
         "Condition": {"IpAddress": {"aws:SourceIp": nat_ips}}}))
    iam.create_user(UserName="isolated-pull")
    iam.put_user_policy(UserName="isolated-pull", PolicyName="pull", PolicyDocument=policy(
        {"Effect": "Allow", "Action": "codecommit:GitPull", "Resource": f"arn:aws:codecommit:{REGION}:{ACCOUNT}:app",
         "Condition": {"IpAddress": {"aws:SourceIp": ISOLATED_CIDR}}}))
    return {"instance": instance, "loadBalancer": lb, "grants": {
        "gitlab-mirror-push": {"codecommit:GitPush": nat_ips}, "isolated-pull": {"codecommit:GitPull": [ISOLATED_CIDR]}}}


def posture(units, host):
    return {
        "version": 1,
        "name": f"benchmark estate, {len(units)} units",
        "accounts": {"prd": {"accountId": ACCOUNT, "region": REGION}},
        "build": {
            "account": "prd", "projects": ["*"], "vpcs": [u["build"]["vpc"] for u in units],
            "privilegedModeAllowed": [p for u in units for p in u["build"]["privileged"]],
            "approvedEgress": [], "requiredEndpoints": ENDPOINTS + ["s3"],
        },
        "natGateways": [{"id": u["app"]["nat"], "account": "prd"} for u in units],
        "ecr": {"account": "prd", "repositories": ["*"], "allowedPrincipalAccounts": [ACCOUNT], "publicRepositoriesAllowed": []},
        "gitLab": {"account": "prd", "hosts": [{"instanceId": host["instance"]}, {"loadBalancerArn": host["loadBalancer"]}],
                   "allowedCidrs": [OFFICE_CIDR], "allowedSecurityGroups": []},
        "codeCommit": {"account": "prd", "mirroredRepositories": ["app"],
                       "pushPrincipals": [f"arn:aws:iam::{ACCOUNT}:user/gitlab-mirror-push"],
                       "pullPrincipals": [f"arn:aws:iam::{ACCOUNT}:user/isolated-pull"],
                       "isolatedSourceCidrs": [ISOLATED_CIDR]},
        "excludedControls": [
            {"control": c, "reason": "the benchmark estate runs in moto: " + why} for c, why in (
                ("CONN-1", "moto has no CodeConnections"),
                ("GIT-1", "no Git server stands behind the estate"),
                ("NET-1", "the in-VPC probes need the build network itself"),
                ("NET-2", "the in-VPC probes need the build network itself"),
                ("NET-3", "the in-VPC probes need the build network itself"))],
        "waivers": [],
    }


def build(endpoint, size, out):
    """Builds the estate (endpoint None: moto in this process) and writes posture.json and estate.json to out."""
    started = time.monotonic()
    c = clients(endpoint)
    hub = shared(c)
    if endpoint:
        # Over HTTP, a few units at once keep moto busy (a client each: boto3 clients are not shared across threads).
        with ThreadPoolExecutor(max_workers=4) as pool:
            units = list(pool.map(lambda i: unit(clients(endpoint), i, hub), range(size)))
    else:
        units = [unit(c, i, hub) for i in range(size)]
    host = gitlab(c, units, hub)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "posture.json"), "w") as f:
        json.dump(posture(units, host), f, indent=2)
    with open(os.path.join(out, "estate.json"), "w") as f:
        json.dump({"size": size, "units": units, "gitlab": host, "seconds": round(time.monotonic() - started, 1)}, f, indent=2)
    return time.monotonic() - started


def main():
    endpoint, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    print(json.dumps({"size": size, "seconds": round(build(endpoint, size, out), 1)}))


if __name__ == "__main__":
    main()
