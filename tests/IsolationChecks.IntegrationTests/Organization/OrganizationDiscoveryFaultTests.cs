using System.Diagnostics;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.IntegrationTests.Faults;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using static IsolationChecks.IntegrationTests.Faults.FaultMatrixTests;

namespace IsolationChecks.IntegrationTests.Organization;

/// <summary>
/// The fault matrix for the organisation's discovery (the calls <see cref="AwsCalls.IsOrganizationDiscovery"/> names, made
/// with the organisation reader's credentials): each call under every fault that never clears, each a whole live run over
/// an organisation in moto with a short Timeout. The run must end within it, the manifest must record the call as not
/// collected, and ORG-1 must not pass: an organisation listed incompletely is never an audit of every account.
/// </summary>
[Category("EndToEnd")]
public sealed class OrganizationDiscoveryFaultTests
{
    private const string Region = "eu-west-1";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    private MotoServer _moto = null!;
    private string _root = null!;
    private string _posture = null!;

    public static IReadOnlyList<AwsCall> Calls { get; } = AwsCalls.All.Where(AwsCalls.IsOrganizationDiscovery).ToList();

    public static IEnumerable<TestCaseData> Cases() => CasesOf(Calls, "ORG-1 does not pass, the run ends within its Timeout");

    [OneTimeSetUp]
    public async Task BuildOrganisationAsync()
    {
        _moto = await MotoServer.StartAsync(new MotoSetup(OrganizationScaleTests.Environment), CancellationToken.None);
        var built = await OrganizationScaleTests.BuildAsync(_moto, 3, 1, Region);
        _root = Directory.CreateTempSubdirectory("org-faults-").FullName;
        _posture = Path.Combine(_root, "posture.json");
        await File.WriteAllTextAsync(_posture, OrganizationScaleTests.Posture((string)built["root"]!, [Region]));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
        if (_root is not null && Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task Without_a_fault_the_discovery_is_collected_and_ORG_1_passes()
    {
        await using var proxy = await _moto.StartFaultProxyAsync(CancellationToken.None);
        var run = await RunAsync(proxy, "clean", TimeSpan.FromMinutes(2));

        var made = run.Manifest!.Calls.Where(c => c.Outcome == "ok").Select(c => $"{c.Service}:{c.Operation}").ToHashSet(StringComparer.Ordinal);
        Assert.That(Calls.Select(c => c.IamAction), Is.SubsetOf(made), "the clean run makes every discovery call");
        Assert.That(run.Findings.Where(f => f.Control.Id == "ORG-1").Select(f => f.Status), Has.Some.EqualTo(Status.Pass));
    }

    [TestCaseSource(nameof(Cases))]
    public async Task A_discovery_fault_that_never_clears_leaves_ORG_1_undecided(string iamAction, MatrixFault fault)
    {
        var call = Calls.Single(c => c.IamAction == iamAction);
        await using var proxy = await _moto.StartFaultProxyAsync(CancellationToken.None);
        proxy.Inject(FaultFor(call, fault)).On(call.Service.SigningName, call.Operation);
        var clock = Stopwatch.StartNew();
        var run = await RunAsync(proxy, $"{iamAction}-{fault}".Replace(':', '-'), RunTimeout);
        var elapsed = clock.Elapsed;

        var recorded = run.Manifest!.Calls.Where(c => c.Service == call.Service.IamPrefix && c.Operation == call.Operation).ToList();
        var organisation = run.Findings.Where(f => f.Control.Id == "ORG-1").ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(recorded.Select(c => c.Outcome), Has.Some.EqualTo("failed"), $"the manifest records {call} as not collected");
            Assert.That(organisation, Is.Not.Empty, "ORG-1 speaks for the organisation");
            Assert.That(organisation.Where(f => f.Status == Status.Pass).Select(f => f.Resource.Name), Is.Empty,
                "no ORG-1 pass while the organisation was not listed completely");
            Assert.That(elapsed, Is.LessThan(RunTimeout + Grace), "the run ends within its Timeout");
        }
    }

    private async Task<RunResult> RunAsync(FaultProxy proxy, string name, TimeSpan timeout) =>
        await new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System).RunAsync(
            new SuiteSettings(new TargetSpec.Live(), _posture, Path.Combine(_root, name), EndpointUrl: proxy.Url, Timeout: timeout), null, CancellationToken.None);
}
