using IsolationChecks.Controls.Catalog;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Documentation;

/// <summary>The README's catalog table is what the suite runs: every control, with its severity and family.</summary>
public class ReadmeCatalogTests
{
    [Test]
    public void The_readme_catalog_lists_every_control_with_its_severity_and_family()
    {
        var readme = File.ReadAllLines(RepositoryPaths.Path("README.md"));

        using (Assert.EnterMultipleScope())
        {
            foreach (var control in ControlCatalog.Discover().Controls.Select(c => c.Metadata))
            {
                var row = readme.FirstOrDefault(l => l.StartsWith($"| {control.Id} |", StringComparison.Ordinal));
                Assert.That(row, Is.Not.Null, $"{control.Id} has a row in the README's catalog table");
                Assert.That(row, Does.Contain($"| {control.Severity.ToWire()} |").And.Contain($"| {control.Family} |"), control.Id);
            }
        }
    }
}
