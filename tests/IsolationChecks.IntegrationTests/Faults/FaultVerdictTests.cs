using System.Text;
using IsolationChecks.Aws;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.IntegrationTests.EndToEnd;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Posture;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>
/// Faults seen as verdicts: a call refused or never answered turns exactly the controls that need its data
/// inconclusive, naming the call, and never produces a pass; every other verdict is what a clean run gives.
/// </summary>
public sealed class FaultVerdictTests
{
    private const string Account = "123456789012";
    private const string Region = "us-east-1";

    private MotoServer _moto = null!;
    private PostureDocument _posture = null!;
    private IReadOnlyDictionary<(string, string), Finding> _baseline = null!;

    [OneTimeSetUp]
    public async Task BuildEnvironmentAndBaselineAsync()
    {
        _moto = await MotoServer.StartAsync(MotoSetup.Credentials, CancellationToken.None);
        await CodeBuildEnvironment.BuildAsync(_moto.Endpoint, Region);
        _posture = PostureLoader.Parse(Encoding.UTF8.GetBytes(CodeBuildEnvironment.Posture(Account, Region)), "posture.json");
        _baseline = (await EvaluateAsync(_moto.Endpoint)).ToDictionary(f => (f.Control.Id, f.Resource.Id));
        Assert.That(_baseline.Values.Where(f => f.Control.Family == "CodeBuild").Select(f => f.Status), Has.Some.EqualTo(Status.Pass));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    private async Task<IReadOnlyList<Finding>> EvaluateAsync(string endpoint)
    {
        var collector = MotoServer.CollectorAt(endpoint);
        var files = await collector.CollectAsync([new AuditScope("prd", Account, Region)], null, CancellationToken.None);
        var runner = new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System);
        return await runner.EvaluateAsync(SnapshotReader.Read(files), _posture, "posture.json", CancellationToken.None);
    }

    private IReadOnlyList<Finding> Changed(IEnumerable<Finding> findings) =>
        findings.Where(f => !_baseline.TryGetValue((f.Control.Id, f.Resource.Id), out var before) || before.Status != f.Status).ToList();

    [TestCase("ec2", "DescribeRouteTables", "UnauthorizedOperation", new[] { "CB-2" }, new[] { "CB-1", "CB-4", "CB-5" })]
    [TestCase("codebuild", "BatchGetProjects", "AccessDeniedException", new[] { "CB-1", "CB-2", "CB-4", "CB-5" }, new string[0])]
    public async Task Access_denied_turns_exactly_the_dependent_verdicts_inconclusive(
        string service, string operation, string code, string[] mustChange, string[] mustNotChange)
    {
        await using var proxy = await _moto.StartFaultProxyAsync(CancellationToken.None);
        proxy.Inject(Fault.DenyAccess()).On(service, operation);

        var changed = Changed(await EvaluateAsync(proxy.Url));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(changed.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive), "a refused call can only make verdicts inconclusive");
            Assert.That(changed.Select(f => f.Message), Is.All.Contain(operation).And.All.Contain(code), "each names the call and its error");
            foreach (var id in mustChange)
                Assert.That(changed.Select(f => f.Control.Id), Does.Contain(id), $"{id} needs {operation}");
            foreach (var id in mustNotChange)
                Assert.That(changed.Select(f => f.Control.Id), Does.Not.Contain(id), $"{id} does not need {operation}");
        }
    }

    [Test]
    public async Task Throttling_that_never_clears_never_produces_a_pass()
    {
        await using var proxy = await _moto.StartFaultProxyAsync(CancellationToken.None);
        proxy.Inject(Fault.ThrottleAlways()).OnEveryOperationOf("codebuild");

        var codeBuild = (await EvaluateAsync(proxy.Url)).Where(f => f.Control.Family == "CodeBuild").ToList();

        Assert.That(codeBuild, Is.Not.Empty);
        Assert.That(codeBuild.Select(f => f.Status), Is.All.EqualTo(Status.Inconclusive));
        Assert.That(codeBuild.Select(f => f.Message), Is.All.Contain("ThrottlingException"));
    }
}
