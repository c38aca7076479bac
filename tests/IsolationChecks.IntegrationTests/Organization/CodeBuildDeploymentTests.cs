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
}
