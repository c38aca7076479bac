using IsolationChecks.Running;

namespace IsolationChecks.Cli;

/// <summary>A verb that parses its own arguments (`isolationchecks path ...`), hosted by <see cref="ConsoleTool"/> as it is.</summary>
public interface ICommand
{
    string Name { get; }

    string Usage { get; }

    Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken);
}

/// <summary>Thrown for command-line mistakes: printed with the command's usage, exit code 2 (<see cref="ExitCodes.ConfigurationError"/>).</summary>
public sealed class UsageException(string message) : Exception(message);
