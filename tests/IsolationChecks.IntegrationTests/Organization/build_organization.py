"""Builds, in moto, an organisation for the organisation-scale tests and prints its ids as JSON.

The management account (moto's default, 123456789012) creates the organisation: an OU "workloads" under the root and an
OU "nested" under it. ACCOUNTS member accounts are created (the last NESTED of them moved into "nested"), tagged
isolationchecks:class=build, except the last, tagged sandbox (a class the posture does not declare). In every account and
REGION, reached by assuming a role (moto routes by the access key to the account), a build VPC with two subnets and a
CodeBuild project in it; the first account's project runs privileged (a CB-5 failure to find in every run).
"""
import json
import sys

import boto3

endpoint, accounts, nested = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
regions = sys.argv[4:]
kw = dict(endpoint_url=endpoint, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="us-east-1")
org = boto3.client("organizations", **kw)
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
workloads = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
inner = org.create_organizational_unit(ParentId=workloads, Name="nested")["OrganizationalUnit"]["Id"]
sts = boto3.client("sts", **kw)

ids = []
for i in range(accounts):
    tag = "sandbox" if i == accounts - 1 else "build"
    status = org.create_account(AccountName=f"app-{i:02d}", Email=f"app-{i:02d}@example.com",
                                Tags=[{"Key": "isolationchecks:class", "Value": tag}])["CreateAccountStatus"]
    account = status["AccountId"]
    org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=inner if i >= accounts - nested else workloads)
    ids.append(account)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/builder", RoleSessionName="build")["Credentials"]
    for region in regions:
        akw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id=creds["AccessKeyId"],
                   aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
        ec2 = boto3.client("ec2", **akw)
        cb = boto3.client("codebuild", **akw)
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24", AvailabilityZone=region + "a")["Subnet"]["SubnetId"]
        b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.2.0/24", AvailabilityZone=region + "b")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName="build", Description="build", VpcId=vpc)["GroupId"]
        cb.create_project(
            name="app-build",
            source={"type": "CODECOMMIT", "location": f"https://git-codecommit.{region}.amazonaws.com/v1/repos/app"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL",
                         "privilegedMode": i == 0},
            serviceRole=f"arn:aws:iam::{account}:role/app-build",
            vpcConfig={"vpcId": vpc, "subnets": [a, b], "securityGroupIds": [sg]},
            logsConfig={"cloudWatchLogs": {"status": "ENABLED", "groupName": "/codebuild/app-build"}})

print(json.dumps({"root": root, "workloads": workloads, "nested": inner, "accounts": ids}))
