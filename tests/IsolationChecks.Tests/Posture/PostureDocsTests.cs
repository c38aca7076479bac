using NUnit.Framework;
using System.Reflection;
using System.Text;
using IsolationChecks.Posture;

namespace IsolationChecks.Tests.Posture;

public sealed class PostureDocsTests
{
    private static string RepoRoot => typeof(PostureDocsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    [Test]
    public void The_example_in_docs_posture_md_loads()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot, "docs", "posture.md"));
        var start = doc.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var example = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];

        var posture = PostureLoader.Parse(Encoding.UTF8.GetBytes(example), "docs/posture.md");

        Assert.That(posture.Name, Is.EqualTo("private-cicd"));
    }

    [Test]
    public void Docs_posture_md_lists_exactly_the_known_endpoint_services()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot, "docs", "posture.md"));
        var start = doc.IndexOf("<!-- endpoint-services:start -->", StringComparison.Ordinal);
        var end = doc.IndexOf("<!-- endpoint-services:end -->", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0).And.LessThan(end));

        var listed = System.Text.RegularExpressions.Regex.Matches(doc[start..end], "`([^`]+)`").Select(m => m.Groups[1].Value);

        Assert.That(listed, Is.EqualTo(EndpointServices.Known));
    }
}
