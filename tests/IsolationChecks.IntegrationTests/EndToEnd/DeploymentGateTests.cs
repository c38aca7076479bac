using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using IsolationChecks.Running;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>
/// The tool as it ships: packed (`dotnet pack src/IsolationChecks.Cli`), installed from that folder alone
/// (`dotnet tool install --tool-path ... --add-source ...`, no registry), run as `isolationchecks`; then the GitLab gate
/// job of deploy/gitlab-ci.yml run line by line as its runner would, on a signed copy of the reference. The same script
/// refuses the embedded demo data the installed tool carries.
/// </summary>
[Category("EndToEnd")]
[NonParallelizable]
public class DeploymentGateTests
{
    private string _root = null!;
    private string _trusted = null!;
    private TimeSpan _packed;
    private Task<string>? _installed;

    private static string Metadata(string key) =>
        typeof(DeploymentGateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [OneTimeSetUp]
    public async Task PackTheToolIntoAProjectAsync()
    {
        _root = Directory.CreateTempSubdirectory("gitlab-").FullName;
        var clock = Stopwatch.StartNew();
        // Not --no-build: the pack builds (and pre-compiles) its platform packages itself, as the README's command does.
        var pack = await Shell("dotnet", ["pack", Path.Combine(SuiteProcess.RepoRoot, "src", "IsolationChecks.Cli"), "--configuration", Metadata("Configuration"),
            "--output", Path.Combine(_root, "artifacts")], _root);
        _packed = clock.Elapsed;
        Assert.That(pack.Code, Is.Zero, pack.Output);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await TestSupport.SignedReference.WriteAsync(Path.Combine(SuiteProcess.RepoRoot, "Fixtures", "reference"), Path.Combine(_root, "evidence"), key);
        _trusted = Path.Combine(_root, "audit.pub.pem");
        await File.WriteAllTextAsync(_trusted, key.ExportSubjectPublicKeyInfoPem());
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    /// <summary>A fresh checkout as the job sees it: the packed tool in artifacts/, the nightly's signed snapshot in evidence/latest.</summary>
    private string NewProject()
    {
        var project = Directory.CreateDirectory(Path.Combine(_root, $"project-{Guid.NewGuid():N}")).FullName;
        foreach (var (from, to) in new[] { ("artifacts", "artifacts"), ("evidence", Path.Combine("evidence", "latest")) })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, from), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(project, to, Path.GetRelativePath(Path.Combine(_root, from), file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

        // Only the folder the pipeline built: installing must not need a registry.
        File.WriteAllText(Path.Combine(project, "nuget.config"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration><packageSources><clear /></packageSources></configuration>\n");
        return project;
    }

    /// <summary>A project where the job's first line (the install) has run: the installed `isolationchecks`.</summary>
    private Task<string> InstalledAsync() => _installed ??= InstallAsync();

    private async Task<string> InstallAsync()
    {
        var project = NewProject();
        var (code, output) = await Shell("bash", ["-ec", GateJob().Script[0]], project);
        Assert.That(code, Is.Zero, output);
        return project;
    }

    private static async Task<(int Code, string Output)> Shell(string file, IEnumerable<string> args, string directory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("ISOLATION_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>The job's script lines from deploy/gitlab-ci.yml, in order, and its variables.</summary>
    private static (IReadOnlyList<string> Script, Dictionary<string, string> Variables) GateJob()
    {
        var lines = File.ReadAllLines(Path.Combine(SuiteProcess.RepoRoot, "deploy", "gitlab-ci.yml"));
        var job = lines.SkipWhile(l => l != "isolation-gate:").ToList();
        var variables = job.SkipWhile(l => l.Trim() != "variables:").Skip(1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim().Trim('"'));
        var script = job.SkipWhile(l => l.Trim() != "script:").Skip(1).TakeWhile(l => l.StartsWith("    - ", StringComparison.Ordinal))
            .Select(l => l.Trim()[2..]).ToList();
        return (script, variables);
    }

    /// <summary>Runs the job's script as GitLab's runner does: each line in the job's shell, the job failing at the first non-zero exit.</summary>
    private async Task<(int Code, string Output)> RunGateJobAsync(string project, string? evidence = null, bool installed = false)
    {
        var (script, variables) = GateJob();
        variables["AUDIT_TRUSTED_KEY_PEM"] = _trusted;
        if (evidence is not null)
            variables["EVIDENCE_DIR"] = evidence;
        var output = "";
        foreach (var line in installed ? script.Skip(1) : script)
        {
            var (code, printed) = await Shell("bash", ["-ec", line], project, variables);
            output += $"$ {line}\n{printed}";
            if (code != 0)
                return (code, output);
        }

        return (0, output);
    }

    [Test]
    public async Task The_gate_job_installs_the_packed_tool_offline_and_passes_the_signed_reference()
    {
        var project = NewProject();
        var clock = Stopwatch.StartNew();
        var (code, output) = await RunGateJobAsync(project);
        var elapsed = clock.Elapsed;

        Assert.That(code, Is.EqualTo(ExitCodes.GatePassed), output);
        Assert.That(output, Does.Contain("signed (key").And.Contain("audit gate PASSED").And.Not.Contain("DEMO DATA"));
        foreach (var report in new[] { "findings.json", "report.md", "report.html" })
            Assert.That(File.Exists(Path.Combine(project, "isolation-results", report)), Is.True, report);
        TestContext.Progress.WriteLine($"pack: {_packed.TotalSeconds:0.0}s; the gate job (install + verify + audit): {elapsed.TotalSeconds:0.0}s");
    }

    /// <summary>
    /// The pack is a pointer package, a ReadyToRun package per Linux x64 flavour and a portable one; the install picks the
    /// package of the platform it runs on (here the pre-compiled one on linux-x64, the portable one elsewhere).
    /// </summary>
    [Test]
    public async Task The_install_picks_the_platform_package_and_the_portable_one_is_packed()
    {
        var project = await InstalledAsync();

        var packed = Directory.EnumerateFiles(Path.Combine(project, "artifacts"), "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var version = typeof(DeploymentGateTests).Assembly.GetName().Version!.ToString(3);
        Assert.That(packed, Is.EqualTo(new[] { "any", null, "linux-musl-x64", "linux-x64" }
            .Select(rid => rid is null ? $"IsolationChecks.Cli.{version}.nupkg" : $"IsolationChecks.Cli.{rid}.{version}.nupkg").Order(StringComparer.Ordinal)));
        var expected = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier is "linux-x64" or "linux-musl-x64"
            ? System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier
            : "any";
        var installed = Directory.EnumerateFiles(Path.Combine(project, ".tools", ".store"), "IsolationChecks.Cli.dll", SearchOption.AllDirectories).ToList();
        Assert.That(installed, Has.Count.EqualTo(1).And.All.Contains($"/net10.0/{expected}/"));
        var engine = Path.Combine(Path.GetDirectoryName(installed[0])!, "IsolationChecks.dll");
        Assert.That(IsReadyToRun(engine), Is.EqualTo(expected != "any"), $"{engine} pre-compiled (ReadyToRun) on {expected} only");
    }

    /// <summary>Whether an assembly carries ReadyToRun code (a managed native header beside its IL).</summary>
    private static bool IsReadyToRun(string assembly)
    {
        using var reader = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(assembly));
        return reader.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }

    [Test]
    public async Task The_installed_command_lists_the_catalog()
    {
        var project = await InstalledAsync();

        var clock = Stopwatch.StartNew();
        var (code, output) = await Shell(Path.Combine(project, ".tools", "isolationchecks"), ["controls"], project);

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("CB-1").And.Contain("NET-3"));
        TestContext.Progress.WriteLine($"isolationchecks controls, installed: {clock.Elapsed.TotalSeconds:0.00}s");
    }

    [Test]
    public async Task The_gate_refuses_the_demo_data_the_tool_carries()
    {
        var project = await InstalledAsync();
        var embedded = Directory.EnumerateDirectories(Path.Combine(project, ".tools", ".store"), "reference", SearchOption.AllDirectories)
            .Single(d => Path.GetFileName(Path.GetDirectoryName(d)) == "Fixtures");

        var job = await RunGateJobAsync(project, embedded, installed: true);
        var direct = await Shell(Path.Combine(project, ".tools", "isolationchecks"), ["audit", "--gate", "--target", embedded, "--output", "direct"], project);

        Assert.That(job.Code, Is.EqualTo(ExitCodes.EvidenceUnverified), job.Output);
        Assert.That(direct.Code, Is.EqualTo(ExitCodes.ConfigurationError), direct.Output);
        Assert.That(direct.Output, Does.Contain("never judges the embedded demo data"));
    }
}
