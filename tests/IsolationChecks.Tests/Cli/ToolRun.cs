using IsolationChecks.Cli;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Cli;

/// <summary>The console tool run in process, as a user's command line runs it: its exit code and what it printed on each stream.</summary>
public static class ToolRun
{
    public sealed record Result(int Code, string Output, string Error)
    {
        public override string ToString() => $"exit {Code}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }

    /// <param name="workingDirectory">Where relative paths start (default: the process's).</param>
    /// <param name="interruption">Interrupt it to stop the command as a signal would.</param>
    public static async Task<Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, Interruption? interruption = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var own = interruption is null ? new Interruption() : null;
        var context = new ToolContext(output, error, ErrorIsTerminal: false, environment ?? new Dictionary<string, string>(),
            workingDirectory ?? Environment.CurrentDirectory, RepositoryPaths.Root, interruption ?? own!, TimeProvider.System);
        var code = await new ConsoleTool(context).RunAsync(args.ToList());
        return new Result(code, output.ToString(), error.ToString());
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(args, null);
}
