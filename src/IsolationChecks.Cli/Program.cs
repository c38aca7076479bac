using System.Collections;
using IsolationChecks.Cli;
using IsolationChecks.Running;

// SIGINT, SIGTERM and SIGHUP cancel the command (exit code 4, ExitCodes.Interrupted); one that does not stop within
// the grace period is ended with the same code. .NET's own SIGTERM handling would exit 0.
using var interruption = Interruption.OnSignals(() => Environment.Exit(ExitCodes.Interrupted));
using var running = interruption.OnInterrupted(_ => { });

var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
    .Where(e => e.Value is string)
    .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
var context = new ToolContext(Console.Out, Console.Error, !Console.IsErrorRedirected, environment, Environment.CurrentDirectory,
    AppContext.BaseDirectory, interruption, TimeProvider.System);
return await new ConsoleTool(context).RunAsync(args);
