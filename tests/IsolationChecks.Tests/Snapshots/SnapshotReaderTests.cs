using NUnit.Framework;
using System.Text.Json;
using IsolationChecks.Snapshots;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Tests.Snapshots;

public sealed class SnapshotReaderTests
{
    private static T Seen<T>(Collected<T> collected)
    {
        Assert.That(collected.TryGet(out var value, out var gap), Is.True, () => gap?.Describe() ?? "no value");
        return value!;
    }

    private static DataGap GapOf<T>(Collected<T> collected)
    {
        Assert.That(collected.TryGet(out _, out var gap), Is.False, "expected a gap, found data");
        return gap!;
    }

    [Test]
    public void A_single_scope_snapshot_with_a_manifest_is_read_and_verified()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("Vpcs.json", SnapshotBuilder.Vpcs)
            .File("Subnets.json", SnapshotBuilder.Subnets)
            .File("RouteTables.json", SnapshotBuilder.RouteTables)
            .WithManifest();

        var snapshot = SnapshotReader.Read(files);

        var scope = snapshot.Scopes.Single();
        var table = Seen(scope.Ec2.RouteTables).Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That((scope.AccountId, scope.Region, scope.Folder), Is.EqualTo(("111111111111", "ap-northeast-1", "")));
            Assert.That(Seen(scope.Ec2.Vpcs).Single().CidrBlock, Is.EqualTo("10.0.0.0/16"));
            Assert.That(scope.Ec2.Vpcs.Source, Is.EqualTo("Vpcs.json"));
            Assert.That(table.Associations![0].SubnetId, Is.EqualTo("subnet-0123456789abcdef0"));
            Assert.That(table.Routes![0].Target, Is.EqualTo("local"));
            Assert.That(snapshot.Integrity.ManifestPresent, Is.True);
            Assert.That(snapshot.Integrity.IsIntact, Is.True);
            Assert.That(snapshot.Find("111111111111", "AP-NORTHEAST-1"), Is.SameAs(scope));
            Assert.That(snapshot.Files, Is.SameAs(files), "controls read unmodelled documents from the raw files");
        }
    }

    [Test]
    public void A_hand_made_cli_folder_infers_account_and_region_and_is_marked_unverified()
    {
        var files = new SnapshotBuilder()
            .File("sts/get-caller-identity.json", SnapshotBuilder.CallerIdentity)
            .File("Subnets.json", SnapshotBuilder.Subnets)
            .File("Vpcs.json", SnapshotBuilder.Vpcs)
            .File("README.md", "made with the AWS CLI")
            .WithoutManifest();

        var snapshot = SnapshotReader.Read(files);

        var scope = snapshot.Scopes.Single();
        var gap = GapOf(scope.Ec2.SecurityGroups);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((scope.AccountId, scope.Region), Is.EqualTo(("111111111111", "ap-northeast-1")));
            Assert.That(Seen(scope.CallerIdentity).Arn, Is.EqualTo("arn:aws:iam::111111111111:user/auditor"));
            Assert.That(snapshot.Integrity, Is.SameAs(IntegrityReport.Unverified));
            Assert.That(gap with { Remedy = null }, Is.EqualTo(DataGap.NotCollected("ec2", "DescribeSecurityGroups", "SecurityGroups.json")));
            Assert.That(gap.Remedy, Does.Contain("`aws ec2 describe-security-groups --output json` as SecurityGroups.json").And.Contain("IAM permission ec2:DescribeSecurityGroups").And.Contain("Target=live"));
            Assert.That(GapOf(scope.Iam).Operation, Is.EqualTo("GetAccountAuthorizationDetails"));
        }
    }

    [Test]
    public void Without_manifest_or_caller_identity_the_scope_cannot_be_named()
    {
        var files = new SnapshotBuilder().File("Subnets.json", SnapshotBuilder.Subnets).WithoutManifest();

        var error = Assert.Throws<InputException>(() => SnapshotReader.Read(files));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("scopes"));
            Assert.That(error.Expected, Does.Contain("sts/get-caller-identity.json"));
            Assert.That(error.Actual, Is.EqualTo("cannot determine the account (sts/get-caller-identity.json is absent)"));
        }
    }

    [Test]
    public void Nested_accounts_and_regions_become_scopes()
    {
        var files = new SnapshotBuilder()
            .File("accounts/111111111111/ap-northeast-1/Vpcs.json", SnapshotBuilder.Vpcs)
            .File("accounts/222222222222/ap-northeast-1/Vpcs.json", """{ "Vpcs": [] }""")
            .File("accounts/222222222222/us-east-1/ecr/describe-repositories.json", """{ "repositories": [] }""")
            .File("posture.json", "{}")
            .WithManifest();

        var snapshot = SnapshotReader.Read(files);

        var prd = snapshot.Find("222222222222", "ap-northeast-1")!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(snapshot.Scopes.Select(s => s.Folder), Is.EqualTo(new[]
            {
                "accounts/111111111111/ap-northeast-1", "accounts/222222222222/ap-northeast-1", "accounts/222222222222/us-east-1",
            }));
            Assert.That(Seen(snapshot.Find("111111111111", "ap-northeast-1")!.Ec2.Vpcs), Has.Count.EqualTo(1));
            Assert.That(Seen(prd.Ec2.Vpcs), Is.Empty);
            Assert.That(prd.PathOf("Vpcs.json"), Is.EqualTo("accounts/222222222222/ap-northeast-1/Vpcs.json"));
            Assert.That(GapOf(prd.Ec2.Subnets).File, Is.EqualTo("accounts/222222222222/ap-northeast-1/Subnets.json"));
            Assert.That(Seen(snapshot.Find("222222222222", "us-east-1")!.Ecr.Repositories), Is.Empty);
        }
    }

    [Test]
    public void A_scope_the_manifest_names_but_without_files_is_reported_with_its_gaps()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1", "accounts/111111111111/ap-northeast-1")
            .Scope("222222222222", "ap-northeast-1", "accounts/222222222222/ap-northeast-1")
            .File("accounts/111111111111/ap-northeast-1/Vpcs.json", SnapshotBuilder.Vpcs)
            .FailedCall("ec2", "DescribeVpcs", "AccessDenied", "cannot assume the audit role", "accounts/222222222222/ap-northeast-1")
            .WithManifest();

        var prd = SnapshotReader.Read(files).Find("222222222222", "ap-northeast-1");

        Assert.That(prd, Is.Not.Null, "a scope without files must not vanish");
        Assert.That(GapOf(prd!.Ec2.Vpcs) with { Remedy = null }, Is.EqualTo(new DataGap("ec2", "DescribeVpcs", "cannot assume the audit role", "AccessDenied",
            "accounts/222222222222/ap-northeast-1/Vpcs.json")));
        Assert.That(GapOf(prd.Ec2.Vpcs).Remedy, Does.StartWith("Grant the audit role ec2:DescribeVpcs (docs/audit-role-policy.json lists every permission"));
    }

    [Test]
    public void A_malformed_scope_folder_name_is_rejected()
    {
        var files = new SnapshotBuilder()
            .File("accounts/README.md", "notes beside the scopes are fine")
            .File("accounts/22222222222/ap-northeast-1/Vpcs.json", SnapshotBuilder.Vpcs)
            .WithoutManifest();

        var error = Assert.Throws<InputException>(() => SnapshotReader.Read(files));

        Assert.That(error.Actual, Is.EqualTo("accounts/22222222222/ap-northeast-1/Vpcs.json"));
    }

    [Test]
    public void An_absent_file_quotes_the_manifests_failed_call()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("Vpcs.json", SnapshotBuilder.Vpcs)
            .FailedCall("ec2", "DescribeRouteTables", "UnauthorizedOperation", "You are not authorized to perform this operation.")
            .WithManifest();

        var gap = GapOf(SnapshotReader.Read(files).Scopes[0].Ec2.RouteTables);

        Assert.That(gap with { Remedy = null }, Is.EqualTo(new DataGap("ec2", "DescribeRouteTables", "You are not authorized to perform this operation.",
            "UnauthorizedOperation", "RouteTables.json")));
    }

    [Test]
    public void Ecr_per_repository_documents_distinguish_confirmed_absence_from_failure()
    {
        var files = new SnapshotBuilder()
            .Scope("222222222222", "ap-northeast-1")
            .File("ecr/describe-repositories.json", """
                { "repositories": [
                    { "repositoryName": "app", "repositoryArn": "arn:aws:ecr:ap-northeast-1:222222222222:repository/app",
                      "imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": { "scanOnPush": true }, "encryptionConfiguration": { "encryptionType": "AES256" } },
                    { "repositoryName": "team/tool", "repositoryArn": "arn:aws:ecr:ap-northeast-1:222222222222:repository/team/tool",
                      "imageTagMutability": "MUTABLE", "imageScanningConfiguration": { "scanOnPush": false } },
                    { "repositoryName": "unread", "repositoryArn": "arn:aws:ecr:ap-northeast-1:222222222222:repository/unread",
                      "imageTagMutability": "MUTABLE", "imageScanningConfiguration": { "scanOnPush": false } } ] }
                """)
            .File("ecr/get-repository-policy/app.json", """{ "Error": { "Code": "RepositoryPolicyNotFoundException", "Message": "Repository policy does not exist" } }""")
            .File("ecr/get-lifecycle-policy/app.json", """{ "registryId": "222222222222", "repositoryName": "app", "lifecyclePolicyText": "{\"rules\":[]}" }""")
            .File("ecr/get-repository-policy/team/tool.json", """{ "Error": { "Code": "AccessDeniedException", "Message": "not allowed" } }""")
            .File("ecr/get-lifecycle-policy/team/tool.json", """{ "Error": { "Code": "LifecyclePolicyNotFoundException" } }""")
            .WithManifest();

        var ecr = SnapshotReader.Read(files).Scopes[0].Ecr;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Seen(ecr.Repositories)[0].ImageScanningConfiguration!.ScanOnPush, Is.True);
            Assert.That(Seen(ecr.RepositoryPolicies["app"]), Is.EqualTo(new Optional<RepositoryPolicy>(null, "RepositoryPolicyNotFoundException")));
            Assert.That(Seen(ecr.LifecyclePolicies["app"]).Value!.LifecyclePolicyText, Is.EqualTo("{\"rules\":[]}"));
            Assert.That(GapOf(ecr.RepositoryPolicies["team/tool"]) with { Remedy = null }, Is.EqualTo(new DataGap("ecr", "GetRepositoryPolicy", "not allowed",
                "AccessDeniedException", "ecr/get-repository-policy/team/tool.json")));
            Assert.That(Seen(ecr.LifecyclePolicies["team/tool"]).Exists, Is.False);
            Assert.That(GapOf(ecr.RepositoryPolicies["unread"]) with { Remedy = null }, Is.EqualTo(DataGap.NotCollected("ecr", "GetRepositoryPolicy", "ecr/get-repository-policy/unread.json")));
            Assert.That(GapOf(ecr.RegistryScanning).Operation, Is.EqualTo("GetRegistryScanningConfiguration"));
        }
    }

    [Test]
    public void CodeBuild_projects_listed_but_not_fetched_make_the_inventory_missing()
    {
        var files = new SnapshotBuilder()
            .Scope("222222222222", "ap-northeast-1")
            .File("codebuild/list-projects.json", """{ "projects": ["app-build", "image-build", "new-build"] }""")
            .File("codebuild/batch-get-projects.json", $$"""{ "projects": [ {{Project("app-build")}}, {{Project("image-build")}} ], "projectsNotFound": [] }""")
            .WithManifest();

        var gap = GapOf(SnapshotReader.Read(files).Scopes[0].CodeBuild.Projects);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gap.Operation, Is.EqualTo("BatchGetProjects"));
            Assert.That(gap.File, Is.EqualTo("codebuild/batch-get-projects.json"));
            Assert.That(gap.Reason, Does.Contain("new-build").And.Not.Contains("app-build"));
        }
    }

    [Test]
    public void CodeBuild_projects_are_read_in_camel_case()
    {
        var files = new SnapshotBuilder()
            .Scope("222222222222", "ap-northeast-1")
            .File("codebuild/list-projects.json", """{ "projects": ["app-build"] }""")
            .File("codebuild/batch-get-projects.json", """
                { "projects": [ { "name": "app-build", "arn": "arn:aws:codebuild:ap-northeast-1:222222222222:project/app-build",
                  "vpcConfig": { "vpcId": "vpc-0a1b2c3d4e5f60718", "subnets": ["subnet-0123456789abcdef0"], "securityGroupIds": ["sg-0123456789abcdef0"] },
                  "environment": { "type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": false, "environmentVariables": [] },
                  "logsConfig": { "cloudWatchLogs": { "status": "ENABLED" } }, "badge": { "badgeEnabled": false } } ] }
                """)
            .WithManifest();

        var project = Seen(SnapshotReader.Read(files).Scopes[0].CodeBuild.Projects).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(project.VpcConfig!.VpcId, Is.EqualTo("vpc-0a1b2c3d4e5f60718"));
            Assert.That(project.VpcConfig.SecurityGroupIds, Is.EqualTo(new[] { "sg-0123456789abcdef0" }));
            Assert.That(project.Environment!.PrivilegedMode, Is.False);
            Assert.That(project.LogsConfig!.CloudWatchLogs!.Status, Is.EqualTo("ENABLED"));
        }
    }

    [Test]
    public void A_hash_mismatch_a_missing_listed_file_and_an_unlisted_evidence_file_break_integrity()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("Vpcs.json", SnapshotBuilder.Vpcs)
            .File("Subnets.json", SnapshotBuilder.Subnets)
            .File("README.md", "notes")
            .File("ec2-describe-regions.json", "{}")
            .WithManifest(hashes =>
            {
                hashes["Vpcs.json"] = new string('0', 64);
                hashes["RouteTables.json"] = new string('1', 64);
                hashes.Remove("Subnets.json");
                hashes.Remove("README.md");
                hashes.Remove("ec2-describe-regions.json");
            });

        var integrity = SnapshotReader.Read(files).Integrity;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(integrity.IsIntact, Is.False);
            Assert.That(integrity.Mismatches, Is.EqualTo(new[] { "Vpcs.json", "Subnets.json (evidence file not listed in manifest.json)" }));
            Assert.That(integrity.MissingFiles, Is.EqualTo(new[] { "RouteTables.json" }));
            Assert.That(integrity.UnlistedFiles, Is.EqualTo(new[] { "README.md", "ec2-describe-regions.json" }));
            Assert.That(integrity.Describe(), Does.Contain("RouteTables.json: listed in manifest.json but absent"));
        }
    }

    // A file that is not what its call prints is a gap of that file (every verdict resting on it is inconclusive), never a
    // failure of the whole run and never an empty list: the reader names the file, the JSON path and the expectation.

    private static DataGap GapOfFile(string file, string json, Func<ScopeSnapshot, object> read)
    {
        var files = new SnapshotBuilder().Scope("111111111111", "ap-northeast-1").File(file, json).WithManifest();
        var scope = SnapshotReader.Read(files).Scopes[0];
        dynamic collected = read(scope);
        Assert.That((bool)collected.IsSeen, Is.False, "expected a gap, found data");
        DataGap gap = collected.Gap;
        Assert.That(gap.ErrorCode, Is.EqualTo(DataGap.MalformedEvidence));
        Assert.That(gap.File, Is.EqualTo(file));
        Assert.That(gap.Remedy, Does.StartWith("Collect the file again"));
        return gap;
    }

    [Test]
    public void Malformed_json_is_a_gap_naming_the_file_and_line() =>
        Assert.That(GapOfFile("Vpcs.json", "{ \"Vpcs\": [\n  { \"VpcId\": \"vpc-1\" },\n  { \"VpcId\": }\n] }", s => s.Ec2.Vpcs).Reason,
            Does.Contain("expected well-formed JSON, found malformed JSON at line 3"));

    [Test]
    public void A_wrong_type_is_a_gap_naming_the_json_path() =>
        Assert.That(GapOfFile("SecurityGroups.json",
                """{ "SecurityGroups": [ { "GroupId": "sg-1", "GroupName": "a", "VpcId": "vpc-1", "IpPermissionsEgress": [], "IpPermissions": [ { "IpProtocol": "tcp", "FromPort": "443", "ToPort": 443, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [] } ] } ] }""",
                s => s.Ec2.SecurityGroups).Reason,
            Is.EqualTo("$.SecurityGroups[0].IpPermissions[0].FromPort: expected a number (the output of `aws ec2 describe-security-groups --output json`), found Cannot get the value of a token type 'String' as a number."));

    [Test]
    public void A_missing_required_member_is_a_gap_naming_it() =>
        Assert.That(GapOfFile("Subnets.json", """{ "Subnets": [ { "SubnetId": "subnet-1" } ] }""", s => s.Ec2.Subnets).Reason,
            Does.StartWith("$.Subnets[0]: expected required member(s) 'VpcId', 'AvailabilityZone', 'Ipv6CidrBlockAssociationSet'").And.EndWith("found no such member"));

    [Test]
    public void A_broken_cross_member_rule_is_a_gap() =>
        Assert.That(GapOfFile("Subnets.json",
                """{ "Subnets": [ { "SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "ap-northeast-1a", "Ipv6CidrBlockAssociationSet": [] } ] }""",
                s => s.Ec2.Subnets).Reason,
            Does.StartWith("$.Subnets[0]: expected a consistent document").And.Contain("CidrBlock is absent, but the subnet is not IPv6-only"));

    [TestCase("""{ "Vpcs": [ { "VpcId": null, "CidrBlock": "10.0.0.0/16", "State": "available" } ] }""", "$.Vpcs[0].VpcId: expected a non-null value for 'VpcId'")]
    [TestCase("""{ "Vpcs": [ null ] }""", "$.Vpcs[0]: expected a consistent document (the output of `aws ec2 describe-vpcs --output json`), found null where an item belongs")]
    [TestCase("""{ "Vpcs": { "VpcId": "vpc-1" } }""", "$.Vpcs: expected an array")]
    [TestCase("""{ "Vpcs": [ { "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "State": "available", "IsDefault": "no" } ] }""", "$.Vpcs[0].IsDefault: expected true or false")]
    [TestCase("""[ { "VpcId": "vpc-1" } ]""", "$: expected an object")]
    [TestCase("""{}""", "$: expected required member(s) 'Vpcs'")]
    public void Nulls_and_wrong_shapes_are_gaps_with_their_path(string json, string reason) =>
        Assert.That(GapOfFile("Vpcs.json", json, s => s.Ec2.Vpcs).Reason, Does.StartWith(reason));

    [Test]
    public void Prefix_list_entries_are_read_per_list_and_a_listed_list_without_entries_is_a_gap()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("ManagedPrefixLists.json", """{ "PrefixLists": [ { "PrefixListId": "pl-0aaaaaaaaaaaaaaaa", "AddressFamily": "IPv4", "State": "create-complete" }, { "PrefixListId": "pl-0bbbbbbbbbbbbbbbb", "AddressFamily": "IPv4", "State": "create-complete" } ] }""")
            .File("ManagedPrefixListEntries/pl-0aaaaaaaaaaaaaaaa.json", """{ "Entries": [ { "Cidr": "203.0.113.0/24", "Description": "office" } ] }""")
            .WithManifest();

        var ec2 = SnapshotReader.Read(files).Scopes[0].Ec2;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Seen(ec2.ManagedPrefixLists), Has.Count.EqualTo(2));
            Assert.That(Seen(ec2.EntriesOf("pl-0aaaaaaaaaaaaaaaa", "")).Single().Cidr, Is.EqualTo("203.0.113.0/24"));
            Assert.That(GapOf(ec2.EntriesOf("pl-0bbbbbbbbbbbbbbbb", "")).File, Is.EqualTo("ManagedPrefixListEntries/pl-0bbbbbbbbbbbbbbbb.json"));
        }
    }

    [Test]
    public void Iam_policy_documents_are_objects_whether_printed_by_the_cli_or_url_encoded_by_the_api()
    {
        var encoded = Uri.EscapeDataString("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"codecommit:GitPull","Resource":"*"}]}""");
        var files = new SnapshotBuilder()
            .Scope("222222222222", "ap-northeast-1")
            .File("iam/get-account-authorization-details.json", $$"""
                { "UserDetailList": [ { "UserName": "pull", "Arn": "arn:aws:iam::222222222222:user/pull", "GroupList": [], "AttachedManagedPolicies": [],
                    "UserPolicyList": [ { "PolicyName": "raw", "PolicyDocument": "{{encoded}}" },
                                        { "PolicyName": "cli", "PolicyDocument": { "Version": "2012-10-17", "Statement": [] } } ] } ],
                  "RoleDetailList": [], "GroupDetailList": [], "Policies": [], "IsTruncated": false }
                """)
            .WithManifest();

        var user = Seen(SnapshotReader.Read(files).Scopes[0].Iam).UserDetailList!.Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(user.UserPolicyList![0].PolicyDocument.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(user.UserPolicyList[0].PolicyDocument.GetProperty("Statement")[0].GetProperty("Action").GetString(), Is.EqualTo("codecommit:GitPull"));
            Assert.That(user.UserPolicyList[1].PolicyDocument.GetProperty("Version").GetString(), Is.EqualTo("2012-10-17"));
        }
    }

    [Test]
    public void A_truncated_iam_listing_is_a_gap_not_evidence()
    {
        var files = new SnapshotBuilder()
            .Scope("222222222222", "ap-northeast-1")
            .File("iam/get-account-authorization-details.json", """{ "UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [], "IsTruncated": true, "Marker": "abc" }""")
            .WithManifest();

        var gap = GapOf(SnapshotReader.Read(files).Scopes[0].Iam);

        Assert.That(gap.Reason, Does.Contain("IsTruncated is true: the file holds only the first page"));
    }

    private static string Project(string name) => $$"""
        { "name": "{{name}}", "arn": "arn:aws:codebuild:ap-northeast-1:222222222222:project/{{name}}",
          "environment": { "type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": false } }
        """;
}
