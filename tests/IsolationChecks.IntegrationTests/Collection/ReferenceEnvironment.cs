namespace IsolationChecks.IntegrationTests.Collection;

/// <summary>
/// Builds a small private CI/CD environment in moto with boto3 (the product clients cannot create:
/// the read-only guard refuses it) and reports the ids it created.
/// </summary>
public static class ReferenceEnvironment
{
    public const string Region = "eu-west-1";

    /// <summary>Prints a JSON object of the created ids.</summary>
    public const string BuildScript = """
import boto3, json, os
kw = dict(region_name='eu-west-1')
ec2 = boto3.client('ec2', **kw)
vpc = ec2.create_vpc(CidrBlock='10.20.0.0/16', TagSpecifications=[{'ResourceType':'vpc','Tags':[{'Key':'Name','Value':'build-vpc'}]}])['Vpc']['VpcId']
sa = ec2.create_subnet(VpcId=vpc, CidrBlock='10.20.1.0/24', AvailabilityZone='eu-west-1a')['Subnet']['SubnetId']
sb = ec2.create_subnet(VpcId=vpc, CidrBlock='10.20.2.0/24', AvailabilityZone='eu-west-1b')['Subnet']['SubnetId']
rt = ec2.create_route_table(VpcId=vpc)['RouteTable']['RouteTableId']
ec2.associate_route_table(RouteTableId=rt, SubnetId=sa)
ec2.associate_route_table(RouteTableId=rt, SubnetId=sb)
acl = ec2.create_network_acl(VpcId=vpc)['NetworkAcl']['NetworkAclId']
ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol='6', RuleAction='allow', Egress=False, CidrBlock='10.20.0.0/16', PortRange={'From':443,'To':443})
ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=200, Protocol='-1', RuleAction='deny', Egress=True, CidrBlock='0.0.0.0/0')
pl = ec2.create_managed_prefix_list(PrefixListName='corp-office', MaxEntries=5, AddressFamily='IPv4', Entries=[{'Cidr':'192.168.10.0/24','Description':'office'}])['PrefixList']['PrefixListId']
sg_build = ec2.create_security_group(GroupName='app-build', Description='codebuild', VpcId=vpc)['GroupId']
sg_ep = ec2.create_security_group(GroupName='endpoints', Description='interface endpoints', VpcId=vpc)['GroupId']
ec2.authorize_security_group_ingress(GroupId=sg_ep, IpPermissions=[{'IpProtocol':'tcp','FromPort':443,'ToPort':443,
  'UserIdGroupPairs':[{'GroupId':sg_build,'Description':'from build'}], 'IpRanges':[{'CidrIp':'10.20.0.0/16','Description':'vpc'}],
  'Ipv6Ranges':[{'CidrIpv6':'2001:db8::/64','Description':'v6'}], 'PrefixListIds':[{'PrefixListId':pl,'Description':'office'}]}])
ec2.authorize_security_group_egress(GroupId=sg_build, IpPermissions=[{'IpProtocol':'tcp','FromPort':443,'ToPort':443,'UserIdGroupPairs':[{'GroupId':sg_ep}]}])
vpce_if = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName='com.amazonaws.eu-west-1.ecr.api', VpcEndpointType='Interface', SubnetIds=[sa,sb], SecurityGroupIds=[sg_ep], PrivateDnsEnabled=True)['VpcEndpoint']['VpcEndpointId']
vpce_gw = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName='com.amazonaws.eu-west-1.s3', VpcEndpointType='Gateway', RouteTableIds=[rt])['VpcEndpoint']['VpcEndpointId']
egress_vpc = ec2.create_vpc(CidrBlock='10.30.0.0/16')['Vpc']['VpcId']
pub = ec2.create_subnet(VpcId=egress_vpc, CidrBlock='10.30.0.0/24', AvailabilityZone='eu-west-1a')['Subnet']['SubnetId']
igw = ec2.create_internet_gateway()['InternetGateway']['InternetGatewayId']
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=egress_vpc)
eip = ec2.allocate_address(Domain='vpc')['AllocationId']
nat = ec2.create_nat_gateway(SubnetId=pub, AllocationId=eip)['NatGateway']['NatGatewayId']
cb = boto3.client('codebuild', **kw)
cb.create_project(name='app-build', source={'type':'CODECOMMIT','location':'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app'},
  artifacts={'type':'NO_ARTIFACTS'}, environment={'type':'LINUX_CONTAINER','image':'aws/codebuild/standard:7.0','computeType':'BUILD_GENERAL1_SMALL','privilegedMode':False},
  serviceRole='arn:aws:iam::123456789012:role/app-build', vpcConfig={'vpcId':vpc,'subnets':[sa,sb],'securityGroupIds':[sg_build]},
  logsConfig={'cloudWatchLogs':{'status':'ENABLED','groupName':'/codebuild/app-build'}})
cb.create_project(name='image-build', source={'type':'CODECOMMIT','location':'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/images'}, artifacts={'type':'NO_ARTIFACTS'},
  environment={'type':'LINUX_CONTAINER','image':'aws/codebuild/standard:7.0','computeType':'BUILD_GENERAL1_SMALL','privilegedMode':True},
  serviceRole='arn:aws:iam::123456789012:role/image-build', logsConfig={'s3Logs':{'status':'ENABLED','location':'logs-bucket/image-build'}})
ecr = boto3.client('ecr', **kw)
ecr.create_repository(repositoryName='app')
ecr.create_repository(repositoryName='base/python')
ecr.set_repository_policy(repositoryName='app', policyText=json.dumps({'Version':'2012-10-17','Statement':[{'Sid':'pull','Effect':'Allow','Principal':{'AWS':'arn:aws:iam::123456789012:root'},'Action':['ecr:BatchGetImage']}]}))
ecr.put_lifecycle_policy(repositoryName='app', lifecyclePolicyText=json.dumps({'rules':[{'rulePriority':1,'selection':{'tagStatus':'untagged','countType':'sinceImagePushed','countUnit':'days','countNumber':7},'action':{'type':'expire'}}]}))
iam = boto3.client('iam', **kw)
iam.create_user(UserName='ci-bot')
iam.put_user_policy(UserName='ci-bot', PolicyName='pull-source', PolicyDocument=json.dumps({'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'codecommit:GitPull','Resource':'*'}]}))
iam.create_group(GroupName='builders')
iam.add_user_to_group(GroupName='builders', UserName='ci-bot')
arn = iam.create_policy(PolicyName='ecr-push', PolicyDocument=json.dumps({'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':['ecr:PutImage'],'Resource':'*'}]}))['Policy']['Arn']
iam.attach_group_policy(GroupName='builders', PolicyArn=arn)
iam.create_role(RoleName='app-build', AssumeRolePolicyDocument=json.dumps({'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'Service':'codebuild.amazonaws.com'},'Action':'sts:AssumeRole'}]}))
print(json.dumps(dict(vpc=vpc, subnets=[sa,sb], rt=rt, acl=acl, pl=pl, sg_build=sg_build, sg_ep=sg_ep, vpce_if=vpce_if, vpce_gw=vpce_gw, egress_vpc=egress_vpc, igw=igw, nat=nat, policy=arn)))
""";
}
