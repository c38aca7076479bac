using IsolationChecks.Aws;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Snapshots;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Documentation;

/// <summary>
/// The documents derived from the call catalog equal the committed copies. To regenerate them after changing the
/// catalog or a shape: <c>ISOLATIONCHECKS_WRITE_DOCS=1 dotnet test tests/IsolationChecks.Tests --filter GeneratedDocsTests</c>.
/// </summary>
public class GeneratedDocsTests
{
    private static readonly bool Write = Environment.GetEnvironmentVariable("ISOLATIONCHECKS_WRITE_DOCS") == "1";

    private static void Matches(string relative, string generated)
    {
        var path = Path.Combine(RepositoryPaths.Root, relative);
        if (Write)
            File.WriteAllText(path, generated);
        Assert.That(File.ReadAllText(path), Is.EqualTo(generated),
            $"{relative} is generated from the call catalog: run ISOLATIONCHECKS_WRITE_DOCS=1 dotnet test tests/IsolationChecks.Tests --filter GeneratedDocsTests");
    }

    [Test]
    public void The_audit_role_policy_is_the_catalog_actions() => Matches(EvidenceCatalog.PolicyFile, EvidenceCatalog.AuditRolePolicy());

    [Test]
    public void The_organization_reader_policy_is_the_discovery_actions() => Matches(EvidenceCatalog.OrganizationPolicyFile, EvidenceCatalog.OrganizationReaderPolicy());

    [Test]
    public void The_call_catalog_reference_is_generated() => Matches(EvidenceCatalog.CatalogFile, EvidenceCatalog.CatalogMarkdown());

    [Test]
    public void The_control_catalog_reference_is_generated() =>
        Matches(IsolationChecks.Controls.Catalog.ControlCatalogDocs.File, IsolationChecks.Controls.Catalog.ControlCatalogDocs.Markdown(IsolationChecks.Controls.Catalog.ControlCatalog.Discover()));

    [Test]
    public void The_snapshot_layout_table_is_generated()
    {
        var path = Path.Combine(RepositoryPaths.Root, EvidenceCatalog.SnapshotFormatFile);
        var text = File.ReadAllText(path);
        var begin = text.IndexOf(EvidenceCatalog.LayoutBegin, StringComparison.Ordinal);
        var end = text.IndexOf(EvidenceCatalog.LayoutEnd, StringComparison.Ordinal);
        Assert.That(begin >= 0 && end > begin, Is.True, $"{EvidenceCatalog.SnapshotFormatFile} holds the generated layout between its markers");
        var generated = text[..(begin + EvidenceCatalog.LayoutBegin.Length)] + "\n" + EvidenceCatalog.LayoutTable() + text[end..];
        Matches(EvidenceCatalog.SnapshotFormatFile, generated);
    }

    [Test]
    public void The_cli_script_in_the_snapshot_format_runs_every_call_of_the_catalog()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, EvidenceCatalog.SnapshotFormatFile));
        var script = text[text.IndexOf("#!/usr/bin/env bash", StringComparison.Ordinal)..];
        var commands = AwsCalls.All.Where(c => c.Requires != AwsCalls.Plans.PolicySimulations)
            .Select(c => c.Cli.Split(' ')[2]);
        Assert.That(commands.Where(c => !script.Contains(c, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void Every_optional_member_of_every_shape_says_what_its_absence_means()
    {
        var undeclared = new List<string>();
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>(AwsCalls.All.Select(c => c.Shape));
        while (pending.Count > 0)
        {
            var shape = pending.Dequeue();
            if (!seen.Add(shape))
                continue;
            foreach (var member in ShapeMember.Of(shape, camelCase: false))
            {
                if (member.AbsentMeans == "(undeclared)")
                    undeclared.Add($"{shape.Name}.{member.JsonName}");
                if (member.Element is { } element)
                    pending.Enqueue(element);
            }
        }

        Assert.That(undeclared, Is.Empty, "optional members need [AbsentMeans(...)]: what absence means according to the AWS API reference");
    }

    // Search* is a read only for the one action that exists to list a transit gateway route table (EC2 has no Describe for it);
    // it is named, not matched by prefix, so a future Search action must be judged before it is allowed.
    [Test]
    public void The_allowlist_is_exactly_the_catalog_and_every_catalog_call_is_a_read() =>
        Assert.That(ReadOnlyAllowlist.AuditActions,
            Has.All.Matches<string>(a => a!.Split(':')[1] is var operation && (operation.StartsWith("Describe", StringComparison.Ordinal)
                || operation.StartsWith("List", StringComparison.Ordinal) || operation.StartsWith("Get", StringComparison.Ordinal)
                || operation.StartsWith("BatchGet", StringComparison.Ordinal) || a is "iam:SimulatePrincipalPolicy" or "ec2:SearchTransitGatewayRoutes")));
}
