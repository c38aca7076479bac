using System.Text;
using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.IntegrationTests.Faults;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Running;
using IsolationChecks.Settings;

namespace IsolationChecks.IntegrationTests.Organization;

/// <summary>
/// Discovery against moto's AWS Organizations, live through the suite's runner: every active account under the root
/// (nested units included) in one region, the class from each account's tag, one account excluded with its reason, and one
/// whose audit role cannot be assumed: STS answers AccessDenied on the wire (the fault proxy, in AWS's documented error
/// shape, for that role only). That account is an inconclusive ORG-1 finding naming it and the error, never skipped.
/// </summary>
[Category("EndToEnd")]
public sealed class OrganizationDiscoveryTests
{
    private const string Region = "eu-west-1";

    private MotoServer _moto = null!;
    private string _root = null!;
    private JsonNode[] _accounts = null!;
    private RunResult _run = null!;

    private string Account(int index) => (string)_accounts[index]!;

    [OneTimeSetUp]
    public async Task DiscoverAndCollectAsync()
    {
        _moto = await MotoServer.StartAsync(new MotoSetup(OrganizationScaleTests.Environment, FaultProxy: true), CancellationToken.None);
        var built = await OrganizationScaleTests.BuildAsync(_moto, 5, 2, Region);
        _accounts = built["accounts"]!.AsArray().Select(a => a!).ToArray();
        var locked = $"arn:aws:iam::{Account(1)}:role/IsolationChecksAudit";
        _moto.Faults.Inject(Fault.DenyAccess()).On("sts", "AssumeRole", body => Uri.UnescapeDataString(Encoding.UTF8.GetString(body)).Contains(locked, StringComparison.Ordinal));

        _root = Directory.CreateTempSubdirectory("org-discovery-").FullName;
        var posture = Path.Combine(_root, "posture.json");
        await File.WriteAllTextAsync(posture, OrganizationScaleTests.Posture((string)built["root"]!, [Region], exclude: Account(2)));
        _run = await new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System).RunAsync(
            new SuiteSettings(new TargetSpec.Live(), posture, Path.Combine(_root, "out"), EndpointUrl: _moto.Faults.Url), null, CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
        if (_root is not null && Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private Finding Org(int account) => _run.Findings.Single(f => f.Control.Id == "ORG-1" && f.Resource.Account == Account(account));

    [Test]
    public void An_account_whose_audit_role_cannot_be_assumed_is_inconclusive_naming_it_and_the_error()
    {
        var locked = Org(1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(locked.Status, Is.EqualTo(Status.Inconclusive));
            Assert.That(locked.Message, Does.Contain(Account(1)).And.Contain("was not reached").And.Contain("AccessDenied").And.Contain("sts:AssumeRole"));
            Assert.That(locked.EffectiveRemediation, Does.Contain($"arn:aws:iam::{Account(1)}:role/IsolationChecksAudit").And.Contain("trust policy"));
            Assert.That(_moto.Faults.RequestsFor("sts", "AssumeRole").Where(r => r.Injected == FaultKind.DenyAccess), Is.Not.Empty, "STS refused on the wire");
            Assert.That(_run.Gate.Passed, Is.False, "an account not reached fails the gate");
        }
    }

    [Test]
    public void Every_other_active_account_under_the_root_nested_units_included_is_reached_and_judged_by_its_class()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var reached in new[] { 0, 3 })
                Assert.That(Org(reached).Status, Is.EqualTo(Status.Pass), Org(reached).Message);
            Assert.That(Org(4).Message, Does.Contain("class sandbox"), "the account in the nested unit, tagged sandbox, is listed");
            Assert.That(_run.Findings.Where(f => f.Control.Id == "CB-1").Select(f => f.Resource.Account).Distinct(), Is.EquivalentTo(new[] { Account(0), Account(3), Account(1) }),
                "the build-class accounts are judged (the unreached one inconclusive), the excluded and the sandbox ones not");
            Assert.That(_run.Findings.Single(f => f.Control.Id == "CB-1" && f.Resource.Account == Account(1)).Status, Is.EqualTo(Status.Inconclusive));
        }
    }

    [Test]
    public void The_excluded_account_is_left_out_with_its_reason_and_the_discovery_is_evidence()
    {
        var manifest = _run.Manifest!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_run.Findings.Where(f => f.Resource.Account == Account(2)), Is.Empty, "the excluded account is not judged");
            Assert.That(manifest.Files.Keys, Has.Some.StartsWith("organization/organizations/list-accounts-for-parent/"));
            Assert.That(manifest.Files.Keys, Has.Some.StartsWith("organization/organizations/list-tags-for-resource/"));
            Assert.That(manifest.Calls.Where(c => c.Service == "organizations").Select(c => c.Outcome), Is.All.EqualTo("ok"));
        }
    }
}
