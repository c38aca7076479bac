"""Builds, in moto, an estate in which every call of the catalog has something to read, and prints its ids as JSON.

A build VPC (endpoints, a prefix list on the build group, CodeBuild), GitLab three ways (an instance, a load balancer
and an ECS service, all behind one group admitting the NAT gateway and the office), ECR with policies and lifecycle
rules, and the push and pull principals. Addresses are pinned: moto would hand out loopback ones.
"""
import json

import boto3

kw = dict(region_name="eu-west-1")
ec2 = boto3.client("ec2", **kw)

build = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=build, CidrBlock=f"10.20.{n}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
           for n, az in ((1, "eu-west-1a"), (2, "eu-west-1b"))]
rt = ec2.create_route_table(VpcId=build)["RouteTable"]["RouteTableId"]
for subnet in subnets:
    ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
corp = ec2.create_managed_prefix_list(PrefixListName="corp", MaxEntries=5, AddressFamily="IPv4",
                                      Entries=[{"Cidr": "10.0.0.0/8"}])["PrefixList"]["PrefixListId"]
build_sg = ec2.create_security_group(GroupName="build", Description="codebuild", VpcId=build)["GroupId"]
endpoint_sg = ec2.create_security_group(GroupName="endpoints", Description="endpoints", VpcId=build)["GroupId"]
ec2.revoke_security_group_egress(GroupId=build_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
ec2.authorize_security_group_egress(GroupId=build_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": endpoint_sg}], "PrefixListIds": [{"PrefixListId": corp}]}])
ec2.authorize_security_group_ingress(GroupId=endpoint_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": build_sg}]}])
for service in ("ecr.api", "logs"):
    ec2.create_vpc_endpoint(VpcId=build, ServiceName=f"com.amazonaws.eu-west-1.{service}", VpcEndpointType="Interface",
                            SubnetIds=subnets, SecurityGroupIds=[endpoint_sg], PrivateDnsEnabled=True)
ec2.create_vpc_endpoint(VpcId=build, ServiceName="com.amazonaws.eu-west-1.s3", VpcEndpointType="Gateway", RouteTableIds=[rt])
iam = boto3.client("iam", **kw)
role = iam.create_role(RoleName="codebuild", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
boto3.client("codebuild", **kw).create_project(
    name="app-build", source={"type": "CODECOMMIT", "location": "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app"},
    artifacts={"type": "NO_ARTIFACTS"}, serviceRole=role,
    environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": False},
    vpcConfig={"vpcId": build, "subnets": subnets, "securityGroupIds": [build_sg]},
    logsConfig={"cloudWatchLogs": {"status": "ENABLED", "groupName": "/codebuild/app-build"}})

dev = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
ec2.modify_vpc_attribute(VpcId=dev, EnableDnsHostnames={"Value": True})
public = [ec2.create_subnet(VpcId=dev, CidrBlock=f"10.10.{n}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"] for n, az in ((0, "eu-west-1a"), (1, "eu-west-1b"))]
private = ec2.create_subnet(VpcId=dev, CidrBlock="10.10.10.0/24", AvailabilityZone="eu-west-1a")["Subnet"]["SubnetId"]
igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=dev)
nat_ip = "198.51.100.20"
nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=ec2.allocate_address(Domain="vpc", Address=nat_ip)["AllocationId"])["NatGateway"]["NatGatewayId"]
public_rt = ec2.create_route_table(VpcId=dev)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
for subnet in public:
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=subnet)
private_rt = ec2.create_route_table(VpcId=dev)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private)
gitlab_sg = ec2.create_security_group(GroupName="gitlab", Description="gitlab", VpcId=dev)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=gitlab_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": nat_ip + "/32"}, {"CidrIp": "192.0.2.0/28"}]}])
instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m6i.xlarge", SubnetId=private,
                             SecurityGroupIds=[gitlab_sg])["Instances"][0]["InstanceId"]
ec2.associate_address(AllocationId=ec2.allocate_address(Domain="vpc", Address="198.51.100.41")["AllocationId"], InstanceId=instance)
elb = boto3.client("elbv2", **kw)
alb = elb.create_load_balancer(Name="gitlab-alb", Subnets=public, SecurityGroups=[gitlab_sg], Scheme="internet-facing", Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
# AWS describes a load balancer's interfaces as "ELB app/NAME/ID"; moto creates none.
ec2.create_network_interface(SubnetId=public[0], Groups=[gitlab_sg], Description="ELB " + alb.split(":loadbalancer/")[1])
ecs = boto3.client("ecs", **kw)
ecs.create_cluster(clusterName="gitlab")
task_def = ecs.register_task_definition(family="gitlab", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="4096", memory="16384",
    containerDefinitions=[{"name": "gitlab", "image": "gitlab/gitlab-ce", "cpu": 4096, "memory": 16384, "portMappings": [{"containerPort": 443}]}])["taskDefinition"]["taskDefinitionArn"]
network = {"awsvpcConfiguration": {"subnets": [private], "securityGroups": [gitlab_sg]}}
ecs.create_service(cluster="gitlab", serviceName="gitlab-web", taskDefinition=task_def, desiredCount=1, launchType="FARGATE", networkConfiguration=network)
# moto's services start no task: start the service's task as ECS does (group service:NAME).
ecs.run_task(cluster="gitlab", taskDefinition=task_def, launchType="FARGATE", group="service:gitlab-web", networkConfiguration=network)

ecr = boto3.client("ecr", **kw)
ecr.create_repository(repositoryName="app", imageTagMutability="IMMUTABLE", imageScanningConfiguration={"scanOnPush": True})
ecr.set_repository_policy(repositoryName="app", policyText=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "pull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": ["ecr:BatchGetImage"]}]}))
ecr.put_lifecycle_policy(repositoryName="app", lifecyclePolicyText=json.dumps({"rules": [{"rulePriority": 1, "selection": {
    "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7}, "action": {"type": "expire"}}]}))
for user, action, source in (("gitlab-mirror-push", "codecommit:GitPush", nat_ip + "/32"), ("isolated-pull", "codecommit:GitPull", "203.0.113.10/32")):
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="git", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": "arn:aws:codecommit:eu-west-1:123456789012:app", "Condition": {"IpAddress": {"aws:SourceIp": source}}}]}))
print(json.dumps({"buildVpc": build, "nat": nat, "natIp": nat_ip, "instance": instance, "loadBalancer": alb, "devVpc": dev,
                  "privateSubnet": private, "gitlabGroup": gitlab_sg}))
