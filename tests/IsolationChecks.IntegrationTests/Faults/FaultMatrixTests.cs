using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Collection;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.IntegrationTests.Moto;
using IsolationChecks.Running;
using IsolationChecks.Settings;
using IsolationChecks.Snapshots;

// Only fixtures marked Parallelizable run side by side (the fault matrix's cases): most of their time is a Timeout running out.
[assembly: LevelOfParallelism(6)]

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>
/// Every call of the catalog (<see cref="AwsCalls.All"/>; the organisation's discovery in OrganizationDiscoveryFaultTests) under every way AWS can fail it for good: throttled for ever, 5xx,
/// no answer, a truncated body, a malformed body, access denied, pages that never end, an answer that trickles. Each
/// case is a whole live run (collection, IAM's questions, every control) with a short Timeout; it must end within that
/// Timeout, record the call as not collected, and leave no finding that depends on the call `pass`. What depends on a
/// call is measured, not assumed: in a clean run each control is evaluated alone and the files it consults are logged;
/// a finding depends on a call when its control consulted one of the call's files or its evidence cites one. The
/// catalog's ReadBy is held to the same measurement. A call added to the catalog is in the matrix without new test code.
/// One moto serves the whole matrix; each distinct request is asked of it once (<see cref="UpstreamRecording"/>).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public sealed partial class FaultMatrixTests
{
    /// <summary>The run's Timeout in every case: what ends the faults only time can end (no answer, a trickle).</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(4);

    /// <summary>What a run may take beyond its Timeout: IAM's questions, evaluation and the reports, on a loaded CI machine.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    private const string Account = MotoServer.AccountId;

    private MotoServer _moto = null!;
    private readonly UpstreamRecording _recording = new();
    private string _folder = null!;
    private string _posture = null!;
    private JsonElement _estate;
    private Baseline _baseline = null!;

    public enum MatrixFault
    {
        ThrottledForever,
        ServerError,
        NoAnswer,
        TruncatedBody,
        MalformedBody,
        AccessDenied,
        EndlessPagination,
        Trickle,
    }

    /// <summary>What the clean run found, and which files each control consulted for it.</summary>
    private sealed record Baseline(IReadOnlyList<Finding> Findings, IReadOnlyDictionary<string, IReadOnlySet<string>> ConsultedBy, SnapshotFiles Files);

    /// <summary>
    /// The calls this estate's run makes: every call of the catalog but the organisation's discovery, which a posture with an
    /// organization section makes with the organisation reader's credentials (Organization/OrganizationDiscoveryFaultTests
    /// runs the same faults against it).
    /// </summary>
    public static IReadOnlyList<AwsCall> EstateCalls { get; } = AwsCalls.All.Where(c => !AwsCalls.IsOrganizationDiscovery(c)).ToList();

    /// <summary>One case per call and fault that applies to it (endless pagination only to a paginated call), named "call fault: claim".</summary>
    public static IEnumerable<TestCaseData> CasesOf(IEnumerable<AwsCall> calls, string claim) =>
        from call in calls
        from fault in Enum.GetValues<MatrixFault>()
        where fault != MatrixFault.EndlessPagination || call.Paging != Paging.None
        select new TestCaseData(call.ToString(), fault).SetName($"{call} {fault}: {claim}");

    public static IEnumerable<TestCaseData> Cases() => CasesOf(EstateCalls, "nothing that depends on it passes, the run ends within its Timeout");

    [OneTimeSetUp]
    public async Task BuildEstateAndBaselineAsync()
    {
        _moto = await MotoServer.StartAsync(MotoSetup.Credentials, CancellationToken.None);
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Faults", "build_matrix_env.py"));
        _estate = JsonDocument.Parse(await PythonScript.RunAsync(_moto, script)).RootElement.Clone();
        // A Client VPN endpoint into GitLab's VPC whose clients GitLab's group does not admit (they arrive as the association's
        // address in the public subnet): GL-2 passes on the Client VPN evidence.
        _moto.ClientVpn.Add(new ClientVpnEndpointState("cvpn-endpoint-0a1b2c3d4e5f60718", Estate("devVpc"), "172.31.0.0/22", [Estate("gitlabGroup")],
            [Estate("publicSubnet")], [("10.10.0.0/16", true)], [("10.10.0.0/16", Estate("publicSubnet"))]));
        _folder = Directory.CreateTempSubdirectory("fault-matrix-").FullName;
        _posture = Path.Combine(_folder, "posture.json");
        await File.WriteAllTextAsync(_posture, PostureFor(_estate));

        var snapshot = Path.Combine(_folder, "baseline-snapshot");
        await using var proxy = await StartProxyAsync();
        // The clean run is also the process's first (cold SDK, cold JIT): it gets a Timeout a loaded machine cannot reach.
        var result = await RunAsync(proxy, "baseline", TimeSpan.FromMinutes(2), snapshot);
        var files = await SnapshotFolder.ReadAsync(snapshot, CancellationToken.None);
        _baseline = new Baseline(result.Findings, await ConsultedByControlAsync(files), files);

        var notOk = result.Manifest!.Calls.Where(c => c.Outcome is not ("ok" or "absent")).Select(c => $"{c.Service}:{c.Operation} {c.Target} {c.ErrorCode}").ToList();
        Assert.That(notOk, Is.Empty, "the clean run collects everything");
        var made = result.Manifest.Calls.Select(c => $"{c.Service}:{c.Operation}").ToHashSet(StringComparer.Ordinal);
        Assert.That(EstateCalls.Select(c => c.IamAction).Where(a => !made.Contains(a)), Is.Empty, "the estate gives every call of the catalog something to read");
    }

    private string Estate(string name) => _estate.GetProperty(name).GetString()!;

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
        if (_folder is not null)
            Directory.Delete(_folder, recursive: true);
    }

    [TestCaseSource(nameof(Cases))]
    public async Task A_fault_that_never_clears_leaves_no_dependent_pass(string iamAction, MatrixFault fault)
    {
        var call = AwsCalls.All.Single(c => c.IamAction == iamAction);
        var dependent = DependentFindings(call);

        await using var proxy = await StartProxyAsync();
        proxy.Inject(FaultFor(call, fault)).On(call.Service.SigningName, call.Operation);
        var clock = Stopwatch.StartNew();
        var result = await RunAsync(proxy, $"{iamAction}-{fault}".Replace(':', '-'), RunTimeout);
        var elapsed = clock.Elapsed;

        var findings = result.Findings.ToDictionary(f => (f.Control.Id, f.Resource.Id));
        var stillPassing = dependent
            .Where(d => findings.TryGetValue((d.Control.Id, d.Resource.Id), out var now) && now.Status == Status.Pass)
            .Select(d => $"{d.Control.Id} {d.Resource.Id}")
            .ToList();
        // A finding may give way to one about its whole scope ("the scope could not be read"): that one must not pass either.
        var silent = dependent
            .Where(d => !findings.ContainsKey((d.Control.Id, d.Resource.Id)))
            .Select(d => d.Control.Id)
            .Distinct()
            .Where(id => result.Findings.Where(f => f.Control.Id == id).All(f => f.Status == Status.Pass))
            .ToList();
        var recorded = result.Manifest!.Calls.Where(c => c.Service == call.Service.IamPrefix && c.Operation == call.Operation).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stillPassing, Is.Empty, $"findings resting on {call} that pass although it never answered");
            Assert.That(silent, Is.Empty, $"controls whose findings resting on {call} vanished, leaving only passes");
            Assert.That(result.Findings.Where(f => f.Status == Status.Pass).Select(f => (f.Control.Id, f.Resource.Id)),
                Is.SubsetOf(_baseline.Findings.Where(f => f.Status == Status.Pass).Select(f => (f.Control.Id, f.Resource.Id))),
                "a fault never makes anything pass that did not pass before");
            Assert.That(recorded.Select(c => c.Outcome), Is.Not.Empty.And.All.EqualTo("failed"), $"the manifest records {call} as not collected");
            Assert.That(elapsed, Is.LessThan(RunTimeout + Grace), "the run ends within its Timeout");
        }
    }

    /// <summary>The catalog's ReadBy names every control that consults the call's files (the generated docs say it).</summary>
    [Test]
    public void ReadBy_names_every_control_that_consults_the_call()
    {
        var missing = AwsCalls.All
            .SelectMany(call => _baseline.ConsultedBy
                .Where(kv => kv.Value.Any(f => IsFileOf(call, f)) && !ReadBy(call).Contains(kv.Key))
                .Select(kv => $"{call}: {kv.Key}"))
            .ToList();
        Assert.That(missing, Is.Empty);
    }

    /// <summary>
    /// The estate gives every call a pass that rests on it, so each call's cases prove something beyond "the run ends and
    /// records the call as failed"; the exceptions are named here, each with why the estate has none.
    /// </summary>
    [Test]
    public void Every_call_has_passes_resting_on_it_except_the_named_ones()
    {
        var without = EstateCalls.Where(c => DependentFindings(c).Count == 0).Select(c => c.IamAction).ToList();
        Assert.That(without, Is.EquivalentTo(new[]
        {
            // An egress-only gateway matters only to a route that names one; the estate's build routes name none (CB-2
            // judges every route target, and its violation fixtures cover this one).
            AwsCalls.DescribeEgressOnlyInternetGateways.IamAction,
            // Interfaces carry their public addresses in describe-network-interfaces (Association); the path engine needs
            // describe-addresses only for an address without one, which the estate has none of.
            AwsCalls.DescribeAddresses.IamAction,
            // The path engine consults an edge's inventories only for a path that reaches that edge; no path the estate's
            // questions follow crosses a peering, a transit gateway or a VPN (its transit gateway carries no VPC's route),
            // so no verdict rests on them (their faults are proven where paths cross them: TransitMotoTests and the
            // transit and inbound path tests).
            AwsCalls.DescribeVpcPeeringConnections.IamAction,
            AwsCalls.DescribeTransitGatewayAttachments.IamAction,
            AwsCalls.DescribeTransitGatewayVpcAttachments.IamAction,
            AwsCalls.DescribeTransitGatewayRouteTables.IamAction,
            AwsCalls.SearchTransitGatewayRoutes.IamAction,
            AwsCalls.DescribeVpnConnections.IamAction,
            // describe-prefix-lists is read only for an AWS-managed list whose entries were not collected; here they were.
            AwsCalls.DescribePrefixLists.IamAction,
            // A target group's health and attributes matter to a load balancer that forwards to it; the network target
            // group here is behind none (the ALB has no listener).
            AwsCalls.DescribeTargetHealth.IamAction,
            AwsCalls.DescribeTargetGroupAttributes.IamAction,
        }));
    }

    /// <summary>How many cases the matrix has, for the README.</summary>
    [Test]
    public void The_matrix_covers_every_call_of_the_catalog()
    {
        var cases = Cases().ToList();
        TestContext.Out.WriteLine($"fault matrix: {EstateCalls.Count} calls, {Enum.GetValues<MatrixFault>().Length} faults, {cases.Count} cases");
        Assert.That(cases.Select(c => (string)c.Arguments[0]!).Distinct(), Is.EquivalentTo(EstateCalls.Select(c => c.IamAction)));
        Assert.That(AwsCalls.All.Except(EstateCalls), Is.EquivalentTo(Organization.OrganizationDiscoveryFaultTests.Calls), "every other call has its faults proven with the organisation");
    }

    internal static Fault FaultFor(AwsCall call, MatrixFault fault) => fault switch
    {
        MatrixFault.ThrottledForever => Fault.ThrottleAlways(),
        MatrixFault.ServerError => Fault.ServerError(500),
        MatrixFault.NoAnswer => Fault.Hang(),
        MatrixFault.TruncatedBody => Fault.TruncateBody(),
        MatrixFault.MalformedBody => Fault.MalformedBody(),
        MatrixFault.AccessDenied => Fault.DenyAccess(),
        MatrixFault.EndlessPagination => Fault.EndlessPagesOf(call.Paging switch
        {
            Paging.Tokens t => new EndlessPages(t.Token),
            Paging.Markers m => new EndlessPages(m.NextMarker, m.Truncated),
            _ => new EndlessPages("nextToken"),
        }),
        MatrixFault.Trickle => Fault.Trickle(TimeSpan.FromMilliseconds(500)),
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    /// <summary>
    /// The clean run's passes that rest on the call, or on a call made for each of its items (a repository's policy rests
    /// on the repository listing): those whose evidence cites one of their files, and, where the control consulted those
    /// files without citing them in any finding (so which finding used them cannot be told), all the control's passes.
    /// A failed identity check leaves nothing of the scope: every pass rests on it.
    /// </summary>
    private IReadOnlyList<Finding> DependentFindings(AwsCall call)
    {
        var passes = _baseline.Findings.Where(f => f.Status == Status.Pass).ToList();
        if (call == AwsCalls.GetCallerIdentity)
            return passes;
        var calls = WithItsFanout(call).ToList();
        bool IsFile(string file) => calls.Any(c => IsFileOf(c, file));
        bool Cites(Finding f) => f.Evidence.Any(e => e.Source is { } source && IsFile(source));
        var citing = _baseline.Findings.Where(Cites).Select(f => f.Control.Id).ToHashSet(StringComparer.Ordinal);
        return passes
            .Where(f => Cites(f) || (!citing.Contains(f.Control.Id)
                                     && _baseline.ConsultedBy.TryGetValue(f.Control.Id, out var files) && files.Any(IsFile)))
            .ToList();
    }

    private static IEnumerable<AwsCall> WithItsFanout(AwsCall call) =>
        AwsCalls.All.Where(c => c.Fanout.Parent == call).SelectMany(WithItsFanout).Prepend(call);

    private static bool IsFileOf(AwsCall call, string file) => call.ItemOf(file) is not null;

    /// <summary>Each control evaluated alone on the clean snapshot, with the files it consulted.</summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ConsultedByControlAsync(SnapshotFiles files)
    {
        var posture = await Posture.PostureLoader.LoadAsync(_posture, CancellationToken.None);
        var consulted = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var control in ControlCatalog.Discover().Controls)
        {
            var snapshot = SnapshotReader.Read(files);
            var read = snapshot.Log!.Files.ToHashSet(StringComparer.Ordinal);
            await control.EvaluateAsync(new EvaluationContext(snapshot, posture, TimeProvider.System), CancellationToken.None);
            consulted[control.Metadata.Id] = snapshot.Log.Files.Where(f => !read.Contains(f)).ToHashSet(StringComparer.Ordinal);
        }

        return consulted;
    }

    /// <summary>The control ids a call's ReadBy names ("CB-1..CB-5", "EP-1..EP-5, CB-3"); "every scope" names them all.</summary>
    private static IReadOnlySet<string> ReadBy(AwsCall call)
    {
        if (call.ReadBy.StartsWith("every scope", StringComparison.Ordinal))
            return ControlCatalog.Discover().Controls.Select(c => c.Metadata.Id).ToHashSet(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in ControlRange().Matches(call.ReadBy))
        {
            var (family, from) = (m.Groups["family"].Value, int.Parse(m.Groups["from"].Value, System.Globalization.CultureInfo.InvariantCulture));
            var to = m.Groups["to"].Success ? int.Parse(m.Groups["to"].Value, System.Globalization.CultureInfo.InvariantCulture) : from;
            for (var n = from; n <= to; n++)
                ids.Add($"{family}-{n}");
        }

        return ids;
    }

    [GeneratedRegex(@"(?<family>[A-Z]+)-(?<from>\d+)(?:\.\.[A-Z]+-(?<to>\d+))?")]
    private static partial Regex ControlRange();

    private async Task<FaultProxy> StartProxyAsync()
    {
        var proxy = await _moto.StartFaultProxyAsync(CancellationToken.None, _recording);
        // What moto lacks, answered in the AWS API reference's shapes.
        var simulator = new SimulatorStandIn(new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["gitlab-mirror-push"] = new Dictionary<string, string> { ["codecommit:GitPush"] = $"{_estate.GetProperty("natIp").GetString()}/32" },
            ["isolated-pull"] = new Dictionary<string, string> { ["codecommit:GitPull"] = "203.0.113.10/32" },
        });
        proxy.Answer(AwsServices.Iam.SigningName, "SimulatePrincipalPolicy", simulator.Answer);
        proxy.Answer(AwsServices.EcrPublic.SigningName, "DescribeRepositories", _ => new FaultProxy.LocalAnswer(200, "application/x-amz-json-1.1", """{"repositories":[]}"""));
        proxy.Answer(AwsServices.CodeConnections.SigningName, "ListHosts", _ => new FaultProxy.LocalAnswer(200, "application/x-amz-json-1.0", JsonSerializer.Serialize(new
        {
            Hosts = new[]
            {
                new
                {
                    Name = "gitlab", HostArn = $"arn:aws:codeconnections:eu-west-1:{Account}:host/gitlab-1", ProviderType = "GitLabSelfManaged",
                    ProviderEndpoint = "https://gitlab.example.com", Status = "AVAILABLE",
                    VpcConfiguration = new { VpcId = _estate.GetProperty("devVpc").GetString(), SubnetIds = new[] { _estate.GetProperty("privateSubnet").GetString() },
                        SecurityGroupIds = new[] { _estate.GetProperty("gitlabGroup").GetString() } },
                },
            },
        })));
        return proxy;
    }

    private async Task<RunResult> RunAsync(FaultProxy proxy, string name, TimeSpan timeout, string? saveSnapshot = null)
    {
        var settings = new SuiteSettings(new TargetSpec.Live(), _posture, Path.Combine(_folder, name), EndpointUrl: proxy.Url,
            SaveSnapshot: saveSnapshot, Timeout: timeout);
        return await new SuiteRunner(ControlCatalog.Discover(), TimeProvider.System).RunAsync(settings, null, CancellationToken.None);
    }

    private static string PostureFor(JsonElement estate) => JsonSerializer.Serialize(new
    {
        version = 1,
        name = "fault matrix",
        accounts = new { prd = new { accountId = Account, region = "eu-west-1" } },
        build = new
        {
            account = "prd", projects = new[] { "*" }, vpcs = new[] { estate.GetProperty("buildVpc").GetString() },
            privilegedModeAllowed = Array.Empty<string>(), approvedEgress = Array.Empty<string>(), requiredEndpoints = new[] { "ecr.api", "logs", "s3" },
        },
        natGateways = new[] { new { id = estate.GetProperty("nat").GetString(), account = "prd" } },
        ecr = new { account = "prd", repositories = new[] { "*" }, allowedPrincipalAccounts = new[] { Account }, publicRepositoriesAllowed = Array.Empty<string>() },
        gitLab = new
        {
            account = "prd",
            hosts = new object[]
            {
                new { instanceId = estate.GetProperty("instance").GetString() },
                new { loadBalancerArn = estate.GetProperty("loadBalancer").GetString() },
                new { ecsService = new { cluster = "gitlab", service = "gitlab-web" } },
            },
            allowedCidrs = new[] { "192.0.2.0/28" }, allowedSecurityGroups = Array.Empty<string>(),
        },
        codeCommit = new
        {
            account = "prd", mirroredRepositories = new[] { "app" },
            pushPrincipals = new[] { $"arn:aws:iam::{Account}:user/gitlab-mirror-push" },
            pullPrincipals = new[] { $"arn:aws:iam::{Account}:user/isolated-pull" },
            isolatedSourceCidrs = new[] { "203.0.113.10/32" },
        },
        connections = new { account = "prd", hosts = new[] { "*" } },
        excludedControls = new[] { "GIT-1", "NET-1", "NET-2", "NET-3" }.Select(c => new { control = c, reason = "the fault matrix runs against moto: no Git server, no build network" }),
        waivers = Array.Empty<object>(),
    });
}
