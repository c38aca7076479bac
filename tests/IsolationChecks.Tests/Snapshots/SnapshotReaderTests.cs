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
            Assert.That(gap, Is.EqualTo(DataGap.NotCollected("ec2", "DescribeSecurityGroups", "SecurityGroups.json")));
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
        Assert.That(GapOf(prd!.Ec2.Vpcs), Is.EqualTo(new DataGap("ec2", "DescribeVpcs", "cannot assume the audit role", "AccessDenied",
            "accounts/222222222222/ap-northeast-1/Vpcs.json")));
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

        Assert.That(gap, Is.EqualTo(new DataGap("ec2", "DescribeRouteTables", "You are not authorized to perform this operation.",
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
                    { "repositoryName": "team/tool", "imageTagMutability": "MUTABLE" },
                    { "repositoryName": "unread" } ] }
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
            Assert.That(GapOf(ecr.RepositoryPolicies["team/tool"]), Is.EqualTo(new DataGap("ecr", "GetRepositoryPolicy", "not allowed",
                "AccessDeniedException", "ecr/get-repository-policy/team/tool.json")));
            Assert.That(Seen(ecr.LifecyclePolicies["team/tool"]).Exists, Is.False);
            Assert.That(GapOf(ecr.RepositoryPolicies["unread"]), Is.EqualTo(DataGap.NotCollected("ecr", "GetRepositoryPolicy", "ecr/get-repository-policy/unread.json")));
            Assert.That(GapOf(ecr.RegistryScanning).Operation, Is.EqualTo("GetRegistryScanningConfiguration"));
        }
    }

    [Test]
    public void CodeBuild_projects_listed_but_not_fetched_make_the_inventory_missing()
    {
        var files = new SnapshotBuilder()
            .Scope("222222222222", "ap-northeast-1")
            .File("codebuild/list-projects.json", """{ "projects": ["app-build", "image-build", "new-build"] }""")
            .File("codebuild/batch-get-projects.json", """{ "projects": [ { "name": "app-build" }, { "name": "image-build" } ], "projectsNotFound": [] }""")
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
                  "environment": { "type": "LINUX_CONTAINER", "privilegedMode": false, "environmentVariables": [] },
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

    [Test]
    public void Malformed_json_names_the_file_and_line()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("Vpcs.json", "{ \"Vpcs\": [\n  { \"VpcId\": \"vpc-1\" },\n  { \"VpcId\": }\n] }")
            .WithManifest();

        var error = Assert.Throws<InputException>(() => SnapshotReader.Read(files));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.File, Is.EqualTo("collected/Vpcs.json"));
            Assert.That(error.Expected, Is.EqualTo("well-formed JSON"));
            Assert.That(error.Actual, Does.StartWith("malformed JSON at line 3"));
        }
    }

    [Test]
    public void A_wrong_type_names_the_json_path()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("SecurityGroups.json", """{ "SecurityGroups": [ { "GroupId": "sg-1", "GroupName": "a", "IpPermissions": [ { "IpProtocol": "tcp", "FromPort": "443" } ] } ] }""")
            .WithManifest();

        var error = Assert.Throws<InputException>(() => SnapshotReader.Read(files));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("$.SecurityGroups[0].IpPermissions[0].FromPort"));
            Assert.That(error.Expected, Is.EqualTo("a number (the output of `aws ec2 describe-security-groups --output json`)"));
            Assert.That(error.Actual, Is.EqualTo("Cannot get the value of a token type 'String' as a number."));
        }
    }

    [Test]
    public void A_missing_required_member_names_it()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("Subnets.json", """{ "Subnets": [ { "SubnetId": "subnet-1" } ] }""")
            .WithManifest();

        var error = Assert.Throws<InputException>(() => SnapshotReader.Read(files));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Does.StartWith("$.Subnets[0]"));
            Assert.That(error.Expected, Does.Contain("VpcId"));
        }
    }

    [TestCase("""{ "Vpcs": [ { "VpcId": null } ] }""", "$.Vpcs[0].VpcId", "a non-null value for 'VpcId' (the output of `aws ec2 describe-vpcs --output json`)")]
    [TestCase("""{ "Vpcs": [ null ] }""", "$.Vpcs[0]", "an object (the output of `aws ec2 describe-vpcs --output json`)")]
    [TestCase("""{ "Vpcs": { "VpcId": "vpc-1" } }""", "$.Vpcs", "an array (the output of `aws ec2 describe-vpcs --output json`)")]
    [TestCase("""{ "Vpcs": [ { "VpcId": "vpc-1", "IsDefault": "no" } ] }""", "$.Vpcs[0].IsDefault", "true or false (the output of `aws ec2 describe-vpcs --output json`)")]
    public void Nulls_and_wrong_shapes_are_rejected_with_their_path(string json, string field, string expected)
    {
        var files = new SnapshotBuilder().Scope("111111111111", "ap-northeast-1").File("Vpcs.json", json).WithManifest();

        var error = Assert.Throws<InputException>(() => SnapshotReader.Read(files));

        Assert.That((error.Field, error.Expected), Is.EqualTo((field, expected)));
    }

    [Test]
    public void A_file_without_its_top_level_member_is_rejected()
    {
        var files = new SnapshotBuilder().Scope("111111111111", "ap-northeast-1").File("Vpcs.json", """[ { "VpcId": "vpc-1" } ]""").WithManifest();

        var error = Assert.Throws<InputException>(() => SnapshotReader.Read(files));

        Assert.That((error.Field, error.Expected), Is.EqualTo(("$",
            "an object with a top-level \"Vpcs\" member (the output of `aws ec2 describe-vpcs --output json`)")));
    }

    [Test]
    public void Prefix_list_entries_are_read_per_list_and_a_listed_list_without_entries_is_a_gap()
    {
        var files = new SnapshotBuilder()
            .Scope("111111111111", "ap-northeast-1")
            .File("ManagedPrefixLists.json", """{ "PrefixLists": [ { "PrefixListId": "pl-0aaaaaaaaaaaaaaaa" }, { "PrefixListId": "pl-0bbbbbbbbbbbbbbbb" } ] }""")
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
                { "UserDetailList": [ { "UserName": "pull", "Arn": "arn:aws:iam::222222222222:user/pull", "GroupList": [],
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
            .File("iam/get-account-authorization-details.json", """{ "UserDetailList": [], "IsTruncated": true, "Marker": "abc" }""")
            .WithManifest();

        var gap = GapOf(SnapshotReader.Read(files).Scopes[0].Iam);

        Assert.That(gap.Reason, Does.Contain("IsTruncated"));
    }
}
