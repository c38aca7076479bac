using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using static IsolationChecks.Tests.Reporting.ReportSamples;

namespace IsolationChecks.Tests.Reporting;

/// <summary>Network failures drawn from the hop data their evidence carries, the leaking or blocking hop marked.</summary>
public class NetworkPathsTests
{
    private static async Task<Finding> FailureAsync(string violation, string control)
    {
        var run = await FixtureRunAsync(violation);
        return run.Findings.First(f => f.Control.Id == control && f.Status == Status.Fail);
    }

    [Test]
    public async Task A_build_reaching_the_internet_is_drawn_to_the_internet_gateway_where_it_leaves()
    {
        var paths = NetworkPaths.Of(await FailureAsync("CB-3-nat-path", "CB-3"));

        Assert.That(paths, Is.Not.Empty);
        var path = paths[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(path.Mark, Is.EqualTo(PathMark.Leak));
            Assert.That(path.Hops[path.Marked].Component, Does.StartWith("igw-07e1c2d3b4a5f6071"));
            Assert.That(path.Hops.Select(h => h.Component), Has.Some.StartsWith("nat-0c3f5e7a9b1d2f405"));
            Assert.That(path.Hops[0].Component, Does.StartWith("subnet-0116e35e8be4204c4"));
        }
    }

    [Test]
    public async Task Gitlab_reached_from_the_internet_is_drawn_from_the_gateway_it_enters_by()
    {
        var path = NetworkPaths.Of(await FailureAsync("GL-2-https-reachable-from-internet", "GL-2"))[0];

        Assert.That(path.Mark, Is.EqualTo(PathMark.Leak));
        Assert.That(path.Hops[path.Marked].Component, Does.StartWith("igw-02963ad2c55c2480d"));
        Assert.That(path.Note, Does.StartWith("for "), "the connections that take the path");
    }

    [TestCase("EP-4-endpoint-sg-blocks", "sg-0b9d3591a8a11bea3")]
    [TestCase("EP-4-nacl-return-blocked", "acl-07102b1f09d29f0d4")]
    public async Task A_blocked_endpoint_is_drawn_with_the_hop_that_blocks(string violation, string blocker)
    {
        var paths = NetworkPaths.Of(await FailureAsync(violation, "EP-4"));

        Assert.That(paths, Is.Not.Empty);
        Assert.That(paths.Select(p => p.Mark), Has.All.EqualTo(PathMark.Block));
        Assert.That(paths.Select(p => $"{p.Hops[p.Marked].Component} {p.Hops[p.Marked].Detail}"), Has.Some.Contain(blocker));
    }

    [Test]
    public async Task The_drawing_is_inline_svg_with_the_marked_hop_in_red_and_every_hop_named()
    {
        var finding = await FailureAsync("CB-3-nat-path", "CB-3");
        var path = NetworkPaths.Of(finding)[0];

        var svg = PathDrawing.Svg(path);

        Assert.That(svg, Does.StartWith("<svg").And.EndWith("</svg>"));
        Assert.That(svg, Does.Contain("class=\"hop marked\"").And.Contain("LEAKS"));
        foreach (var hop in path.Hops)
            Assert.That(svg, Does.Contain(System.Net.WebUtility.HtmlEncode($"{hop.Component}: {hop.Detail}")), "each hop's full text is its tooltip");
        Assert.That(HtmlReport.Render(Running.RunBuilders.Run([finding])), Does.Contain(svg));
    }

    [TestCase("a [b] -> c [d [e]] for 10.0.0.0/8", 2, "d [e]", " for 10.0.0.0/8")]
    [TestCase("x (y z) [rule 1] -> w [ok]", 2, "ok", "")]
    public void Hops_read_back_from_their_text(string text, int count, string lastDetail, string rest)
    {
        Assert.That(NetworkPaths.TryReadHops(text, out var hops, out var after), Is.True);
        Assert.That(hops, Has.Count.EqualTo(count));
        Assert.That(hops[^1].Detail, Is.EqualTo(lastDetail));
        Assert.That(after, Is.EqualTo(rest));
    }

    [TestCase("reaches an AWS service")]
    [TestCase("a [unclosed -> b [c]")]
    [TestCase("")]
    public void Text_that_is_not_hops_is_not_drawn(string text) =>
        Assert.That(NetworkPaths.TryReadHops(text, out _, out _), Is.False);

    [Test]
    public void Passes_and_undecided_findings_are_not_drawn()
    {
        var run = MixedRun();

        Assert.That(run.Findings.Where(f => f.Status != Status.Fail).SelectMany(NetworkPaths.Of), Is.Empty);
        Assert.That(run.Findings.Where(f => f.Status == Status.Fail).Select(f => NetworkPaths.Of(f).Count), Has.All.GreaterThan(0));
    }
}
