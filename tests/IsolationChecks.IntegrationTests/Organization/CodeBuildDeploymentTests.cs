using System.Text.Json;
using IsolationChecks.Aws;
using IsolationChecks.IntegrationTests.EndToEnd;
using YamlDotNet.RepresentationModel;

namespace IsolationChecks.IntegrationTests.Organization;

/// <summary>
/// The CodeBuild deployment (deploy/codebuild/) reads as CodeBuild and CloudFormation read it: the batch buildspec is a
/// build graph plan → every shard → merge-and-evaluate whose shards agree on their count; the templates give the audit
/// and organisation reader roles exactly the catalog's read-only actions, the collector only AssumeRole on those roles
/// and its own bucket, and the bucket versioning and object lock. (The merge-and-evaluate step itself runs in
/// <see cref="OrganizationScaleTests"/>, on the parts it collects.)
/// </summary>
public sealed class CodeBuildDeploymentTests
{
    private static string PathOf(string file) => Path.Combine(SuiteProcess.RepoRoot, "deploy", "codebuild", file);

    private static YamlMappingNode Buildspec()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(PathOf("buildspec-batch.yml"))));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static string Scalar(YamlNode node, params string[] path) =>
        ((YamlScalarNode)path.Aggregate(node, (current, key) => ((YamlMappingNode)current)[key])).Value!;

    private static JsonElement Template(string file) => JsonDocument.Parse(File.ReadAllText(PathOf(file))).RootElement.Clone();

    [Test]
    public void The_batch_buildspec_is_a_graph_from_the_plan_through_every_shard_to_merge_and_evaluate()
    {
        var root = Buildspec();
        var graph = ((YamlSequenceNode)((YamlMappingNode)root["batch"])["build-graph"]).Cast<YamlMappingNode>().ToList();
        var shards = graph.Where(b => Scalar(b, "env", "variables", "STEP") == "shard").ToList();
        var merge = graph.Single(b => Scalar(b, "env", "variables", "STEP") == "merge-evaluate");
        var count = shards.Count;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Scalar(root, "version"), Is.EqualTo("0.2"));
            Assert.That(graph.Select(b => Scalar(b, "env", "variables", "STEP")).First(), Is.EqualTo("plan"));
            Assert.That(shards.Select(b => Scalar(b, "env", "variables", "SHARD")), Is.EqualTo(Enumerable.Range(1, count).Select(k => $"{k}/{count}")));
            Assert.That(shards.Select(b => ((YamlSequenceNode)b["depend-on"]).Cast<YamlScalarNode>().Single().Value), Is.All.EqualTo("plan"));
            Assert.That(((YamlSequenceNode)merge["depend-on"]).Cast<YamlScalarNode>().Select(s => s.Value), Is.EquivalentTo(shards.Select(b => Scalar(b, "identifier"))));
            Assert.That(Scalar(merge, "env", "variables", "SHARDS"), Is.EqualTo($"{count}"));
            Assert.That(((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)root["phases"])["build"])["commands"]).Cast<YamlScalarNode>().Select(c => c.Value),
                Has.Some.Contains("deploy/codebuild/step.sh \"$STEP\""));
            Assert.That(Scalar(root, "reports", "isolationchecks", "file-format"), Is.EqualTo("JUNITXML"));
            Assert.That(((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)root["reports"])["isolationchecks"])["files"]).Cast<YamlScalarNode>().Single().Value,
                Is.EqualTo(IsolationChecks.Reporting.ReportFormats.Junit.FileName), "the report group reads the gate's JUnit report");
        }
    }

    [Test]
    public void The_roles_grant_exactly_the_catalog_s_read_only_actions_and_the_collector_only_assumes_them()
    {
        var roles = Template("isolationchecks-audit-role.json").GetProperty("Resources");
        static IEnumerable<string> Actions(JsonElement role) => role.GetProperty("Properties").GetProperty("Policies").EnumerateArray()
            .SelectMany(p => p.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray())
            .SelectMany(s => s.GetProperty("Action").ValueKind == JsonValueKind.Array ? s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!) : [s.GetProperty("Action").GetString()!]);
        var collector = Template("isolationchecks-org.json").GetProperty("Resources").GetProperty("CollectorRole");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Actions(roles.GetProperty("AuditRole")), Is.EqualTo(ReadOnlyAllowlist.AuditActions));
            Assert.That(Actions(roles.GetProperty("OrganizationReaderRole")), Is.EqualTo(ReadOnlyAllowlist.OrganizationActions));
            Assert.That(Actions(collector).Where(a => !a.StartsWith("logs:", StringComparison.Ordinal) && !a.StartsWith("codebuild:", StringComparison.Ordinal)),
                Is.EquivalentTo(new[] { "sts:AssumeRole", "s3:GetObject", "s3:PutObject", "s3:ListBucket", "secretsmanager:GetSecretValue", "codecommit:GitPull" }),
                "the builds write only their own bucket and logs: every audited account is read through its read-only role");
        }
    }

    [Test]
    public void The_evidence_bucket_is_versioned_with_object_lock_and_refuses_deletes()
    {
        var resources = Template("isolationchecks-org.json").GetProperty("Resources");
        var bucket = resources.GetProperty("EvidenceBucket").GetProperty("Properties");
        var statements = resources.GetProperty("EvidenceBucketPolicy").GetProperty("Properties").GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray().ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(bucket.GetProperty("VersioningConfiguration").GetProperty("Status").GetString(), Is.EqualTo("Enabled"));
            Assert.That(bucket.GetProperty("ObjectLockEnabled").GetBoolean(), Is.True);
            Assert.That(bucket.GetProperty("ObjectLockConfiguration").GetProperty("Rule").GetProperty("DefaultRetention").GetProperty("Mode").GetString(), Is.EqualTo("COMPLIANCE"));
            Assert.That(statements.Any(s => s.GetProperty("Effect").GetString() == "Deny" && s.GetProperty("Action").ValueKind == JsonValueKind.Array
                                            && s.GetProperty("Action").EnumerateArray().Any(a => a.GetString() == "s3:DeleteObjectVersion")));
            Assert.That(resources.GetProperty("Project").GetProperty("Properties").GetProperty("Source").GetProperty("BuildSpec").GetString(),
                Is.EqualTo("deploy/codebuild/buildspec-batch.yml"));
        }
    }

    /// <summary>
    /// CodeBuild names a report group a buildspec creates PROJECT-REPORT (its ARN arn:PARTITION:codebuild:REGION:ACCOUNT:report-group/PROJECT-REPORT)
    /// and a project's log group /aws/codebuild/PROJECT: the collector's role grants exactly those, derived from the project
    /// name the stack is given, never a name prefix the operator might not use.
    /// </summary>
    [Test]
    public void The_collector_may_write_only_its_own_project_s_report_group_and_log_group_whatever_the_project_is_named()
    {
        var template = Template("isolationchecks-org.json");
        var project = template.GetProperty("Resources").GetProperty("Project").GetProperty("Properties");
        var statements = template.GetProperty("Resources").GetProperty("CollectorRole").GetProperty("Properties").GetProperty("Policies").EnumerateArray()
            .SelectMany(p => p.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray()).ToList();
        static IEnumerable<string> Resources(JsonElement statement) =>
            (statement.GetProperty("Resource").ValueKind == JsonValueKind.Array ? statement.GetProperty("Resource").EnumerateArray().ToList() : [statement.GetProperty("Resource")])
            .Select(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("Fn::Sub", out var sub) ? sub.GetString()! : r.ToString());
        var report = ((YamlMappingNode)Buildspec()["reports"]).Children.Keys.Cast<YamlScalarNode>().Single().Value;
        var parameter = template.GetProperty("Parameters").GetProperty("ProjectName");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(project.GetProperty("Name").GetProperty("Ref").GetString(), Is.EqualTo("ProjectName"));
            Assert.That(Resources(statements.Single(s => s.GetProperty("Sid").GetString() == "Reports")),
                Is.EqualTo(new[] { $"arn:${{AWS::Partition}}:codebuild:${{AWS::Region}}:${{AWS::AccountId}}:report-group/${{ProjectName}}-{report}" }));
            Assert.That(Resources(statements.Single(s => s.GetProperty("Sid").GetString() == "Logs")), Is.EqualTo(new[]
            {
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codebuild/${ProjectName}",
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codebuild/${ProjectName}:*",
            }));
            Assert.That(statements.SelectMany(Resources).Where(r => r.Contains("codebuild", StringComparison.Ordinal)), Has.None.Contains("*}").And.None.Contains("isolationchecks*"),
                "no guessed name prefix");
            Assert.That(parameter.GetProperty("Default").GetString(),
                Does.Match($"^{parameter.GetProperty("AllowedPattern").GetString()}$"), "the default name is one CodeBuild accepts");
        }
    }
}
