using System.Diagnostics;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.IntegrationTests.EndToEnd;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using Microsoft.Playwright;

namespace IsolationChecks.IntegrationTests.Reporting;

/// <summary>
/// report.html in a real browser: Debian's chromium driven by Playwright (its own browser download is never used). Each
/// report is served at one address and every other request the page makes is refused and counted, so "no external
/// request" is observed, not assumed. Screenshots are kept under TestResults/screenshots (ISOLATIONCHECKS_SCREENSHOTS
/// overrides) for the CI system to keep as artifacts.
/// </summary>
[Category("Browser")]
[NonParallelizable]
public class HtmlReportBrowserTests
{
    private const string ReportUrl = "http://report.invalid/report.html";

    private static readonly string[] ChromiumCandidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"];

    private string _root = "";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>One browser for every report of the class: starting Chromium is most of a case's time.</summary>
    [OneTimeSetUp]
    public async Task StartBrowser()
    {
        var clock = Stopwatch.StartNew();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium(), Headless = true, Args = ["--no-sandbox"] });
        TestContext.Progress.WriteLine($"Chromium {_browser.Version} started in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [OneTimeTearDown]
    public async Task StopBrowser()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    [SetUp]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("report-browser-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_root, recursive: true);

    public static string Chromium() =>
        Environment.GetEnvironmentVariable("ISOLATIONCHECKS_CHROMIUM") is { Length: > 0 } configured ? configured
        : ChromiumCandidates.FirstOrDefault(File.Exists)
          ?? throw new AssertionException(
              $"Chromium is not installed (looked for {string.Join(", ", ChromiumCandidates)}): install it with `apt-get install chromium` " +
              "(.ci/run does), or point ISOLATIONCHECKS_CHROMIUM at a Chromium binary. The report's browser test never skips.");

    public static string ScreenshotFolder =>
        Environment.GetEnvironmentVariable("ISOLATIONCHECKS_SCREENSHOTS") is { Length: > 0 } folder ? folder
        : Path.Combine(SuiteProcess.RepoRoot, "TestResults", "screenshots");

    /// <summary>A run as a user starts one, on a violation fixture, with earlier runs in History: its report.html.</summary>
    private async Task<string> ReportAsync(string violation)
    {
        var history = Path.Combine(_root, "history");
        var controls = ControlCatalog.Discover().Controls;
        async Task<FinishedRun> RunAsync(string? target, string output, bool withHistory)
        {
            var parameters = new Dictionary<string, string> { ["Output"] = output };
            if (target is not null)
                parameters["Target"] = target;
            if (withHistory)
                parameters["History"] = history;
            return await new AuditRun(controls, TimeProvider.System).RunAsync(new RunRequest(parameters, new Dictionary<string, string>(), _root, SuiteProcess.RepoRoot), null, new Interruption());
        }

        await RunAsync(null, Path.Combine(history, "night-1"), false);
        using var fixture = await IsolationChecks.TestSupport.FixtureOverlay.MaterialiseAsync(Path.Combine(SuiteProcess.RepoRoot, "Fixtures", "violations", violation));
        await RunAsync(fixture.Folder, Path.Combine(history, "night-2"), false);
        File.WriteAllText(Path.Combine(history, "night-2", FindingsJson.FileName), "{ \"startedAt\": ");
        await RunAsync(null, Path.Combine(history, "night-3"), false);
        var finished = await RunAsync(fixture.Folder, Path.Combine(_root, "out"), true);
        Assert.That(finished.Result, Is.Not.Null, finished.Outcome.Message);
        return await File.ReadAllTextAsync(Path.Combine(finished.OutputFolder, HtmlReport.FileName));
    }

    [TestCase("CB-3-nat-path", "igw-07e1c2d3b4a5f6071")]
    [TestCase("EP-4-endpoint-sg-blocks", "security group ingress")]
    public async Task The_report_renders_with_its_charts_and_paths_without_errors_or_requests(string violation, string markedHop)
    {
        var html = await ReportAsync(violation);
        var clock = Stopwatch.StartNew();
        await using var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        var requests = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
                problems.Add($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url == ReportUrl)
            {
                await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html; charset=utf-8", Body = html });
                return;
            }

            requests.Add(route.Request.Url);
            await route.AbortAsync();
        });

        var response = await page.GotoAsync(ReportUrl, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var rendered = clock.Elapsed;
        // What a reader sees first (gate, charts, the per-control table), the trend, and one network path: kept for the CI
        // system as artifacts. A full-page picture of a long report takes seconds to encode and shows no more.
        Directory.CreateDirectory(ScreenshotFolder);
        var screenshot = Path.Combine(ScreenshotFolder, $"report-{violation}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        await page.Locator("details.passed").First.Locator("summary").ClickAsync();
        var trend = page.Locator("#trend + p + svg.chart");
        await trend.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(ScreenshotFolder, $"trend-{violation}.png") });
        var path = page.Locator("svg.path").First;
        await path.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(ScreenshotFolder, $"path-{violation}.png") });
        TestContext.Out.WriteLine($"{violation}: page rendered in {rendered.TotalSeconds:0.0} s, photographed by {clock.Elapsed.TotalSeconds:0.0} s " +
                                  $"({html.Length:N0} characters): {screenshot}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response?.Status, Is.EqualTo(200));
            Assert.That(problems, Is.Empty, "no console error or warning");
            Assert.That(requests, Is.Empty, "the page requests nothing but itself");
            Assert.That(await page.TitleAsync(), Does.StartWith("Isolation checks:"));
            Assert.That(await page.Locator("p.gate.failed").CountAsync(), Is.GreaterThan(0), "the failed gate is shown");
            Assert.That(await Height(page.Locator("svg.chart").First), Is.GreaterThan(100), "the status chart is drawn");
            Assert.That(await Height(trend), Is.GreaterThan(100), "the trend chart is drawn");
            Assert.That(await page.Locator("ul.notes li").AllInnerTextsAsync(), Has.Some.Contain("night-2").And.Some.Contain("damaged"));
            Assert.That(await page.Locator("table.controls tbody tr").CountAsync(), Is.GreaterThan(20), "the per-control table");
            Assert.That(await Height(path), Is.GreaterThan(80), "the network path is drawn");
            Assert.That(await page.Locator("svg.path g.hop.marked").AllTextContentsAsync(), Has.Some.Contain(markedHop), "the hop that leaks or blocks is marked");
            Assert.That(await page.Locator("details.passed[open] li").CountAsync(), Is.GreaterThan(0), "a pass summary opens to its resources");
            Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(10_000));
        }
    }

    private static async Task<double> Height(ILocator locator) => (await locator.BoundingBoxAsync())?.Height ?? 0;
}
