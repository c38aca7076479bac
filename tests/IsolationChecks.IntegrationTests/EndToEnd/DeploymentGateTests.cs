using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using IsolationChecks.Running;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>
/// The tool as it ships: packed (`dotnet pack src/IsolationChecks.Cli`), installed from that folder alone
/// (`dotnet tool install --tool-path ... --add-source ...`, no registry), run as `isolationchecks`; then the GitLab gate
/// job of deploy/gitlab-ci.yml run line by line as its runner would, on a signed copy of the reference. The same script
/// refuses the embedded demo data the installed tool carries. The merge-request job of deploy/gitlab-ci-plan.yml runs the
/// same way, with a stand-in `terraform` on PATH (test code: init and plan succeed, show -json prints a test-data plan).
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

    private static (IReadOnlyList<string> Script, Dictionary<string, string> Variables) GateJob() => Job("gitlab-ci.yml", "isolation-gate");

    /// <summary>A job's script lines from a file of deploy/, in order, and its variables.</summary>
    private static (IReadOnlyList<string> Script, Dictionary<string, string> Variables) Job(string file, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(SuiteProcess.RepoRoot, "deploy", file));
        var job = lines.SkipWhile(l => l != name + ":").ToList();
        var variables = job.SkipWhile(l => l.Trim() != "variables:").Skip(1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim().Trim('"'));
        var script = job.SkipWhile(l => l.Trim() != "script:").Skip(1).TakeWhile(l => l.StartsWith("    - ", StringComparison.Ordinal))
            .Select(l => l.Trim()[2..]).ToList();
        return (script, variables);
    }

    /// <summary>Runs the job's script as GitLab's runner does: each line in the job's shell, the job failing at the first non-zero exit.</summary>
    private Task<(int Code, string Output)> RunGateJobAsync(string project, string? evidence = null, bool installed = false) =>
        RunJobAsync(GateJob(), project, evidence, installed);

    private async Task<(int Code, string Output)> RunJobAsync(
        (IReadOnlyList<string> Script, Dictionary<string, string> Variables) job, string project, string? evidence = null, bool installed = false)
    {
        var (script, variables) = job;
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

    /// <summary>
    /// A stand-in for Terraform (test code; no terraform on these machines): `-chdir=DIR init` succeeds, `-chdir=DIR plan -out=FILE`
    /// writes FILE in DIR, `-chdir=DIR show -json FILE` prints the test-data plan when FILE is there (so the job must plan
    /// first), anything else fails. Every call is logged.
    /// </summary>
    private static string StandInTerraform(string project, string plan)
    {
        var bin = Directory.CreateDirectory(Path.Combine(project, "stand-in-bin")).FullName;
        var script = Path.Combine(bin, "terraform");
        File.WriteAllText(script, $$"""
            #!/usr/bin/env bash
            set -u
            echo "terraform $*" >> '{{Path.Combine(project, "terraform-calls.log")}}'
            case "$1" in -chdir=*) dir="${1#-chdir=}"; shift ;; *) dir=. ;; esac
            [ -d "$dir" ] || { echo "terraform: no directory $dir" >&2; exit 1; }
            case "$1" in
              init) exit 0 ;;
              plan) for a in "$@"; do case "$a" in -out=*) echo stand-in-plan > "$dir/${a#-out=}" ;; esac; done; exit 0 ;;
              show) [ "$2" = "-json" ] && [ -f "$dir/$3" ] || { echo "terraform show: no plan $dir/${3:-}" >&2; exit 1; }
                    cat '{{plan}}'; exit 0 ;;
              *) echo "terraform stand-in: unexpected $*" >&2; exit 1 ;;
            esac
            """.Replace("\r", ""));
        // The job's runner is Linux (bash, ip netns), as every end-to-end test here.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    private async Task<(int Code, string Output, string Project)> RunPlanJobAsync(string plan, bool install)
    {
        var project = install ? NewProject() : await InstalledAsync();
        var job = Job("gitlab-ci-plan.yml", "isolation-plan-gate");
        Directory.CreateDirectory(Path.Combine(project, job.Variables["TF_ROOT"]));
        foreach (var stale in new[] { "plan.json", "terraform-calls.log" }.Select(f => Path.Combine(project, f)).Concat([Path.Combine(project, job.Variables["TF_ROOT"], "plan.tfplan")]))
            File.Delete(stale);
        var plans = Path.Combine(SuiteProcess.RepoRoot, "tests", "IsolationChecks.Tests", "Plans", "Cases");
        job.Variables["PATH"] = StandInTerraform(project, Path.Combine(plans, plan + ".json")) + ":" + Environment.GetEnvironmentVariable("PATH");
        var (code, output) = await RunJobAsync(job, project, installed: !install);
        return (code, output, project);
    }

    [Test]
    public async Task The_merge_request_job_fails_on_a_plan_that_opens_gitlab_and_publishes_its_reports()
    {
        var clock = Stopwatch.StartNew();
        var (code, output, project) = await RunPlanJobAsync("gitlab-sg-open-to-world", install: true);

        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), output);
        Assert.That(output, Does.Contain("HYPOTHETICAL").And.Contain("WOULD NEWLY FAIL GL-1").And.Contain("signed (key"));
        Assert.That(File.ReadAllLines(Path.Combine(project, "terraform-calls.log")), Is.EqualTo(new[]
        {
            "terraform -chdir=infra init -input=false", "terraform -chdir=infra plan -input=false -out=plan.tfplan", "terraform -chdir=infra show -json plan.tfplan",
        }));
        var results = Path.Combine(project, "isolation-plan-results");
        var junit = System.Xml.Linq.XDocument.Load(Path.Combine(results, "findings.junit.xml"));
        Assert.That(junit.Root!.Elements("testsuite").Select(s => (string)s.Attribute("name")!), Has.Member("Terraform plan: Would newly fail"));
        using var findings = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(results, "findings.json")));
        Assert.That(findings.RootElement.GetProperty("hypothetical").GetBoolean(), Is.True);
        Assert.That(findings.RootElement.GetProperty("plan").GetProperty("wouldNewlyFail").EnumerateArray().Select(v => v.GetProperty("control").GetString()).Distinct(),
            Is.EquivalentTo(new[] { "GL-1", "GL-2" }));
        TestContext.Progress.WriteLine($"the merge-request job (install + init + plan + show + verify + audit): {clock.Elapsed.TotalSeconds:0.0}s");
    }

    [Test]
    public async Task The_merge_request_job_passes_a_plan_that_changes_nothing_relevant()
    {
        var (code, output, project) = await RunPlanJobAsync("nothing-relevant", install: false);

        Assert.That(code, Is.EqualTo(ExitCodes.GatePassed), output);
        Assert.That(output, Does.Contain("HYPOTHETICAL"));
        Assert.That(File.Exists(Path.Combine(project, "isolation-plan-results", "findings.junit.xml")), Is.True);
        using var findings = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(project, "isolation-plan-results", "findings.json")));
        Assert.That(findings.RootElement.GetProperty("plan").GetProperty("wouldNewlyFail").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task The_merge_request_job_stops_when_terraform_cannot_show_the_plan()
    {
        // The stand-in refuses `show` when no plan file was written: a job that judged a stale plan.json would pass here.
        var project = await InstalledAsync();
        var job = Job("gitlab-ci-plan.yml", "isolation-plan-gate");
        var script = job.Script.Where(l => !l.Contains(" plan -input=false", StringComparison.Ordinal)).ToList();
        Directory.CreateDirectory(Path.Combine(project, job.Variables["TF_ROOT"]));
        File.Delete(Path.Combine(project, job.Variables["TF_ROOT"], "plan.tfplan"));
        job.Variables["PATH"] = StandInTerraform(project, Path.Combine(SuiteProcess.RepoRoot, "tests", "IsolationChecks.Tests", "Plans", "Cases", "nothing-relevant.json"))
                                + ":" + Environment.GetEnvironmentVariable("PATH");

        var (code, output) = await RunJobAsync((script, job.Variables), project, installed: true);

        Assert.That(code, Is.Not.Zero, output);
        Assert.That(output, Does.Contain("terraform show: no plan"));
    }
}
