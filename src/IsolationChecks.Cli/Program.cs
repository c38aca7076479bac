using IsolationChecks.Cli;
using IsolationChecks.Cli.Commands;
using IsolationChecks.Running;

// SIGINT, SIGTERM and SIGHUP cancel the command (exit code 4, ExitCodes.Interrupted); one that does not stop within
// the grace period is ended with the same code. .NET's own SIGTERM handling would exit 0.
using var interruption = Interruption.OnSignals(() => Environment.Exit(ExitCodes.Interrupted));
using var running = interruption.OnInterrupted(_ => { });

var dispatcher = new CommandDispatcher([
    new PathCommand(), new SnapshotVerifyCommand(), new SnapshotSignCommand(), new ProbeVpcCommand(TimeProvider.System),
    new SnapshotPlanCommand(), new SnapshotCollectCommand(), new SnapshotMergeCommand(),
]);
return await dispatcher.RunAsync(args, Console.Out, Console.Error, interruption.Token);
