using IsolationChecks.Running;

namespace IsolationChecks.Cli;

/// <summary>One verb of the console tool (`isolationchecks path ...`).</summary>
public interface ICommand
{
    string Name { get; }

    string Usage { get; }

    Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken);
}

/// <summary>Thrown for command-line mistakes: printed with the command's usage, exit code 2 (<see cref="ExitCodes.ConfigurationError"/>).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Routes the first argument to a command; new verbs are added by registering another <see cref="ICommand"/>.</summary>
public sealed class CommandDispatcher(IReadOnlyList<ICommand> commands)
{
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            await WriteUsageAsync(args.Count == 0 ? error : output);
            return args.Count == 0 ? ExitCodes.ConfigurationError : ExitCodes.GatePassed;
        }

        var command = commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            await error.WriteLineAsync($"unknown command '{args[0]}'");
            await WriteUsageAsync(error);
            return ExitCodes.ConfigurationError;
        }

        try
        {
            return await command.RunAsync(args.Skip(1).ToList(), output, error, cancellationToken);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync($"usage: {command.Usage}");
            return ExitCodes.ConfigurationError;
        }
        catch (InputException e)
        {
            await error.WriteLineAsync(e.Message);
            return ExitCodes.ConfigurationError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"interrupted: {command.Name} stopped before it finished");
            return ExitCodes.Interrupted;
        }
    }

    private async Task WriteUsageAsync(TextWriter writer)
    {
        await writer.WriteLineAsync("usage: isolationchecks <command> [options]");
        foreach (var command in commands) await writer.WriteLineAsync($"  {command.Usage}");
    }
}
