using System.Diagnostics;

namespace IsolationChecks.IntegrationTests.Moto;

/// <summary>Runs a python3 (boto3) script against a moto server and returns what it printed.</summary>
public static class PythonScript
{
    public static async Task<string> RunAsync(MotoServer moto, string script, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("python3", ["-"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in moto.ClientEnvironment)
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        await process.StandardInput.WriteAsync(script).ConfigureAwait(false);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"python script failed ({process.ExitCode}): {await error.ConfigureAwait(false)}");
        return await output.ConfigureAwait(false);
    }
}
