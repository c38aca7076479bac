using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IsolationChecks.Aws;
using IsolationChecks.Cli;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace IsolationChecks.Tests.Deployment;

/// <summary>
/// The deployment examples under deploy/ are real files: each parses as what it is, every isolationchecks command line in
/// them parses with the tool's own parser, and the audit role grants exactly the call catalog's actions (regenerated with
/// ISOLATIONCHECKS_WRITE_DOCS=1). The gate job's script itself runs in the integration tests (EndToEnd/DeploymentGateTests).
/// </summary>
public sealed partial class DeploymentExamplesTests
{
    public static string BuildSpec => RepositoryPaths.Path("deploy", "buildspec.yml");
    public static string GitLabCi => RepositoryPaths.Path("deploy", "gitlab-ci.yml");
    public static string GitLabPlanCi => RepositoryPaths.Path("deploy", "gitlab-ci-plan.yml");
    public static string AuditRole => RepositoryPaths.Path("deploy", "audit-role.yml");

    public static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    public static YamlNode At(YamlNode node, params string[] path) => path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);

    public static IReadOnlyList<string> Strings(YamlNode node) => ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    [Test]
    public void The_buildspec_runs_the_gate_live_inside_the_build_network_and_keeps_signed_evidence()
    {
        var spec = Load(BuildSpec);
        var build = string.Join('\n', Strings(At(spec, "phases", "build", "commands")));

        Assert.That(((YamlScalarNode)At(spec, "version")).Value, Is.EqualTo("0.2"));
        Assert.That(build, Does.Contain("audit --target live --gate").And.Contain("--save-snapshot").And.Contain("--signing-key"));
        Assert.That(Strings(At(spec, "artifacts", "files")), Is.EquivalentTo(new[] { "evidence/**/*", "results/**/*" }));
        Assert.That(Strings(At(spec, "phases", "install", "commands")).Single(), Does.Contain("--add-source").And.Contain("IsolationChecks.Cli"));
    }

    [Test]
    public void The_gitlab_job_gates_on_the_signed_nightly_snapshot_and_publishes_the_junit_report()
    {
        var job = At(Load(GitLabCi), "isolation-gate");
        var script = Strings(At(job, "script"));

        Assert.That(((YamlScalarNode)At(job, "variables", "ISOLATION_GATE")).Value, Is.EqualTo("true"));
        Assert.That(script, Has.Some.Contain("snapshot verify").And.Some.Contain("audit --target"));
        var junit = ((YamlScalarNode)At(job, "artifacts", "reports", "junit")).Value!;
        Assert.That(junit, Does.StartWith(((YamlScalarNode)At(job, "variables", "ISOLATION_OUTPUT")).Value + "/"));
        Assert.That(Path.GetFileName(junit), Is.EqualTo(IsolationChecks.Reporting.ReportFormats.Junit.FileName));
    }

    [Test]
    public void The_gitlab_merge_request_job_judges_the_terraform_plan_against_the_signed_nightly_snapshot()
    {
        var job = At(Load(GitLabPlanCi), "isolation-plan-gate");
        var script = Strings(At(job, "script")).ToList();
        var show = script.Single(l => l.Contains("terraform", StringComparison.Ordinal) && l.Contains(" show -json ", StringComparison.Ordinal));
        var audit = script.Single(l => l.Contains("isolationchecks audit", StringComparison.Ordinal));
        var planFile = show[(show.LastIndexOf('>') + 1)..].Trim();

        Assert.That(((YamlScalarNode)At(((YamlSequenceNode)At(job, "rules")).Children[0], "if")).Value, Does.Contain("merge_request_event"));
        Assert.That(script.IndexOf(show), Is.GreaterThan(script.FindIndex(l => l.Contains(" plan ", StringComparison.Ordinal) && l.Contains("-out=", StringComparison.Ordinal))));
        Assert.That(audit, Does.Contain($"--plan {planFile}").And.Contain("--gate").And.Contain("--target \"$EVIDENCE_DIR\"").And.Contain("--trusted-keys"));
        Assert.That(script.IndexOf(audit), Is.GreaterThan(script.FindIndex(l => l.Contains("snapshot verify", StringComparison.Ordinal))));
        var junit = ((YamlScalarNode)At(job, "artifacts", "reports", "junit")).Value!;
        Assert.That(junit, Does.StartWith(((YamlScalarNode)At(job, "variables", "ISOLATION_OUTPUT")).Value + "/"));
        Assert.That(Path.GetFileName(junit), Is.EqualTo(IsolationChecks.Reporting.ReportFormats.Junit.FileName));
    }

    [Test]
    public void Every_isolationchecks_command_line_in_the_examples_parses()
    {
        var lines = new[] { BuildSpec, GitLabCi, GitLabPlanCi }.SelectMany(file => File.ReadAllText(file).Split('\n').Select(l => (File: file, Line: l)))
            .ToList();
        var commands = Folded(BuildSpec).Concat(Strings(At(Load(GitLabCi), "isolation-gate", "script")))
            .Concat(Strings(At(Load(GitLabPlanCi), "isolation-plan-gate", "script")))
            .Where(c => c.Contains("isolationchecks\"", StringComparison.Ordinal) || c.Contains("isolationchecks ", StringComparison.Ordinal))
            .ToList();

        Assert.That(commands, Has.Count.GreaterThanOrEqualTo(5), string.Join('\n', lines.Select(l => l.Line)));
        using var interruption = new Interruption();
        var tool = new ConsoleTool(new ToolContext(TextWriter.Null, TextWriter.Null, false, new Dictionary<string, string>(), ".", ".", interruption, TimeProvider.System)).Build();
        foreach (var command in commands)
        {
            var words = ShellWords(command);
            var args = words.SkipWhile(w => !w.EndsWith("isolationchecks", StringComparison.Ordinal)).Skip(1).ToList();
            var parse = tool.Parse(args);
            Assert.That(parse.Errors.Select(e => e.Message), Is.Empty, command);
        }
    }

    /// <summary>The buildspec's build commands, each folded scalar as the shell receives it.</summary>
    private static IEnumerable<string> Folded(string file) => Strings(At(Load(file), "phases", "build", "commands"));

    /// <summary>Words as sh splits them, variables standing for one word each and ${X:+...} for nothing (the variable unset).</summary>
    private static List<string> ShellWords(string command)
    {
        command = ConditionalExpansion().Replace(command, "");
        var words = new List<string>();
        var word = new StringBuilder();
        var quote = '\0';
        var any = false;
        foreach (var c in command)
        {
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
                else
                    word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                any = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (word.Length > 0 || any)
                    words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else
                word.Append(c);
        }

        if (word.Length > 0 || any)
            words.Add(word.ToString());
        return words.Select(w => Variable().Replace(w, "VALUE")).ToList();
    }

    [Test]
    public void The_audit_role_grants_exactly_the_call_catalogs_actions()
    {
        var template = File.ReadAllText(AuditRole);
        if (Environment.GetEnvironmentVariable("ISOLATIONCHECKS_WRITE_DOCS") == "1")
        {
            template = GeneratedActions().Replace(template, m =>
                m.Groups["head"].Value + string.Concat(ReadOnlyAllowlist.AuditActions.Select(a => $"{m.Groups["indent"].Value}  - {a}\n")) + m.Groups["tail"].Value);
            File.WriteAllText(AuditRole, template);
        }

        var statement = (YamlMappingNode)((YamlSequenceNode)At(Load(AuditRole), "Resources", "AuditRole", "Properties", "Policies")).Children.Single();
        var granted = Strings(At(At(statement, "PolicyDocument", "Statement") is YamlSequenceNode s ? s.Children.Single() : throw new AssertionException("no statement"), "Action"));

        Assert.That(granted, Is.EqualTo(ReadOnlyAllowlist.AuditActions),
            "deploy/audit-role.yml differs from the call catalog: regenerate with ISOLATIONCHECKS_WRITE_DOCS=1 dotnet test tests/IsolationChecks.Tests --filter DeploymentExamplesTests");
        Assert.That(File.ReadAllText(RepositoryPaths.Path("docs", "audit-role-policy.json")), Does.Contain(string.Join("\",\n        \"", granted)));
        Assert.That(((YamlScalarNode)At(Load(AuditRole), "Resources", "AuditRole", "Type")).Value, Is.EqualTo("AWS::IAM::Role"));
    }

    /// <summary>
    /// The CodeBuild deployment's StackSet template (deploy/codebuild/isolationchecks-audit-role.json) gives the audit role the
    /// catalog's audit actions and the organisation reader the discovery actions, regenerated like deploy/audit-role.yml.
    /// </summary>
    [Test]
    public void The_organisation_stack_set_roles_grant_exactly_the_call_catalogs_actions()
    {
        var file = RepositoryPaths.Path("deploy", "codebuild", "isolationchecks-audit-role.json");
        var template = JsonNode.Parse(File.ReadAllText(file))!;
        var roles = new Dictionary<string, IReadOnlyList<string>>
        {
            ["AuditRole"] = ReadOnlyAllowlist.AuditActions, ["OrganizationReaderRole"] = ReadOnlyAllowlist.OrganizationActions,
        };
        JsonNode Statement(string role) => template["Resources"]![role]!["Properties"]!["Policies"]!.AsArray().Single()!["PolicyDocument"]!["Statement"]!.AsArray().Single()!;
        if (Environment.GetEnvironmentVariable("ISOLATIONCHECKS_WRITE_DOCS") == "1")
        {
            foreach (var (role, actions) in roles)
                Statement(role)["Action"] = new JsonArray(actions.Select(a => (JsonNode?)a).ToArray());
            File.WriteAllText(file, template.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        }

        foreach (var (role, actions) in roles)
            Assert.That(Statement(role)["Action"]!.AsArray().Select(a => a!.GetValue<string>()), Is.EqualTo(actions),
                $"{role} in {file} differs from the call catalog: regenerate with ISOLATIONCHECKS_WRITE_DOCS=1 dotnet test tests/IsolationChecks.Tests --filter DeploymentExamplesTests");
    }

    [GeneratedRegex(@"\$\{\w+:\+[^}]*\}")]
    private static partial Regex ConditionalExpansion();

    [GeneratedRegex(@"\$\{?\w+\}?")]
    private static partial Regex Variable();

    [GeneratedRegex(@"(?<head>(?<indent>[ ]*)# generated from the call catalog[^\n]*\n\k<indent>Action:\n)(?:\k<indent>  - [^\n]*\n)*(?<tail>\k<indent># end of generated actions)")]
    private static partial Regex GeneratedActions();
}
