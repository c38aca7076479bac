using System.CommandLine;
using IsolationChecks.Cli.Commands;
using IsolationChecks.Running;

namespace IsolationChecks.Cli;

/// <summary>
/// `isolationchecks`: the console front door over the same engine as `dotnet test IsolationTests` (one run, one settings
/// resolver, one exit-code table, <see cref="ExitCodes"/>). Every mistake on the command line is one message on standard
/// error and exit code 2; a signal stops any command with exit code 4.
/// </summary>
public sealed class ConsoleTool(ToolContext context)
{
    /// <summary>Verbs that parse their own arguments, exactly as before System.CommandLine: their tokens reach them untouched.</summary>
    private readonly IReadOnlyList<ICommand> _verbs = [new PathCommand()];

    /// <summary>
    /// The organisation-scale snapshot verbs (`snapshot plan`, `snapshot collect --plan ... --shard K/N`, `snapshot merge`),
    /// which parse their own arguments the same way; `snapshot collect` without --plan (or --shard) is the one-process collection.
    /// </summary>
    private readonly IReadOnlyList<ICommand> _snapshotVerbs = [new SnapshotPlanCommand(), new SnapshotCollectCommand(context), new SnapshotMergeCommand()];

    public RootCommand Build()
    {
        var root = new RootCommand(
            "IsolationChecks: proves an AWS private CI/CD environment is isolated as designed, and says exactly where it is not. "
            + "Exit codes: " + string.Join("; ", ExitCodes.Documented.Select(c => $"{c.Code} {c.Meaning}")) + ".");
        root.Add(AuditCommand.Create(context));
        root.Add(ControlsCommand.Create(context));
        var snapshot = SnapshotCommands.Create(context);
        foreach (var verb in _snapshotVerbs.Where(v => v.Name != "collect"))
            snapshot.Add(Listed(verb));
        root.Add(snapshot);
        root.Add(PostureCommands.Create(context));
        foreach (var verb in _verbs)
            root.Add(Listed(verb));
        root.Add(ProbeVpcCommand.Create(context));
        foreach (var legacy in SnapshotCommands.Deprecated(context))
            root.Add(legacy);
        return root;
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count > 0 && _verbs.FirstOrDefault(v => v.Name == args[0]) is { } verb)
            return await RunVerbAsync(verb, args.Skip(1).ToList());
        if (args.Count > 1 && args[0] == "snapshot"
            && _snapshotVerbs.FirstOrDefault(v => v.Name == args[1] && (args[1] != "collect" || args.Contains("--plan") || args.Contains("--shard"))) is { } snapshotVerb)
            return await RunVerbAsync(snapshotVerb, args.Skip(2).ToList());
        var parse = Build().Parse(args);
        var help = parse.Action is System.CommandLine.Help.HelpAction;
        if (parse.Errors.Count > 0 && !help)
        {
            foreach (var error in parse.Errors)
                await context.Error.WriteLineAsync($"isolationchecks: {error.Message}");
            await context.Error.WriteLineAsync($"run `isolationchecks {string.Join(' ', CommandPath(parse))} --help` for the usage");
            return ExitCodes.ConfigurationError;
        }

        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            // Signals are the Interruption's (exit code 4), not System.CommandLine's.
            ProcessTerminationTimeout = null,
        }, context.Interruption.Token);
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
            names.Insert(0, result.Command.Name);
        return names;
    }

    /// <summary>
    /// Runs a command's body with the errors every command shares: a usage mistake or bad input is one message and exit
    /// code 2, an interruption exit code 4. Nothing else is caught: a defect shows as one.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guarded(ToolContext context, string usage, Func<ParseResult, CancellationToken, Task<int>> body) =>
        async (parse, cancellationToken) =>
        {
            try
            {
                return await body(parse, cancellationToken);
            }
            catch (UsageException e)
            {
                await context.Error.WriteLineAsync(e.Message);
                await context.Error.WriteLineAsync($"usage: isolationchecks {usage}");
                return ExitCodes.ConfigurationError;
            }
            catch (InputException e)
            {
                await context.Error.WriteLineAsync($"configuration error: {e.Message}");
                return ExitCodes.ConfigurationError;
            }
            catch (OperationCanceledException) when (context.Interruption.Reason is { } reason)
            {
                await context.Error.WriteLineAsync($"INTERRUPTED: {reason}; the command stopped before it finished");
                return ExitCodes.Interrupted;
            }
        };

    private async Task<int> RunVerbAsync(ICommand verb, IReadOnlyList<string> args)
    {
        if (args is ["-h" or "--help" or "-?"])
        {
            await context.Out.WriteLineAsync($"usage: isolationchecks {verb.Usage}");
            return ExitCodes.GatePassed;
        }

        return await Guarded(context, verb.Usage, (_, ct) => verb.RunAsync(args, context.Out, context.Error, ct))(null!, context.Interruption.Token);
    }

    /// <summary>A self-parsing verb as the help lists it; <see cref="RunAsync"/> hands it its tokens before System.CommandLine sees them.</summary>
    private static Command Listed(ICommand verb)
    {
        var command = new Command(verb.Name, $"usage: isolationchecks {verb.Usage}");
        command.Add(new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore, Description = verb.Usage });
        return command;
    }
}
