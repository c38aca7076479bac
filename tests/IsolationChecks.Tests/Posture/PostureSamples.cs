using System.Text;
using System.Text.Json.Nodes;

namespace IsolationChecks.Tests.Posture;

/// <summary>A posture that uses every member the format has, so mutations of it exercise every rule.</summary>
internal static class PostureSamples
{
    public const string Complete = """
        {
          "$schema": "../schemas/posture.schema.json",
          "version": 1,
          "name": "private-cicd",
          "accounts": {
            "dev": { "accountId": "111111111111", "region": "ap-northeast-1", "profile": "dev-audit" },
            "prd": { "accountId": "222222222222", "region": "ap-northeast-1", "roleArn": "arn:aws:iam::222222222222:role/isolation-audit" }
          },
          "excludedControls": [ { "control": "NET-1", "reason": "runs on a CI runner outside the build network" } ],
          "build": {
            "account": "prd",
            "projects": ["app-build", "image-build"],
            "exclude": [ { "name": "legacy-build", "reason": "retired in Q3" } ],
            "vpcs": ["vpc-0a1b2c3d4e5f60718"],
            "privilegedModeAllowed": ["image-build"],
            "approvedEgress": ["tgw-0123456789abcdef0"],
            "requiredEndpoints": ["ecr.api", "ecr.dkr", "s3", "com.amazonaws.ap-northeast-1.logs", "sts", "codeartifact.api"]
          },
          "natGateways": [ { "id": "nat-0123456789abcdef0", "account": "dev" } ],
          "ecr": {
            "account": "prd",
            "repositories": ["*"],
            "allowedPrincipalAccounts": ["222222222222"],
            "publicRepositoriesAllowed": ["docs-site"],
            "exclude": [ { "name": "sandbox/scratch", "reason": "personal experiments, deleted nightly" } ]
          },
          "gitLab": {
            "account": "dev",
            "hosts": [
              { "instanceId": "i-0123456789abcdef0" },
              { "tag": { "key": "Role", "value": "gitlab" } },
              { "loadBalancerArn": "arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/gitlab/0123456789abcdef" },
              { "ecsService": { "cluster": "gitlab", "service": "gitlab-web" } }
            ],
            "allowedCidrs": ["203.0.113.0/28", "2001:db8:1234::/48", { "cidr": "198.18.0.0/15", "reason": "partner test network until 2027" }],
            "allowedSecurityGroups": ["sg-0123456789abcdef0"],
            "approvedEntries": ["cvpn-endpoint-0123456789abcdef0"]
          },
          "codeCommit": {
            "account": "prd",
            "mirroredRepositories": ["app"],
            "pushPrincipals": ["arn:aws:iam::222222222222:user/mirror-push"],
            "pullPrincipals": ["arn:aws:iam::222222222222:user/isolated-pull", "arn:aws:iam::222222222222:role/path/isolated-reader"],
            "isolatedSourceCidrs": ["198.51.100.10/32"]
          },
          "gitProbe": {
            "repositoryUrl": "https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/app",
            "expectedBranch": "main",
            "credentials": { "usernameEnv": "PULL_USER", "passwordEnv": "PULL_PASSWORD" },
            "timeoutSeconds": 30
          },
          "connections": {
            "account": "prd",
            "hosts": ["arn:aws:codeconnections:ap-northeast-1:222222222222:host/gitlab-0123abcd"],
            "exclude": [ { "name": "github-old", "reason": "GitHub Enterprise host, retired" } ]
          },
          "inVpcProbes": {
            "enabled": false,
            "internetCanaries": ["example.com:443", "[2001:db8::1]:80"],
            "serviceHosts": ["api.ecr.ap-northeast-1.amazonaws.com"],
            "timeoutSeconds": 5
          },
          "waivers": [
            { "control": "ECR-4", "resource": "legacy/tools", "reason": "retired in Q3", "approvedBy": "security@example.com", "expires": "2027-01-31" }
          ]
        }
        """;

    public static JsonObject CompleteNode() => JsonNode.Parse(Complete)!.AsObject();

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());
}
