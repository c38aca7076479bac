using IsolationChecks.Cli;
using IsolationChecks.Cli.Commands;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var dispatcher = new CommandDispatcher([new PathCommand(), new SnapshotVerifyCommand(), new SnapshotSignCommand(), new ProbeVpcCommand(TimeProvider.System)]);
return await dispatcher.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
