using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;

namespace IsolationChecks.Git;

/// <summary>
/// The seeds' own acceptance test, run without risk: <c>git push --dry-run</c> of a throw-away commit to a
/// reference name that cannot exist. A dry run stops after receive-pack discovery and never sends a pack,
/// so even credentials that can push write nothing. Credentials reach git through a credential helper that
/// reads them from this child process's environment: never on a command line, in a URL or in a file.
/// </summary>
public sealed class GitCliSecondOpinion(string gitExecutable = "git")
{
    private const string UsernameVariable = "ISOLATIONCHECKS_GIT_USERNAME";
    private const string PasswordVariable = "ISOLATIONCHECKS_GIT_PASSWORD";

    // Only names of variables appear in the helper; git passes "get"/"store"/"erase" as $1.
    private const string CredentialHelper =
        $"!f() {{ test \"$1\" = get && printf 'username=%s\\npassword=%s\\n' \"${UsernameVariable}\" \"${PasswordVariable}\"; }}; f";

    public async Task<GitCliStep> RunAsync(Uri repository, GitCredential credential, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = repository.AbsoluteUri.TrimEnd('/');
        var target = $"refs/heads/isolationchecks/dry-run-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var command = $"git push --dry-run --porcelain {url} <throw-away commit>:{target}";
        var workDir = Directory.CreateTempSubdirectory("isolationchecks-git-probe-");
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var init = await RunGitAsync(workDir.FullName, ["init", "-q", "."], null, timeout, cancellationToken);
            if (init.ExitCode != 0)
                return new GitCliStep(command, init.ExitCode, LastMeaningfulLine(init.Stderr, credential), false, stopwatch.ElapsedMilliseconds, "git init failed");

            // A commit of the empty tree: git knows the empty tree without it being written.
            var commit = await RunGitAsync(workDir.FullName, ["commit-tree", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", "-m", "isolationchecks dry-run probe"], null, timeout, cancellationToken);
            if (commit.ExitCode != 0)
                return new GitCliStep(command, commit.ExitCode, LastMeaningfulLine(commit.Stderr, credential), false, stopwatch.ElapsedMilliseconds, "git commit-tree failed");

            var push = await RunGitAsync(workDir.FullName, ["push", "--dry-run", "--porcelain", url, $"{commit.Stdout.Trim()}:{target}"], credential, timeout, cancellationToken);
            var line = LastMeaningfulLine(push.Stderr, credential);
            return new GitCliStep(command, push.ExitCode, line,
                push.Stderr.Contains("The requested URL returned error: 403", StringComparison.Ordinal), stopwatch.ElapsedMilliseconds,
                push.TimedOut ? $"git did not finish within {timeout.TotalSeconds:0}s and was stopped" : null);
        }
        catch (Win32Exception e)
        {
            return new GitCliStep(command, null, null, false, stopwatch.ElapsedMilliseconds, $"cannot run {gitExecutable}: {e.Message}");
        }
        finally
        {
            try { workDir.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string? LastMeaningfulLine(string stderr, GitCredential credential)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = lines.LastOrDefault(l => l.StartsWith("fatal:", StringComparison.Ordinal) || l.StartsWith("error:", StringComparison.Ordinal))
                   ?? lines.LastOrDefault();
        return line is null ? null : credential.Redact(GitPushRefusalProbe.RedactUserInfo(line));
    }

    private sealed record GitRun(int? ExitCode, string Stdout, string Stderr, bool TimedOut);

    private async Task<GitRun> RunGitAsync(string workDir, IReadOnlyList<string> arguments, GitCredential? credential, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(gitExecutable)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var env = start.Environment;
        // Never prompt, never read the operator's git configuration or stored credentials.
        env["GIT_TERMINAL_PROMPT"] = "0";
        env["GIT_CONFIG_NOSYSTEM"] = "1";
        env["GIT_CONFIG_GLOBAL"] = "/dev/null";
        env["HOME"] = workDir;
        env["LC_ALL"] = "C";
        env.Remove("GIT_ASKPASS");
        env.Remove("SSH_ASKPASS");
        env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = "isolationchecks";
        env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = "isolationchecks@invalid";
        // Configuration through the environment (git >= 2.31), so nothing lands on the command line.
        env["GIT_CONFIG_COUNT"] = "3";
        env["GIT_CONFIG_KEY_0"] = "credential.helper";
        env["GIT_CONFIG_VALUE_0"] = ""; // resets any helper list
        env["GIT_CONFIG_KEY_1"] = "credential.helper";
        env["GIT_CONFIG_VALUE_1"] = credential is null ? "" : CredentialHelper;
        env["GIT_CONFIG_KEY_2"] = "credential.interactive";
        env["GIT_CONFIG_VALUE_2"] = "false";
        if (credential is not null)
        {
            env[UsernameVariable] = credential.Username;
            env[PasswordVariable] = credential.Password;
        }

        using var process = Process.Start(start) ?? throw new Win32Exception($"{gitExecutable} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            timedOut = e is TimeoutException;
            process.Kill(entireProcessTree: true);
            if (!timedOut) throw;
        }

        return new GitRun(timedOut ? null : process.ExitCode, await stdout, await stderr, timedOut);
    }
}
