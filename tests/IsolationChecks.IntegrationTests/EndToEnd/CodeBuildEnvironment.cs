using System.Diagnostics;
using System.Text.Json;

namespace IsolationChecks.IntegrationTests.EndToEnd;

/// <summary>
/// Builds build_codebuild_env.py's environment in moto: app-build (compliant), leaky-build (NAT route: CB-2),
/// outside-build (no VPC: CB-1), root-build (privileged: CB-5), quiet-build (logs disabled: CB-4).
/// </summary>
public static class CodeBuildEnvironment
{
    /// <returns>The ids the script printed (vpc, natGateway, leakyRouteTable, privateRouteTable, subnets).</returns>
    public static async Task<JsonElement> BuildAsync(string endpoint, string region)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "EndToEnd", "build_codebuild_env.py");
        var start = new ProcessStartInfo("python3", [script, endpoint, region]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, stderr);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    /// <summary>A posture putting every project of the moto account in the build scope.</summary>
    public static string Posture(string account, string region) => JsonSerializer.Serialize(new
    {
        version = 1,
        name = "moto-live",
        accounts = new { prd = new { accountId = account, region } },
        build = new { account = "prd", projects = new[] { "*" }, privilegedModeAllowed = Array.Empty<string>() },
    });
}
